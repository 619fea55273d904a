"""Write LoHa, LoKr and DoRA networks in the LyCORIS key layout A1111/Forge and ComfyUI load.

Module names are the kohya ones (`kohya.kohya_module_name`); per module the file holds:

| network_type | keys | loaders' update |
|---|---|---|
| loha | hada_w1_a, hada_w1_b, hada_w2_a, hada_w2_b, alpha | (w1_a w1_b) ⊙ (w2_a w2_b) · alpha / rank |
| lokr | lokr_w1 (or lokr_w1_a/_b), lokr_w2 (or lokr_w2_a/_b), alpha | kron(w1, w2) · alpha / rank |
| dora | lora_down.weight, lora_up.weight, alpha, dora_scale | W' = m · (W + ΔW) / ‖W + ΔW‖ per output row |

The tensors are PEFT's own (PEFT and LyCORIS use the same shapes). Two conversions:
- LoKr: when neither factor is split in two (small layers, or rank ≥ half the factor's side), the file
  has no rank for the loaders to divide alpha by and they apply scale 1, so alpha / rank is folded
  into `lokr_w1` here.
- DoRA: PEFT's magnitude vector (`(out,)`, or `(1, out, 1, 1)` for convs) is written as LyCORIS'
  `dora_scale` on the output axis: `(out, 1)` / `(out, 1, 1, 1)`.

`scales` gives each module's (alpha, rank), as the engine's `adapters.adapter_scales` reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from config.arch import arch_spec
from trainer.export.common import ExportError, atomic_save, check_arch, check_metadata, components
from trainer.export.kohya import kohya_module_name, lora_hashes
from trainer.export.sai_names import UNetLayout

#: The PEFT tensors each network type has per module (suffixes after the module path).
_PARTS = {
    "loha": ("hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b"),
    "lokr": ("lokr_w1", "lokr_w1_a", "lokr_w1_b", "lokr_w2", "lokr_w2_a", "lokr_w2_b"),
    "dora": ("lora_A.weight", "lora_B.weight", "lora_magnitude_vector.weight", "lora_magnitude_vector"),
}
_RENAME = {
    "lora_A.weight": "lora_down.weight",
    "lora_B.weight": "lora_up.weight",
    "lora_magnitude_vector.weight": "dora_scale",
    "lora_magnitude_vector": "dora_scale",
}


def _modules(component: str, state: Mapping[str, torch.Tensor], network_type: str) -> dict[str, dict]:
    """Group one component's state dict by module path: {path: {part: tensor}}."""
    parts = sorted(_PARTS[network_type], key=len, reverse=True)
    out: dict[str, dict[str, torch.Tensor]] = {}
    for key, tensor in state.items():
        part = next((p for p in parts if key.endswith("." + p)), None)
        if part is None:
            raise ExportError(
                f"{component}: {key!r} is not a {network_type} weight; was network_type changed?"
            )
        if not bool(torch.isfinite(tensor).all()):
            raise ExportError(
                f"{component}: {key!r} contains NaN or infinite values; the training diverged "
                "(lower the learning rate, or use bf16 instead of fp16)"
            )
        out.setdefault(key[: -len(part) - 1], {})[part] = tensor
    return out


def _lokr_tensors(parts: dict[str, torch.Tensor], alpha: float, rank: int, where: str) -> dict:
    for side in ("w1", "w2"):
        if f"lokr_{side}" not in parts and not {f"lokr_{side}_a", f"lokr_{side}_b"} <= parts.keys():
            raise ExportError(
                f"{where}: no lokr_{side} (nor lokr_{side}_a / _b); the state dict is incomplete"
            )
    out = dict(parts)
    if "lokr_w1" in parts and "lokr_w2" in parts:
        # No factor carries a rank: the loaders use scale 1, so the scale goes into the weights.
        out["lokr_w1"] = parts["lokr_w1"] * (alpha / rank)
    return out


def _dora_tensors(parts: dict[str, torch.Tensor], where: str) -> dict[str, torch.Tensor]:
    missing = [p for p in ("lora_A.weight", "lora_B.weight") if p not in parts]
    magnitude = parts.get("lora_magnitude_vector.weight", parts.get("lora_magnitude_vector"))
    if missing or magnitude is None:
        raise ExportError(f"{where}: DoRA needs lora_A, lora_B and the magnitude vector; missing {missing}")
    down = parts["lora_A.weight"]
    shape = (-1, *([1] * (down.dim() - 1)))
    return {
        "lora_down.weight": down,
        "lora_up.weight": parts["lora_B.weight"],
        "dora_scale": magnitude.reshape(shape),
    }


