"""LoHa, LoKr and DoRA files: every key is one A1111's and ComfyUI's loaders apply, the update they
rebuild from the file is the one PEFT trained, the image changes and weight 0 is the base model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from export_helpers import load_pipe, render, text_encoders
from loader_rules import group, loader_delta, unmapped_keys
from peft.tuners.tuners_utils import BaseTunerLayer
from test_export_names import expected_unet_name, sgm_block_table

from trainer.engine.adapters import adapter_scales
from trainer.engine.network import add_lora, lora_state_dict, text_encoder_targets, unet_targets
from trainer.export.kohya import read_kohya_lora
from trainer.export.lycoris import save_lycoris_lora

TYPES = ("loha", "lokr", "dora")


def adapted(pipe, network_type: str, target: str = "locon", seed: int = 3):
    """The engine's adapters on U-Net and text encoders, every trained tensor randomised (so the
    update is non-zero and each factor matters); returns {component: module}."""
    models = {"unet": pipe.unet, **text_encoders(pipe)}
    kw = {"rank": 4, "alpha": 2.0, "conv_rank": 2, "conv_alpha": 3.0, "network_type": network_type}
    generator = torch.Generator().manual_seed(seed)
    for component, model in models.items():
        targets = unet_targets(model, target) if component == "unet" else text_encoder_targets(model, target)
        add_lora(model, targets, **kw)
        with torch.no_grad():
            for name, param in model.named_parameters():
                if param.requires_grad and "magnitude" in name:
                    param.mul_(1.0 + 0.2 * torch.rand(param.shape, generator=generator))
                elif param.requires_grad:
                    param.copy_(torch.randn(param.shape, generator=generator) * 0.3)
    return models


def save(models, arch: str, network_type: str, path, unet_config=None):
    state = {c: lora_state_dict(m) for c, m in models.items()}
    scales = {c: adapter_scales(m) for c, m in models.items()}
    return save_lycoris_lora(path, state, arch, network_type, scales, {}, torch.float32, unet_config)


def file_names(models, arch: str) -> dict[str, torch.nn.Module]:
    """The loaders' name for every adapted layer, from the model's own modules (test_export_names' rules)."""
    table = sgm_block_table(models["unet"])
    out = {}
    for component, model in models.items():
        for name, layer in model.named_modules():
            if not isinstance(layer, BaseTunerLayer):
                continue
            if component == "unet":
                out[expected_unet_name(name, arch, table)] = layer
            else:
                prefix = {"te1": "lora_te1", "te2": "lora_te2"}[component] if arch == "sdxl" else "lora_te"
                classic = name if name.startswith("text_model.") else "text_model." + name
                out[f"{prefix}_{classic.replace('.', '_')}"] = layer
    return out


def peft_output(layer, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return layer(x)


def loader_output(layer, x: torch.Tensor, delta: torch.Tensor) -> torch.Tensor:
    base = layer.get_base_layer()
    weight = base.weight.double() + delta
    bias = None if base.bias is None else base.bias.double()
    if isinstance(base, torch.nn.Conv2d):
        return F.conv2d(x.double(), weight, bias, base.stride, base.padding)
    return F.linear(x.double(), weight, bias)


def layer_input(layer, generator: torch.Generator) -> torch.Tensor:
    base = layer.get_base_layer()
    if isinstance(base, torch.nn.Conv2d):
        return torch.randn((1, base.in_channels, 6, 6), generator=generator)
    return torch.randn((3, base.in_features), generator=generator)


@pytest.mark.parametrize(("arch", "network_type"), [("sd15", t) for t in TYPES] + [("sdxl", "lokr")])
def test_file_keys_and_math_match_the_loaders(tiny_models, tmp_path, arch, network_type):
    pipe = load_pipe(tiny_models[arch])
    models = adapted(pipe, network_type)
    path = save(models, arch, network_type, tmp_path / "net.safetensors", pipe.unet.config)
    tensors, _ = read_kohya_lora(path)
    names = file_names(models, arch)

    assert unmapped_keys(tensors, set(names)) == []
    modules = group(tensors)
    assert set(modules) == set(names)  # every adapted layer is in the file
    generator = torch.Generator().manual_seed(0)
    worst = 0.0
    for name, layer in names.items():
        x = layer_input(layer, generator)
        delta = loader_delta(modules[name], layer.get_base_layer().weight)
        want = peft_output(layer, x).double()
        got = loader_output(layer, x, delta)
        worst = max(worst, float((got - want).abs().max() / want.abs().max()))
    assert worst < 1e-5, worst


@pytest.mark.parametrize("network_type", TYPES)
def test_loader_math_changes_the_image_and_weight_zero_is_the_base(tiny_models, tmp_path, network_type):
    """Apply the file the way the loaders do (W += strength · ΔW) to a fresh pipeline."""
    folder = tiny_models["sd15"]
    base_image = render(load_pipe(folder))
    trained = load_pipe(folder)
    models = adapted(trained, network_type)
    trained_image = render(trained)
    assert np.abs(trained_image - base_image).max() > 0.05
    path = save(models, "sd15", network_type, tmp_path / "net.safetensors")
    modules = group(read_kohya_lora(path)[0])
    names = file_names(models, "sd15")

    for strength, expected in ((1.0, trained_image), (0.0, base_image)):
        pipe = load_pipe(folder)
        layers = {"unet": pipe.unet, **text_encoders(pipe)}
        paths = {id(layer): (c, n) for c, m in models.items() for n, layer in m.named_modules()}
        with torch.no_grad():
            for name, layer in names.items():
                component, path_in_model = paths[id(layer)]
                target = layers[component].get_submodule(path_in_model)
                delta = loader_delta(modules[name], target.weight)
                target.weight += (strength * delta).to(target.weight.dtype)
        np.testing.assert_allclose(render(pipe), expected, atol=2e-5)


def test_dora_loader_flavours_are_measured(tiny_models, tmp_path):
    """The DoRA file holds PEFT's magnitude on the output axis (LyCORIS' wd_on_out layout): exact for
    LyCORIS' rule; ComfyUI/Forge divide by the original weight's norm and A1111 norms per input
    column, so their result differs. The numbers are in docs/lora-format.md."""
    pipe = load_pipe(tiny_models["sd15"])
    models = adapted(pipe, "dora", target="attn")
    modules = group(read_kohya_lora(save(models, "sd15", "dora", tmp_path / "d.safetensors"))[0])
    names = file_names(models, "sd15")
    errors = {"lycoris": 0.0, "comfyui": 0.0, "a1111": 0.0}
    for name, layer in names.items():
        weight = layer.get_base_layer().weight
        exact = loader_delta(modules[name], weight, "lycoris")
        for flavour in errors:
            got = loader_delta(modules[name], weight, flavour)
            errors[flavour] = max(errors[flavour], float((got - exact).norm() / exact.norm()))
    assert errors["lycoris"] == 0.0
    assert errors["comfyui"] > 0.0 and errors["a1111"] > 0.0
    print("DoRA relative error of ΔW by loader:", errors)


def test_what_diffusers_loads(tiny_models, tmp_path):
    """diffusers 0.42: the DoRA in diffusers/PEFT format (save_format = both) reproduces the trained
    image exactly; its kohya-converter drops `dora_scale` (a plain LoRA, with a warning) and refuses
    LoHa / LoKr keys. docs/lora-format.md says so."""
    from trainer.export.peft_format import save_diffusers_lora

    folder = tiny_models["sd15"]
    trained = load_pipe(folder)
    models = adapted(trained, "dora")
    state = {c: lora_state_dict(m) for c, m in models.items()}
    save_diffusers_lora(tmp_path / "peft", state, "sd15", 2.0, 3.0, dtype=torch.float32)
    pipe = load_pipe(folder)
    pipe.load_lora_weights(str(tmp_path / "peft"), adapter_name="dora")
    np.testing.assert_allclose(render(pipe), render(trained), atol=1e-5)

    for network_type in ("loha", "lokr"):
        path = save(
            adapted(load_pipe(folder), network_type), "sd15", network_type, tmp_path / "n.safetensors"
        )
        with pytest.raises(ValueError, match="not been correctly renamed"):
            load_pipe(folder).load_lora_weights(str(path))
