"""The kohya file loads through diffusers' `load_lora_weights` and does exactly what the trained LoRA did."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from export_helpers import ALPHA, CONV_ALPHA, inject_lora, load_pipe, render, text_encoders
from peft.tuners.lora import LoraLayer
from safetensors.torch import save_file

from trainer.export.kohya import read_kohya_lora, save_kohya_lora
from trainer.export.peft_format import WEIGHT_NAME, save_diffusers_lora


def lora_layer_count(module: torch.nn.Module, adapter: str) -> int:
    return sum(isinstance(m, LoraLayer) and adapter in m.lora_A for m in module.modules())


@pytest.mark.parametrize(("arch", "target"), [("sd15", "locon"), ("sd2", "attn_mlp"), ("sdxl", "locon")])
def test_kohya_file_loads_in_diffusers_and_reproduces_the_lora(
    tiny_models, tmp_path, key_warnings, arch, target
):
    folder = tiny_models[arch]
    base_image = render(load_pipe(folder))
    trained = inject_lora(load_pipe(folder), arch, target)
    trained_image = render(trained.pipe)
    assert np.abs(trained_image - base_image).max() > 0.05  # the LoRA visibly changes the picture

    # fp32 so that the comparison with the in-memory LoRA can be exact.
    kohya = save_kohya_lora(
        tmp_path / "lora.safetensors",
        trained.lora_state,
        arch,
        ALPHA,
        CONV_ALPHA,
        {"ss_output_name": "lora"},
        torch.float32,
        trained.pipe.unet.config,
    )
    peft_file = save_diffusers_lora(
        tmp_path / "lora_peft", trained.lora_state, arch, ALPHA, CONV_ALPHA, dtype=torch.float32
    )
    assert peft_file == tmp_path / "lora_peft" / WEIGHT_NAME

    pipe = load_pipe(folder)
    pipe.load_lora_weights(str(kohya), adapter_name="kohya")
    assert key_warnings("kohya") == []
    # Every module of the file became a LoRA layer: nothing was silently dropped.
    tensors, _ = read_kohya_lora(kohya)
    per_part = {
        "unet": "lora_unet_",
        "te1": "lora_te1_" if arch == "sdxl" else "lora_te_",
        "te2": "lora_te2_",
    }
    models = {"unet": pipe.unet, **text_encoders(pipe)}
    for component, model in models.items():
        in_file = sum(k.startswith(per_part[component]) and k.endswith(".alpha") for k in tensors)
        assert lora_layer_count(model, "kohya") == in_file > 0, component

    kohya_image = render(pipe)
    # The alpha/rank scaling survived the trip: same pixels as the LoRA that was trained.
    np.testing.assert_allclose(kohya_image, trained_image, atol=1e-5)

    pipe.set_adapters(["kohya"], [0.0])
    np.testing.assert_allclose(render(pipe), base_image, atol=1e-6)

    pipe.load_lora_weights(str(tmp_path / "lora_peft"), adapter_name="peft")
    assert key_warnings("peft") == []
    pipe.set_adapters(["peft"], [1.0])
    np.testing.assert_allclose(render(pipe), kohya_image, atol=1e-6)


def test_the_key_check_catches_a_misnamed_module(tiny_models, tmp_path, key_warnings):
    """The load check above can fail: one module named as no loader knows it is reported."""
    trained = inject_lora(load_pipe(tiny_models["sd15"]), "sd15", "attn")
    good = save_kohya_lora(tmp_path / "good.safetensors", trained.lora_state, "sd15", ALPHA, None, {})
    tensors, _ = read_kohya_lora(good)
    wrong = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"
    bad = {k.replace(wrong, wrong.replace("to_q", "query")): v for k, v in tensors.items()}
    save_file(bad, str(tmp_path / "bad.safetensors"))
    load_pipe(tiny_models["sd15"]).load_lora_weights(str(tmp_path / "bad.safetensors"), adapter_name="bad")
    assert any("query" in line for line in key_warnings("bad"))
