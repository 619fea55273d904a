"""Regularization / prior preservation, optimizers, schedules, buckets in a run, TensorBoard."""

import pytest
import torch
from engine_helpers import draw_dataset, fast_config
from safetensors import safe_open

from trainer.engine.loop import LossSettings, diffusion_loss
from trainer.engine.optim import build_optimizer, build_scheduler
from trainer.engine.train import train
from trainer.job_paths import read_events


def test_class_images_are_generated_and_used_as_prior(tiny_model, dataset, tmp_path):
    run = tmp_path / "run"
    cfg = fast_config(
        tiny_model("sd15"),
        dataset,
        run,
        regularization=True,
        num_class_images=3,
        class_prompt="a shape",
        prior_loss_weight=0.5,
        max_train_steps=2,
    )
    result = train(cfg, run)
    generated = sorted(p.name for p in (run / "reg_images").iterdir())
    assert generated == [f"class_{i:05d}.{ext}" for i in range(3) for ext in ("png", "txt")]
    assert (run / "reg_images" / "class_00000.txt").read_text() == "a shape"
    assert read_events(run)[0]["num_reg_images"] == 3
    with safe_open(str(result.files[0]), "pt") as fh:
        assert fh.metadata()["ss_num_reg_images"] == "3"


def test_prior_loss_weight_scales_regularization_samples():
    class Echo(torch.nn.Module):
        """A stand-in denoiser that predicts zeros: the loss is then the target's mean square."""

        def forward(self, sample, timestep, hidden, added_cond_kwargs=None):
            return type("Out", (), {"sample": torch.zeros_like(sample)})()

    from diffusers import DDPMScheduler

    scheduler = DDPMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012)
    settings = LossSettings("epsilon", 0.0, 0.0, "sd15")
    args = (torch.zeros(2, 4, 8, 8), torch.zeros(2, 6), torch.zeros(2, 77, 8), None)
    full = diffusion_loss(
        Echo(), scheduler, *args, torch.tensor([1.0, 1.0]), torch.Generator().manual_seed(0), settings
    )
    half = diffusion_loss(
        Echo(), scheduler, *args, torch.tensor([0.5, 0.5]), torch.Generator().manual_seed(0), settings
    )
    assert half == pytest.approx(full / 2)


@pytest.mark.parametrize("name", ["adamw", "adafactor"])
def test_optimizers_step_with_separate_learning_rates(name):
    unet_w, te_w = torch.nn.Parameter(torch.ones(4)), torch.nn.Parameter(torch.ones(4))
    groups = [{"params": [unet_w], "lr": 1e-2}, {"params": [te_w], "lr": 1e-3}]
    opt = build_optimizer(name, groups, weight_decay=0.0)
    sched = build_scheduler("cosine", opt, warmup_steps=2, total_steps=10)
    for _ in range(3):
        (unet_w.sum() + te_w.sum()).backward()
        opt.step()
        sched.step()
        opt.zero_grad()
    assert (unet_w < 1).all() and (te_w < 1).all()
    unet_lr, te_lr = (g["lr"] for g in opt.param_groups)
    assert unet_lr > te_lr


def test_prodigy_trains_and_refuses_split_learning_rates(tiny_model, dataset, tmp_path):
    from trainer.engine.errors import TrainingError
    from trainer.engine.setup import validate

    cfg = fast_config(
        tiny_model("sd15"),
        dataset,
        tmp_path / "run",
        optimizer="prodigy",
        learning_rate=1.0,
        max_train_steps=2,
    )
    assert train(cfg, tmp_path / "run").status == "done"
    split = cfg.replace(train_text_encoder=True, text_encoder_lr=0.5)
    with pytest.raises(TrainingError) as err:
        validate(split, tmp_path / "other")
    assert err.value.field == "text_encoder_lr"


def test_mixed_aspect_images_train_in_their_own_buckets(tiny_model, tmp_path):
    data = draw_dataset(tmp_path / "data", 4, size=64, wide_every=2)  # two 128x64, two 64x64
    # At 96 px (area 9216) a 128x64 bucket fits; the wide images must keep their shape.
    cfg = fast_config(
        tiny_model("sd15"),
        data,
        tmp_path / "run",
        resolution=96,
        bucket_reso_step=16,
        min_bucket_reso=64,
        max_train_steps=2,
        tensorboard=True,
        cache_latents_to="disk",
    )
    result = train(cfg, tmp_path / "run")
    assert result.status == "done"
    shapes = set()
    for file in (tmp_path / "run" / "cache" / "latents").glob("*.safetensors"):
        with safe_open(str(file), "pt") as fh:
            shapes.add(tuple(fh.get_tensor("latents").shape))
    # 64x64 images are never enlarged to 96x96: they keep their own size (latent 8x8).
    assert shapes == {(4, 8, 16), (4, 8, 8)}
    assert any((tmp_path / "run" / "logs").rglob("events.out.tfevents*"))


