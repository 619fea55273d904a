"""Continue training from an existing kohya LoRA file (`network_weights`, as sd-scripts names it).

The file is checked and its network shape read by `network_file.py` (torch-free, also used before
queueing). Once the adapters exist, `load_network_weights` copies the file into them: every module of
the file must be a layer of this model with the same shape (else the file is for another model). A
module's own alpha that differs from the configured one is folded into lora_up, which keeps its effect
exact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from config.arch import arch_spec
from config.training import TrainConfig
from trainer.engine.network_file import (
    FileNetwork,
    inspect_network_weights,
    resolve_network_weights,
)
from trainer.engine.network_file import _refuse as _refuse

__all__ = ["FileNetwork", "inspect_network_weights", "load_network_weights", "resolve_network_weights"]


def load_network_weights(
    cfg: TrainConfig, arch: str, parts: list[tuple[str, torch.nn.Module]], unet_config: Any = None
) -> int:
    """Copy the file's LoRA into the adapters of `parts` ((component, module) pairs); returns how
    many modules were loaded. Refuses a file whose layers this model does not have."""
    from safetensors.torch import load_file

    from trainer.engine.network import lora_state_dict
    from trainer.export.kohya import kohya_module_name
    from trainer.export.sai_names import UNetLayout

    tensors = load_file(cfg.network_weights)
    layout = UNetLayout.from_config(unet_config) if arch_spec(arch).sai_unet_names and unet_config else None
    name = Path(cfg.network_weights).name
    loaded: set[str] = set()
    for component, module in parts:
        params = dict(module.named_parameters())
        state = lora_state_dict(module)
        for key in [k for k in state if k.endswith(".lora_A.weight")]:
            path = key[: -len(".lora_A.weight")]
            kohya = kohya_module_name(component, path, arch, layout)
            down, up = tensors.get(f"{kohya}.lora_down.weight"), tensors.get(f"{kohya}.lora_up.weight")
            if down is None or up is None:
                continue  # a layer the file does not adapt starts at zero, as a new LoRA would
            target_a = params[f"{path}.lora_A.default.weight"]
            target_b = params[f"{path}.lora_B.default.weight"]
            if down.shape[1:] == target_a.shape[1:] and down.shape[0] != target_a.shape[0]:
                raise _refuse(
                    f"{name}: {kohya} has rank {down.shape[0]}, other layers {target_a.shape[0]}; files with "
                    "mixed ranks (resized or dynamic-rank LoRAs) cannot be continued"
                )
            if tuple(down.shape) != tuple(target_a.shape) or tuple(up.shape) != tuple(target_b.shape):
                raise _refuse(
                    f"{name}: {kohya} has shape {tuple(up.shape)}x{tuple(down.shape)} but this model's layer "
                    f"needs {tuple(target_b.shape)}x{tuple(target_a.shape)}; the LoRA is for another base model"
                )
            configured = _configured_alpha(cfg, target_a)
            alpha = float(tensors.get(f"{kohya}.alpha", torch.tensor(configured)))
            with torch.no_grad():
                target_a.copy_(down.to(target_a.dtype))
                target_b.copy_((up.float() * (alpha / configured)).to(target_b.dtype))
            loaded.add(kohya)
    in_file = {k.partition(".")[0] for k in tensors}
    unknown = sorted(in_file - loaded)
    if unknown:
        raise _refuse(
            f"{name} adapts {len(unknown)} layers this model does not have (e.g. {unknown[0]}); "
            "it was trained for another base model"
        )
    return len(loaded)


def _configured_alpha(cfg: TrainConfig, lora_a: torch.nn.Parameter) -> float:
    is_conv3x3 = lora_a.dim() == 4 and tuple(lora_a.shape[2:]) != (1, 1)
    return float(cfg.conv_alpha if is_conv3x3 and cfg.target_modules == "locon" else cfg.network_alpha)
