"""Real training runs on the tiny models: the CLI path, outputs, loss, every architecture."""

import json
import statistics

import pytest
import torch
from engine_helpers import draw_dataset, fast_config
from safetensors import safe_open

from cli.main import main as loracord
from trainer.engine.network import text_encoder_targets, unet_targets
from trainer.engine.train import train
from trainer.job_paths import read_events
from trainer.models.load import load_base


def _losses(run):
    return [e["loss"] for e in read_events(run) if e["type"] == "step"]


def _falls(losses):
    quarter = max(1, len(losses) // 4)
    return statistics.mean(losses[-quarter:]) < 0.9 * statistics.mean(losses[:quarter])


def _kohya_names_from_model(model_dir, target, prefix="lora_unet_"):
    """Expected kohya names derived from the live U-Net's own module paths (SD1.x/2.x scheme)."""
    base = load_base(model_dir)
    return {prefix + name.replace(".", "_") for name in unet_targets(base.unet, target).modules}


def test_first_run_from_flags_trains_and_writes_everything(tiny_model, tmp_path):
    model = tiny_model("sd15")
    data = draw_dataset(tmp_path / "data", 4)
    out = tmp_path / "run"
    code = loracord(
        [
            "train",
            "--model",
            str(model),
            "--data",
            str(data),
            "--out",
            str(out),
            "--steps",
            "24",
            "--name",
            "shapes",
            "--rank",
            "8",
            "--alpha",
            "4",
            "--lr",
            "2e-2",
            "--batch-size",
            "4",
            "--resolution",
            "64",
            "--set",
            "sample_steps=1",
            "--set",
            "sample_every_n_steps=12",
            "--set",
            "trigger_word=sks",
            "--set",
            "target_modules=attn_mlp",
        ]
    )
    assert code == 0
    events = read_events(out)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert [e["step"] for e in events if e["type"] == "sample"] == [0, 12, 24]
    assert all("sks" in p for p in events[1]["prompts"])
    steps = [e for e in events if e["type"] == "step"]
    assert [e["step"] for e in steps] == list(range(1, 25))
    assert all(e["total"] == 24 and e["lr"] == pytest.approx(2e-2) and e["eta_s"] >= 0 for e in steps)
    assert _falls(_losses(out)), _losses(out)
    done = events[-1]
    assert done["output"] == "output/shapes.safetensors" and (out / done["loss_curve"]).stat().st_size > 1000
    assert (out / "samples" / "step_000024_grid.png").is_file()
    assert "network_dim = 8" in (out / "config.toml").read_text()

    with safe_open(str(out / "output" / "shapes.safetensors"), "pt") as fh:
        keys, meta = set(fh.keys()), fh.metadata()
        alphas = {float(fh.get_tensor(k)) for k in keys if k.endswith(".alpha")}
    modules = {k.rsplit(".", 2)[0] if k.endswith(".weight") else k.rsplit(".", 1)[0] for k in keys}
    assert modules == _kohya_names_from_model(model, "attn_mlp")
    assert alphas == {4.0}
    assert meta["ss_network_dim"] == "8" and meta["ss_network_alpha"] == "4.0"
    assert (
        meta["ss_steps"] == "24" and meta["ss_num_train_images"] == "4" and meta["ss_output_name"] == "shapes"
    )
    assert json.loads(meta["ss_tag_frequency"])["data"]["sks"] == 4


def test_trained_lora_changes_the_image_through_diffusers(tiny_model, tmp_path):
    from diffusers import StableDiffusionPipeline

    model = tiny_model("sd15")
    data = draw_dataset(tmp_path / "data", 2)
    cfg = fast_config(model, data, tmp_path / "run", max_train_steps=3, learning_rate=5e-2)
    result = train(cfg, tmp_path / "run")
    pipe = StableDiffusionPipeline.from_pretrained(
        str(model), safety_checker=None, requires_safety_checker=False
    )
    pipe.set_progress_bar_config(disable=True)

    def image():
        g = torch.Generator().manual_seed(0)
        return pipe("sks", num_inference_steps=2, generator=g, output_type="np").images[0]

    base = image()
    pipe.load_lora_weights(str(result.files[0]), adapter_name="run")
    assert abs(image() - base).max() > 1e-3
    pipe.set_adapters(["run"], adapter_weights=[0.0])
    assert abs(image() - base).max() < 1e-5


@pytest.mark.parametrize("arch", ["sd2", "sdxl"])
def test_other_architectures_train(arch, tiny_model, tmp_path):
    """SD2 (v-prediction) and SDXL (two encoders, size conditioning with crops of wide images) learn."""
    data = draw_dataset(tmp_path / "data", 4, wide_every=4)
    cfg = fast_config(
        tiny_model(arch),
        data,
        tmp_path / "run",
        max_train_steps=20,
        learning_rate=2e-2,
        network_dim=8,
        network_alpha=8.0,
        train_batch_size=4,
        target_modules="locon",
        conv_dim=8,
        conv_alpha=8.0,
    )
    result = train(cfg, tmp_path / "run")
    assert result.status == "done"
    start = read_events(tmp_path / "run")[0]
    assert start["arch"] == arch
    with safe_open(str(result.files[0]), "pt") as fh:
        meta = fh.metadata()
    if arch == "sd2":
        assert meta["ss_v2"] == "True" and meta["modelspec.prediction_type"] == "v"
    assert _falls(_losses(tmp_path / "run")), _losses(tmp_path / "run")


def test_text_encoder_and_locon_are_trained_and_exported(tiny_model, dataset, tmp_path):
    model = tiny_model("sd15")
    cfg = fast_config(
        model,
        dataset,
        tmp_path / "run",
        target_modules="locon",
        train_text_encoder=True,
        conv_dim=2,
        conv_alpha=1.0,
        network_dim=4,
        network_alpha=2.0,
        max_train_steps=2,
        text_encoder_lr=5e-3,
    )
    result = train(cfg, tmp_path / "run")
    base = load_base(model)
    expected_te = {
        "lora_te_text_model_" + n.replace(".", "_")
        for n in text_encoder_targets(base.text_encoders[0], "locon").modules
    }
    with safe_open(str(result.files[0]), "pt") as fh:
        keys = set(fh.keys())
        conv_key = "lora_unet_down_blocks_0_resnets_0_conv1"
        assert fh.get_tensor(conv_key + ".lora_down.weight").shape[0] == 2
        assert float(fh.get_tensor(conv_key + ".alpha")) == 1.0
        assert float(fh.get_tensor("lora_unet_down_blocks_0_resnets_0_time_emb_proj.alpha")) == 2.0
        te_up = fh.get_tensor("lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight")
    modules = {k.split(".")[0] for k in keys}
    assert expected_te <= modules
    assert te_up.abs().sum() > 0  # the text encoder really trained (B starts at zero)


def test_sdxl_text_encoders_get_te1_and_te2(tiny_model, dataset, tmp_path):
    cfg = fast_config(
        tiny_model("sdxl"), dataset, tmp_path / "run", train_text_encoder=True, max_train_steps=1
    )
    result = train(cfg, tmp_path / "run")
    with safe_open(str(result.files[0]), "pt") as fh:
        names = list(fh.keys())
    prefixes = {k.split("_text_model")[0] for k in names if k.startswith("lora_te")}
    assert any(k.startswith("lora_unet_input_blocks_") for k in names)
    assert prefixes == {"lora_te1", "lora_te2"}


def test_images_without_captions_are_reported_as_a_warning_event(tiny_model, tmp_path):
    from advisor.diagnose import diagnose

    data = draw_dataset(tmp_path / "data", 4)
    for caption in data.glob("*.txt"):
        caption.rename(caption.with_suffix(".caption"))  # the wrong extension for the config's '.txt'
    cfg = fast_config(tiny_model("sd15"), data, tmp_path / "run", max_train_steps=1, trigger_word="")
    assert train(cfg, tmp_path / "run").status == "done"
    events = read_events(tmp_path / "run")
    warnings = [e for e in events if e["type"] == "warning"]
    assert [e["kind"] for e in warnings] == ["missing_captions"]
    assert warnings[0]["message"] == (
        "4 of 4 images have no caption file (caption_extension '.txt'); they train with an empty caption"
    )
    assert events.index(warnings[0]) < [e["type"] for e in events].index("start")  # before the slow part
    # The advisor reads the run's own events and names the wrong extension.
    assert diagnose(events=events).rule_ids[0] == "captions.extension_mismatch"


@pytest.mark.parametrize(
    ("first", "end", "rounds"), [(False, False, []), (False, True, [4]), (True, False, [0])]
)
def test_sample_at_first_and_at_end_choose_the_sample_rounds(
    tiny_model, dataset, tmp_path, first, end, rounds
):
    """sd-scripts' default (no samples) is one config away; the weights are written either way."""
    run = tmp_path / "run"
    run.mkdir()
    cfg = fast_config(tiny_model("sd15"), dataset, run, sample_at_first=first, sample_at_end=end)
    assert train(cfg, run).status == "done"
    events = read_events(run)
    assert [e["step"] for e in events if e["type"] == "sample"] == rounds
    assert sorted(p.name for p in (run / "samples").glob("*_grid.png")) == [
        f"step_{step:06d}_grid.png" for step in rounds
    ]
    assert events[-1]["type"] == "done" and (run / events[-1]["output"]).is_file()
