"""Write (and read back) a LoRA in the kohya-ss format that AUTOMATIC1111, Forge, ComfyUI and diffusers load.

Key scheme (docs/lora-format.md has examples):

- UNet, SD1.x/SD2.x: `lora_unet_` + the diffusers module path with `.` → `_`
  (`lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q`); sd-scripts trains these
  models on a UNet that uses the diffusers names.
- UNet, SDXL: `lora_unet_` + the Stability AI block name (`lora_unet_input_blocks_4_1_transformer_...`),
  see `sai_names`.
- Text encoders: `lora_te_` (SD1.x/SD2.x) or `lora_te1_` / `lora_te2_` (SDXL) + the path in the
  classic transformers tree, which has a `text_model.` level that transformers 5 removed from
  CLIPTextModel (`lora_te_text_model_encoder_layers_0_self_attn_q_proj`).
- Per module: `.lora_down.weight` (PEFT's lora_A), `.lora_up.weight` (lora_B) and `.alpha`, a 0-dim
  tensor holding the configured alpha: network_alpha for linear and 1x1 conv layers, conv_alpha for
  3x3 convs (LoCon). Loaders scale the update by alpha / rank, as PEFT does with lora_alpha / r.

Metadata: the `ss_*` / `modelspec.*` strings from `metadata.build_metadata`, plus `sshs_model_hash` and
`sshs_legacy_hash` computed here the way sd-scripts does (see `lora_hashes`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save as save_to_bytes

from trainer.export.common import (
    ExportError,
    LoraPair,
    atomic_save,
    check_arch,
    check_metadata,
    collect_pairs,
)
from trainer.export.sai_names import SDXL_LAYOUT, UNetLayout, to_sai_path

# sd-webui-additional-networks' legacy hash reads 64 KiB at 1 MiB into the file.
_LEGACY_OFFSET = 0x100000
_LEGACY_LENGTH = 0x10000


def kohya_prefix(component: str, arch: str) -> str:
    """`lora_unet`, `lora_te` (SD1.x/SD2.x text encoder), `lora_te1` / `lora_te2` (SDXL)."""
    te_prefixes = check_arch(arch).lora_te_prefixes
    if component == "unet":
        return "lora_unet"
    index = int(component[2:]) - 1 if component.startswith("te") and component[2:].isdigit() else -1
    if 0 <= index < len(te_prefixes):
        return te_prefixes[index]
    raise ExportError(f"component {component!r} does not exist in an {arch} model")


def classic_text_encoder_path(path: str) -> str:
    """The module path in the classic CLIPTextModel tree (with its `text_model.` level).

    transformers 5 flattened CLIPTextModel (`encoder.layers.0...`) while CLIPTextModelWithProjection
    still has `text_model.`; kohya names both from the classic tree. The projection layer of SDXL's
    second encoder sits beside `text_model`, not under it.
    """
    if path.startswith(("text_model.", "text_projection")):
        return path
    return f"text_model.{path}"


def kohya_module_name(component: str, path: str, arch: str, layout: UNetLayout | None = None) -> str:
    """The kohya module name for a module path of the diffusers UNet / transformers text encoder."""
    prefix = kohya_prefix(component, arch)
    if component == "unet":
        name = to_sai_path(path, layout or SDXL_LAYOUT) if check_arch(arch).sai_unet_names else path
    else:
        name = classic_text_encoder_path(path)
    return f"{prefix}_{name.replace('.', '_')}"


def module_alpha(pair: LoraPair, network_alpha: float, conv_alpha: float | None) -> float:
    """network_alpha for linear / 1x1 layers, conv_alpha for 3x3 convs, as sd-scripts assigns them."""
    if pair.is_conv3x3:
        if conv_alpha is None:
            raise ExportError(
                f"{pair.component} module {pair.path!r} is a 3x3 conv (LoCon) but no conv_alpha was given"
            )
        return float(conv_alpha)
    return float(network_alpha)


def kohya_state_dict(
    lora_state: Mapping[str, Mapping[str, torch.Tensor]],
    arch: str,
    network_alpha: float,
    conv_alpha: float | None,
    dtype: torch.dtype = torch.float16,
    unet_config: Mapping[str, Any] | None = None,
) -> dict[str, torch.Tensor]:
    """The tensors of the kohya file, in `dtype` (alphas included, like sd-scripts' save_weights)."""
    layout = (
        UNetLayout.from_config(unet_config)
        if unet_config is not None and check_arch(arch).sai_unet_names
        else None
    )
    out: dict[str, torch.Tensor] = {}
    for pair in collect_pairs(lora_state, arch):
        name = kohya_module_name(pair.component, pair.path, arch, layout)
        if f"{name}.lora_down.weight" in out:
            raise ExportError(
                f"two modules map to the kohya name {name!r} (second: {pair.component} {pair.path!r})"
            )
        alpha = module_alpha(pair, network_alpha, conv_alpha)
        out[f"{name}.lora_down.weight"] = _to_save(pair.down, dtype)
        out[f"{name}.lora_up.weight"] = _to_save(pair.up, dtype)
        out[f"{name}.alpha"] = torch.tensor(alpha, dtype=dtype)
    return out


def _to_save(tensor: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return tensor.detach().to(device="cpu", dtype=dtype).contiguous()


def lora_hashes(tensors: dict[str, torch.Tensor], metadata: Mapping[str, str]) -> tuple[str, str]:
    """(`sshs_model_hash`, `sshs_legacy_hash`) as sd-scripts precomputes them for sd-webui-additional-networks.

    Both are taken from the safetensors serialization of the tensors with only the `ss_*` metadata
    (other keys may be edited later without changing the hash). The model hash is the SHA-256 of
    everything after the header, i.e. of the tensor data alone; the legacy hash is the first 8 hex
    digits of the SHA-256 of 64 KiB read at offset 1 MiB (of nothing, for files under 1 MiB).
    """
    ss_only = {k: v for k, v in metadata.items() if k.startswith("ss_")}
    blob = save_to_bytes(tensors, metadata=ss_only)
    header_len = int.from_bytes(blob[:8], "little")
    model_hash = hashlib.sha256(blob[8 + header_len :]).hexdigest()
    legacy_hash = hashlib.sha256(blob[_LEGACY_OFFSET : _LEGACY_OFFSET + _LEGACY_LENGTH]).hexdigest()[:8]
    return model_hash, legacy_hash


def save_kohya_lora(
    path: Path,
    lora_state: Mapping[str, Mapping[str, torch.Tensor]],
    arch: str,
    network_alpha: float,
    conv_alpha: float | None,
    metadata: Mapping[str, str],
    dtype: torch.dtype = torch.float16,
    unet_config: Mapping[str, Any] | None = None,
) -> Path:
    """Write `path` in kohya format, atomically; returns `path`. Raises ExportError, leaving no file.

    `unet_config` (the diffusers `unet.config`) is needed for SDXL-shaped UNets whose block layout
    differs from SDXL base (other layers_per_block or block types); SD1.x/SD2.x names do not depend on it.
    """
    tensors = kohya_state_dict(lora_state, arch, network_alpha, conv_alpha, dtype, unet_config)
    full = dict(metadata)
    check_metadata(full)
    full["sshs_model_hash"], full["sshs_legacy_hash"] = lora_hashes(tensors, full)
    return atomic_save(tensors, Path(path), full)


def read_kohya_lora(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """The tensors and metadata of a .safetensors LoRA file."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path} does not exist or is not a file")
    try:
        with safe_open(str(path), framework="pt") as fh:
            metadata = dict(fh.metadata() or {})
            tensors = {key: fh.get_tensor(key) for key in fh.keys()}  # noqa: SIM118 - safe_open has no iterator
    except (SafetensorError, OSError) as exc:
        raise ExportError(f"{path} is not a readable .safetensors file ({exc}); download it again") from exc
    return tensors, metadata
