"""Write a LoRA in the diffusers/PEFT format (`save_format = "both"`): `FOLDER/pytorch_lora_weights.safetensors`.

`pipe.load_lora_weights(FOLDER)` loads it. Keys are PEFT's (`unet.<path>.lora_A.weight`,
`text_encoder.text_model.<path>.lora_B.weight`, `text_encoder_2...` for SDXL). The PEFT format keeps no
per-module alpha in its tensors, so the adapter's `LoraConfig` (rank, lora_alpha, per-module ranks and
the LoCon conv alpha) goes into the file's `lora_adapter_metadata` entry, where diffusers reads it;
without it a loader would assume alpha = rank and the LoRA would act alpha/rank times too strongly.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from trainer.export.common import LoraPair, atomic_save, check_metadata, collect_pairs
from trainer.export.kohya import classic_text_encoder_path, module_alpha

WEIGHT_NAME = "pytorch_lora_weights.safetensors"
#: diffusers' key prefix per component.
PREFIXES = {"unet": "unet", "te1": "text_encoder", "te2": "text_encoder_2"}
#: The metadata entry diffusers reads the LoraConfig from (diffusers.loaders.lora_base).
ADAPTER_METADATA_KEY = "lora_adapter_metadata"


def _file_path(component: str, path: str) -> str:
    # Text encoders are written in the classic tree (text_model.*): diffusers strips that level when the
    # loaded CLIPTextModel is the flattened transformers 5 one, and older stacks need it.
    return path if component == "unet" else classic_text_encoder_path(path)


def _target_name(component: str, path: str) -> str:
    # PEFT matches a target by suffix, so a path without `text_model.` fits both module trees.
    return path if component == "unet" else path.removeprefix("text_model.")


def adapter_config(
    pairs: list[LoraPair], network_alpha: float, conv_alpha: float | None, dtype: torch.dtype
) -> dict[str, Any]:
    """LoraConfig keyword arguments that reproduce the kohya file's scaling for one component."""
    ranks = Counter(p.rank for p in pairs)
    r = ranks.most_common(1)[0][0]
    # The same rounding as the kohya file's alpha tensors, so both files give the same image.
    rounded = lambda a: float(torch.tensor(a, dtype=dtype))  # noqa: E731
    lora_alpha = rounded(network_alpha)
    rank_pattern: dict[str, int] = {}
    alpha_pattern: dict[str, float] = {}
    for pair in pairs:
        name = re.escape(_target_name(pair.component, pair.path))
        if pair.rank != r:
            rank_pattern[name] = pair.rank
        alpha = rounded(module_alpha(pair, network_alpha, conv_alpha))
        if alpha != lora_alpha:
            alpha_pattern[name] = alpha
    return {
        "r": r,
        "lora_alpha": lora_alpha,
        "target_modules": sorted(_target_name(p.component, p.path) for p in pairs),
        "rank_pattern": rank_pattern,
        "alpha_pattern": alpha_pattern,
        "init_lora_weights": True,
        "use_dora": False,
    }


def save_diffusers_lora(
    folder: Path,
    lora_state: Mapping[str, Mapping[str, torch.Tensor]],
    arch: str,
    network_alpha: float,
    conv_alpha: float | None = None,
    metadata: Mapping[str, str] | None = None,
    dtype: torch.dtype = torch.float16,
) -> Path:
    """Write `folder/pytorch_lora_weights.safetensors` atomically; returns the file's path.

    `metadata` (e.g. the same `ss_*` / `modelspec.*` strings as the kohya file) is stored beside
    diffusers' own entries.
    """
    # DoRA: PEFT's magnitude vectors go in as they are, and the config says use_dora.
    magnitudes = {
        (c, k.removesuffix(".weight").removesuffix(".lora_magnitude_vector")): v
        for c, s in lora_state.items()
        for k, v in s.items()
        if ".lora_magnitude_vector" in k
    }
    lora_state = {
        c: {k: v for k, v in s.items() if ".lora_magnitude_vector" not in k} for c, s in lora_state.items()
    }
    pairs = collect_pairs(lora_state, arch)
    tensors: dict[str, torch.Tensor] = {}
    for (component, path), magnitude in magnitudes.items():
        key = f"{PREFIXES[component]}.{_file_path(component, path)}.lora_magnitude_vector.weight"
        tensors[key] = magnitude.detach().to(device="cpu", dtype=dtype).contiguous()
    by_component: dict[str, list[LoraPair]] = {}
    for pair in pairs:
        base = f"{PREFIXES[pair.component]}.{_file_path(pair.component, pair.path)}"
        tensors[f"{base}.lora_A.weight"] = pair.down.detach().to(device="cpu", dtype=dtype).contiguous()
        tensors[f"{base}.lora_B.weight"] = pair.up.detach().to(device="cpu", dtype=dtype).contiguous()
        by_component.setdefault(pair.component, []).append(pair)
    packed: dict[str, Any] = {}
    for component, component_pairs in by_component.items():
        config = adapter_config(component_pairs, network_alpha, conv_alpha, dtype)
        config["use_dora"] = any(c == component for c, _ in magnitudes)
        packed.update({f"{PREFIXES[component]}.{key}": value for key, value in config.items()})
    extra = dict(metadata or {})
    check_metadata(extra)
    file_metadata = {
        **extra,
        "format": "pt",
        ADAPTER_METADATA_KEY: json.dumps(packed, indent=2, sort_keys=True),
    }
    return atomic_save(tensors, Path(folder) / WEIGHT_NAME, file_metadata)
