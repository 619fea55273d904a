"""network_weights: a run continues from a kohya LoRA file; bad files are refused before training."""

from __future__ import annotations

import pytest
import torch
from engine_helpers import fast_config
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from trainer.engine.errors import TrainingError
from trainer.engine.setup import validate
from trainer.engine.train import train


def first_run(tiny_model, dataset, tmp_path, arch="sd15"):
    cfg = fast_config(
        tiny_model(arch),
        dataset,
        tmp_path / "first",
        network_dim=8,
        network_alpha=2.0,
        target_modules="attn_mlp",
        train_text_encoder=True,
        save_precision="fp32",
    )
    assert train(cfg, tmp_path / "first").status == "done"
    return tmp_path / "first" / "output" / "my_lora.safetensors"


def test_training_starts_from_the_files_weights_and_shape(tiny_model, dataset, tmp_path):
    source = first_run(tiny_model, dataset, tmp_path)
    # The config asks for rank 32 / alpha 16 / attn / no text encoder: the file's network wins.
    cfg = fast_config(
        tiny_model("sd15"),
        dataset,
        tmp_path / "second",
        network_weights=str(source),
        max_train_steps=1,
        learning_rate=1e-12,  # one step that moves nothing: the output is the starting point
        save_precision="fp32",
    )
    setup = validate(cfg, tmp_path / "second")
    assert (setup.cfg.network_dim, setup.cfg.network_alpha) == (8, 2.0)
    assert setup.cfg.target_modules == "attn_mlp" and setup.cfg.train_text_encoder
    assert train(cfg, tmp_path / "second").status == "done"
    before, after = (
        load_file(str(source)),
        load_file(str(tmp_path / "second" / "output" / "my_lora.safetensors")),
    )
    assert set(after) == set(before)
    assert any(v.abs().sum() > 0 for k, v in before.items() if "lora_up" in k)  # the first run learned
    for key, value in before.items():
        torch.testing.assert_close(after[key], value, rtol=1e-5, atol=1e-7)
    with safe_open(str(tmp_path / "second" / "output" / "my_lora.safetensors"), "pt") as fh:
        assert fh.metadata()["ss_network_dim"] == "8"


def test_pickled_wrong_base_and_lycoris_files_are_refused(tiny_model, dataset, tmp_path):
    model = tiny_model("sd15")
    pickled = tmp_path / "lora.ckpt"
    torch.save({"x": torch.zeros(1)}, pickled)
    renamed = tmp_path / "renamed.safetensors"
    renamed.write_bytes(pickled.read_bytes())
    sdxl = tmp_path / "sdxl.safetensors"
    save_file(
        {
            "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight": torch.zeros(4, 64),
            "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_up.weight": torch.zeros(64, 4),
        },
        str(sdxl),
    )
    loha = tmp_path / "loha.safetensors"
    save_file({"lora_unet_mid_block_attentions_0_proj_in.hada_w1_a": torch.zeros(4, 4)}, str(loha))
    cases = {
        pickled: "pickled",
        renamed: "pickled PyTorch file renamed",
        sdxl: "LoRA for sdxl but the base model is sd15",
        loha: "LyCORIS/DoRA",
        tmp_path / "missing.safetensors": "does not exist",
    }
    for path, reason in cases.items():
        cfg = fast_config(model, dataset, tmp_path / "run", network_weights=str(path))
        with pytest.raises(TrainingError) as err:
            validate(cfg, tmp_path / "run")
        assert err.value.field == "network_weights" and reason in str(err.value), str(err.value)


def test_a_file_for_another_model_of_the_family_is_refused_at_load(tiny_model, dataset, tmp_path):
    """An SD 1.x-named file whose shapes are another model's: refused, naming the field."""
    source = first_run(tiny_model, dataset, tmp_path)
    tensors = load_file(str(source))
    key = next(k for k in tensors if k.endswith("attn1_to_q.lora_down.weight"))
    tensors[key] = torch.zeros(tensors[key].shape[0], tensors[key].shape[1] * 2)
    save_file(tensors, str(tmp_path / "other.safetensors"))
    cfg = fast_config(
        tiny_model("sd15"), dataset, tmp_path / "run", network_weights=str(tmp_path / "other.safetensors")
    )
    with pytest.raises(TrainingError) as err:
        train(cfg, tmp_path / "run")
    assert err.value.field == "network_weights" and "another base model" in str(err.value)


def test_a_safetensors_header_length_ending_in_0x80_is_not_taken_for_a_pickle(tmp_path):
    # The file opens with its header's length; a length whose first byte is 0x80 (like a pickle's
    # opening byte) happened in a real run and refused a good LoRA.
    from trainer.engine.network_file import _open

    path = tmp_path / "lora.safetensors"
    tensors = {"lora_unet_x.lora_down.weight": torch.zeros(2, 2)}
    for pad in range(256):
        save_file(tensors, str(path), metadata={"pad": "x" * pad})
        if path.read_bytes()[0] == 0x80:
            break
    assert path.read_bytes()[0] == 0x80
    shapes, metadata, _ = _open(path)
    assert shapes == {"lora_unet_x.lora_down.weight": [2, 2]} and metadata["pad"]
