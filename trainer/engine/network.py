"""LoRA injection with PEFT into the U-Net and the text encoder(s), and its state in and out.

Target sets (`target_modules`), chosen from the live model's module tree:
- attn:      the attention projections (U-Net to_q/to_k/to_v/to_out.0; CLIP q/k/v/out_proj).
- attn_mlp:  every Linear and 1x1 conv inside the U-Net's transformer blocks (proj_in/out, attention,
             feed-forward) and CLIP attention + MLP: kohya's default LoRA set.
- locon:     attn_mlp plus the layers of the ResNet, down- and up-sampling blocks; their 3x3 convs
             get `conv_dim` / `conv_alpha` (LoCon), the rest `network_dim` / `network_alpha`.
The adapter is always named "default" and PEFT's state dict strips that name, which is the key
shape the kohya writer reads (`down_blocks.0...attn1.to_q.lora_A.weight`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from trainer.engine.adapters import is_adapter_param

ADAPTER = "default"
#: The model parts that carry adapters, in the order of `inject_adapters`' result (the export's names).
COMPONENTS = ("unet", "te1", "te2")

_UNET_TRANSFORMER = {"Transformer2DModel", "BasicTransformerBlock"}
_UNET_CONV_BLOCKS = {"ResnetBlock2D", "Downsample2D", "Upsample2D"}
_UNET_ATTN_LEAVES = ("to_q", "to_k", "to_v", "to_out.0")
_TE_ATTN_LEAVES = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj")
_TE_MLP_LEAVES = ("mlp.fc1", "mlp.fc2")


@dataclass(frozen=True)
class Targets:
    """Full module names to adapt; `conv3x3` is the subset trained with conv_dim / conv_alpha."""

    modules: tuple[str, ...]
    conv3x3: tuple[str, ...] = ()


def _is_lora_layer(module: nn.Module) -> bool:
    return isinstance(module, (nn.Linear, nn.Conv2d))


def _is_3x3(module: nn.Module) -> bool:
    return isinstance(module, nn.Conv2d) and tuple(module.kernel_size) != (1, 1)


def unet_targets(unet: nn.Module, target: str) -> Targets:
    names: list[str] = []
    conv: list[str] = []
    modules = dict(unet.named_modules())
    if target == "attn":
        names = [n for n in modules if n.endswith(_UNET_ATTN_LEAVES) and _is_lora_layer(modules[n])]
        return Targets(tuple(names))
    wanted = _UNET_TRANSFORMER | (_UNET_CONV_BLOCKS if target == "locon" else set())
    parents = [n for n, m in modules.items() if type(m).__name__ in wanted]
    for name, module in modules.items():
        if not _is_lora_layer(module) or not any(name.startswith(p + ".") for p in parents):
            continue
        if _is_3x3(module):
            # 3x3 convs only belong to the conv blocks (LoCon); a transformer has none.
            conv.append(name)
        names.append(name)
    return Targets(tuple(dict.fromkeys(names)), tuple(dict.fromkeys(conv)))


def text_encoder_targets(encoder: nn.Module, target: str) -> Targets:
    leaves = _TE_ATTN_LEAVES if target == "attn" else _TE_ATTN_LEAVES + _TE_MLP_LEAVES
    names = [n for n, m in encoder.named_modules() if n.endswith(leaves) and isinstance(m, nn.Linear)]
    return Targets(tuple(names))


def add_lora(
    model: nn.Module,
    targets: Targets,
    *,
    rank: int,
    alpha: float,
    conv_rank: int,
    conv_alpha: float,
    network_type: str = "lora",
) -> None:
    """Inject an adapter named "default" of `network_type` (lora, loha, lokr, dora; see adapters.py).

    Its update starts at zero, so the model is unchanged at step 0.
    """
    from trainer.engine.adapters import peft_config

    if not targets.modules:
        raise ValueError(f"no layers to adapt in {type(model).__name__}")
    config = peft_config(
        network_type,
        targets.modules,
        targets.conv3x3,
        rank=rank,
        alpha=alpha,
        conv_rank=conv_rank,
        conv_alpha=conv_alpha,
    )
    if network_type == "lora" and hasattr(model, "add_adapter") and hasattr(model, "set_adapters"):
        model.add_adapter(config, adapter_name=ADAPTER)
    else:
        from peft import inject_adapter_in_model

        inject_adapter_in_model(config, model, adapter_name=ADAPTER)
    for name, param in model.named_parameters():
        param.requires_grad_(is_adapter_param(name))


def inject_adapters(model: Any, cfg: Any) -> list[tuple[str, nn.Module]]:
    """The run's adapters (`cfg`: a TrainConfig) into `model` (a BaseModel): the U-Net always, the text
    encoder(s) when `cfg.train_text_encoder`. The one injection both training and sampling use, so a
    sample job rebuilds exactly the network the run trained. Returns (component, module) pairs."""
    kw = {
        "rank": cfg.network_dim,
        "alpha": cfg.network_alpha,
        "conv_rank": cfg.conv_dim,
        "conv_alpha": cfg.conv_alpha,
        "network_type": cfg.network_type,
    }
    add_lora(model.unet, unet_targets(model.unet, cfg.target_modules), **kw)
    parts: list[tuple[str, nn.Module]] = [(COMPONENTS[0], model.unet)]
    if cfg.train_text_encoder:
        for name, encoder in zip(COMPONENTS[1:], model.text_encoders, strict=False):
            add_lora(encoder, text_encoder_targets(encoder, cfg.target_modules), **kw)
            parts.append((name, encoder))
    return parts


def lora_parameters(model: nn.Module) -> list[nn.Parameter]:
    return [p for n, p in model.named_parameters() if is_adapter_param(n)]


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """The adapter's weights under PEFT's state-dict names (adapter name stripped:
    `...to_q.lora_A.weight`, `...to_q.hada_w1_a`, `...to_q.lora_magnitude_vector.weight`),
    detached fp32 copies on the CPU."""
    return {
        _strip_adapter(n): p.detach().to("cpu", torch.float32).clone()
        for n, p in model.named_parameters()
        if is_adapter_param(n)
    }


def load_lora_state_dict(model: nn.Module, state: Mapping[str, torch.Tensor]) -> None:
    """Put saved adapter weights back in place; every adapter weight must be present."""
    by_key = {_strip_adapter(n): p for n, p in model.named_parameters() if is_adapter_param(n)}
    missing = sorted(set(by_key) - set(state))
    unexpected = sorted(set(state) - set(by_key))
    if missing or unexpected:
        raise KeyError(
            f"LoRA weights do not fit the model: {len(missing)} missing (e.g. {missing[:1]}), "
            f"{len(unexpected)} unexpected (e.g. {unexpected[:1]})"
        )
    with torch.no_grad():
        for key, param in by_key.items():
            param.copy_(state[key].to(param.device, param.dtype))


def _strip_adapter(name: str) -> str:
    """`x.lora_A.default.weight` → `x.lora_A.weight`; `x.hada_w1_a.default` → `x.hada_w1_a`."""
    name = name.replace(f".{ADAPTER}.", ".")
    return name[: -len(ADAPTER) - 1] if name.endswith(f".{ADAPTER}") else name