def test_bf16_mixed_precision_runs_on_cpu(tiny_model, dataset, tmp_path):
    cfg = fast_config(
        tiny_model("sd15"),
        dataset,
        tmp_path / "run",
        mixed_precision="bf16",
        max_train_steps=2,
        save_precision="bf16",
    )
    result = train(cfg, tmp_path / "run")
    with safe_open(str(result.files[0]), "pt") as fh:
        names = list(fh.keys())
        key = next(k for k in names if k.endswith("lora_up.weight"))
        assert fh.get_tensor(key).dtype == torch.bfloat16


def test_epochs_instead_of_steps(tiny_model, dataset, tmp_path):
    # 4 images, batch 2 -> 2 batches per epoch; 2 epochs -> 4 steps.
    cfg = fast_config(tiny_model("sd15"), dataset, tmp_path / "run", max_train_steps=0, max_train_epochs=2)
    result = train(cfg, tmp_path / "run")
    assert result.step == 4
    with safe_open(str(result.files[0]), "pt") as fh:
        assert fh.metadata()["ss_epoch"] == "2"


def test_single_file_checkpoint_trains(tmp_path, dataset):
    from trainer.models.tiny import build_tiny_pipeline

    model = build_tiny_pipeline(tmp_path / "m", "sd15", "single-file", seed=0)
    assert model.suffix == ".safetensors"
    cfg = fast_config(model, dataset, tmp_path / "run", max_train_steps=1)
    assert train(cfg, tmp_path / "run").status == "done"


def test_progress_bar_and_events_file(tmp_path, capsys):
    from trainer.engine.events import EventWriter

    events = EventWriter(tmp_path, progress=True)
    events.emit("start", total=3, resumed_from=1)
    events.emit("step", step=3, total=3, loss=0.5, lr=1e-4, eta_s=0.0, s_per_step=0.1)
    events.emit("done", step=3)
    err = capsys.readouterr().err
    assert "3/3" in err and "loss=0.5000" in err
    assert [e["type"] for e in read_events(tmp_path)] == ["start", "step", "done"]
    with (tmp_path / "events.jsonl").open("a") as fh:
        fh.write('{"type": "step", "ste')  # a line cut short by a crash
    assert len(read_events(tmp_path)) == 3


def test_gradient_checkpointing_gives_the_same_weights(tiny_model, dataset, tmp_path):
    from safetensors.torch import load_file

    runs = {}
    for checkpointing in (False, True):
        run = tmp_path / str(checkpointing)
        cfg = fast_config(
            tiny_model("sd15"),
            dataset,
            run,
            max_train_steps=2,
            train_text_encoder=True,
            gradient_checkpointing=checkpointing,
        )
        train(cfg, run)
        runs[checkpointing] = load_file(str(run / "checkpoints" / "step_000002" / "lora.safetensors"))
    assert all(torch.allclose(runs[False][k], runs[True][k], atol=1e-6) for k in runs[False])
    assert any(runs[True][k].abs().sum() > 0 for k in runs[True] if k.startswith("te1.") and "lora_B" in k)


def test_clip_skip_takes_an_earlier_layer_with_the_final_norm(tiny_model):
    from trainer.engine.text import encode_captions, tokenize
    from trainer.models.load import load_base

    base = load_base(tiny_model("sd15"))
    encoder, tokenizer = base.text_encoders[0], base.tokenizers[0]
    with torch.no_grad():
        last, pooled = encode_captions(["sks, a red circle"], [encoder], [tokenizer], "sd15", clip_skip=1)
        skip2, _ = encode_captions(["sks, a red circle"], [encoder], [tokenizer], "sd15", clip_skip=2)
        states = encoder(tokenize(tokenizer, ["sks, a red circle"]), output_hidden_states=True).hidden_states
    assert pooled is None and last.shape == skip2.shape == (1, 77, encoder.config.hidden_size)
    assert torch.allclose(last, encoder.final_layer_norm(states[-1]))
    assert torch.allclose(skip2, encoder.final_layer_norm(states[-2]))
    assert not torch.allclose(last, skip2)