def lycoris_state_dict(
    lora_state: Mapping[str, Mapping[str, torch.Tensor]],
    arch: str,
    network_type: str,
    scales: Mapping[str, Mapping[str, tuple[float, int]]],
    dtype: torch.dtype = torch.float16,
    unet_config: Mapping[str, Any] | None = None,
) -> dict[str, torch.Tensor]:
    """The file's tensors in `dtype`, alphas included."""
    check_arch(arch)
    if network_type not in _PARTS:
        raise ExportError(
            f"network_type {network_type!r} is not a LyCORIS type; expected {', '.join(_PARTS)}"
        )
    layout = (
        UNetLayout.from_config(unet_config)
        if unet_config is not None and check_arch(arch).sai_unet_names
        else None
    )
    out: dict[str, torch.Tensor] = {}
    for component, state in lora_state.items():
        if component not in components(arch):
            raise ExportError(f"component {component!r} does not exist in an {arch} model")
        for path, parts in sorted(_modules(component, state, network_type).items()):
            where = f"{component} module {path!r}"
            if path not in scales.get(component, {}):
                raise ExportError(f"{where}: no alpha/rank known for it")
            alpha, rank = scales[component][path]
            if network_type == "lokr":
                tensors = _lokr_tensors(parts, alpha, rank, where)
            elif network_type == "dora":
                tensors = _dora_tensors(parts, where)
            else:
                tensors = dict(parts)
            name = kohya_module_name(component, path, arch, layout)
            if f"{name}.alpha" in out:
                raise ExportError(f"two modules map to the kohya name {name!r} (second: {where})")
            for part, tensor in tensors.items():
                out[f"{name}.{_RENAME.get(part, part)}"] = tensor.detach().to("cpu", dtype).contiguous()
            out[f"{name}.alpha"] = torch.tensor(alpha, dtype=dtype)
    if not out:
        raise ExportError("the network has no weights")
    return out


def save_lycoris_lora(
    path: Path,
    lora_state: Mapping[str, Mapping[str, torch.Tensor]],
    arch: str,
    network_type: str,
    scales: Mapping[str, Mapping[str, tuple[float, int]]],
    metadata: Mapping[str, str],
    dtype: torch.dtype = torch.float16,
    unet_config: Mapping[str, Any] | None = None,
) -> Path:
    """Write `path` atomically with the `sshs_*` hashes, like `kohya.save_kohya_lora`."""
    tensors = lycoris_state_dict(lora_state, arch, network_type, scales, dtype, unet_config)
    full = dict(metadata)
    check_metadata(full)
    full["sshs_model_hash"], full["sshs_legacy_hash"] = lora_hashes(tensors, full)
    return atomic_save(tensors, Path(path), full)


def peft_state_from_lycoris(
    tensors: Mapping[str, torch.Tensor],
    component: str,
    own: Mapping[str, torch.Tensor],
    arch: str,
    network_type: str,
    scales: Mapping[str, tuple[float, int]],
    unet_config: Mapping[str, Any] | None = None,
) -> dict[str, torch.Tensor]:
    """The inverse of `lycoris_state_dict` for one component: the file's tensors under the keys of
    `own` (the adapters' state dict, whose shapes they must match). Raises ExportError naming what
    does not fit."""
    layout = (
        UNetLayout.from_config(unet_config)
        if unet_config is not None and arch_spec(arch).sai_unet_names
        else None
    )
    modules = _modules(component, own, network_type)
    out: dict[str, torch.Tensor] = {}
    for path, parts in modules.items():
        name = kohya_module_name(component, path, arch, layout)
        alpha, rank = scales[path]
        for part, mine in parts.items():
            file_part = _RENAME.get(part, part)
            tensor = tensors.get(f"{name}.{file_part}")
            if tensor is None or tensor.numel() != mine.numel():
                raise ExportError(
                    f"the file has no {name}.{file_part} of {tuple(mine.shape)}; it is not this run's"
                )
            tensor = tensor.float().reshape(mine.shape)
            if part == "lokr_w1" and "lokr_w2" in parts:
                tensor = tensor / (alpha / rank)  # unfold the scale the writer folded in
            out[f"{path}.{part}"] = tensor
    return out
