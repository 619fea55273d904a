"""Look inside a LoRA file without torch: which base model it is for, its rank and alpha, whether it does anything.

The advisor uses `inspect_kohya_lora` to explain "my LoRA has no effect" (all lora_up weights zero, a
LoRA for another base model, alpha far below the rank) and "SD1.5 LoRA on SDXL" complaints. It parses
the safetensors header itself and decodes tensors with numpy, so importing it never pulls in torch.
"""

from __future__ import annotations

import json
import re
import struct
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from config.arch import ARCHS, arch_by_cross_attention
from trainer.export.errors import ExportError

_MAX_HEADER = 100 * 1024 * 1024
_DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "BF16": "bf16"}
_SGM_UNET = re.compile(r"^lora_unet_(input_blocks|middle_block|output_blocks|label_emb|time_embed|out)_")
#: ss_base_model_version (with sd-scripts' "_v" for v-prediction) -> family.
_METADATA_ARCH = {
    v: s.arch for s in ARCHS.values() for v in (s.base_model_version, f"{s.base_model_version}_v")
}
_ONE_ENCODER = [s for s in ARCHS.values() if len(s.text_encoders) == 1]
_TWO_ENCODERS = [s for s in ARCHS.values() if len(s.text_encoders) == 2]
_SAI_NAMED = [s for s in ARCHS.values() if s.sai_unet_names]
#: The keys' verdict when only "one text encoder" is known: any of these families ("sd15_or_sd2").
ONE_ENCODER_FAMILIES = "_or_".join(s.arch for s in _ONE_ENCODER)


def read_header(path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str], int]:
    """(tensor entries, metadata, data offset) of a .safetensors file."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path} does not exist or is not a file")
    with path.open("rb") as fh:
        raw_len = fh.read(8)
        if len(raw_len) != 8:
            raise ExportError(f"{path} is not a .safetensors file (shorter than 8 bytes)")
        (length,) = struct.unpack("<Q", raw_len)
        if length > _MAX_HEADER or length > path.stat().st_size - 8:
            raise ExportError(f"{path} is not a .safetensors file (bad header length); download it again")
        try:
            header = json.loads(fh.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ExportError(f"{path} has a damaged safetensors header ({exc}); download it again") from exc
    if not isinstance(header, dict):
        raise ExportError(f"{path} has a damaged safetensors header; download it again")
    metadata = header.pop("__metadata__", None) or {}
    return header, {str(k): str(v) for k, v in metadata.items()}, 8 + length


def _read_array(fh: Any, entry: dict[str, Any], data_start: int) -> np.ndarray | None:
    kind = _DTYPES.get(entry.get("dtype"))
    if kind is None:
        return None
    begin, end = entry["data_offsets"]
    fh.seek(data_start + begin)
    buf = fh.read(end - begin)
    if kind == "bf16":
        # bfloat16 is the top half of a float32.
        return (np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    return np.frombuffer(buf, dtype=np.dtype(kind).newbyteorder("<")).astype(np.float32)


def _module_names(keys: list[str]) -> tuple[str, dict[str, dict[str, str]]]:
    """Key style ("kohya", "diffusers" or "unknown") and module → {down, up, alpha} key names."""
    modules: dict[str, dict[str, str]] = {}
    kohya = diffusers = 0
    for key in keys:
        for suffix, part in ((".lora_down.weight", "down"), (".lora_up.weight", "up"), (".alpha", "alpha")):
            if key.endswith(suffix):
                modules.setdefault(key[: -len(suffix)], {})[part] = key
                kohya += 1
        for suffix, part in ((".lora_A.weight", "down"), (".lora_B.weight", "up")):
            if key.endswith(suffix):
                modules.setdefault(key[: -len(suffix)], {})[part] = key
                diffusers += 1
    style = "kohya" if kohya >= diffusers and kohya else "diffusers" if diffusers else "unknown"
    return style, modules


def _component(name: str) -> str:
    if name.startswith(("lora_unet_", "unet.")):
        return "unet"
    if name.startswith(("lora_te", "text_encoder")):
        return "text_encoder"
    return "other"


def _arch_from_keys(names: list[str], shapes: dict[str, list[int]]) -> tuple[str, str]:
    """Best guess of the base family and the evidence for it."""
    for spec in _TWO_ENCODERS:
        prefixes = tuple(f"{p}_" for p in spec.lora_te_prefixes)
        if any(n.startswith((*prefixes, "text_encoder_2.")) for n in names):
            return spec.arch, f"two text encoders ({'/'.join(prefixes)})"
    for spec in _SAI_NAMED:
        if any(_SGM_UNET.match(n) for n in names):
            return (
                spec.arch,
                f"Stability AI block names (input_blocks_...), which kohya uses for {spec.label} only",
            )
    for name, shape in shapes.items():
        if ("attn2_to_k" in name or "attn2.to_k" in name) and len(shape) == 2:
            guess = arch_by_cross_attention(shape[1])
            if guess:
                return guess, f"cross-attention input width {shape[1]}"
    for name, shape in shapes.items():
        if _component(name) == "text_encoder" and ("q_proj" in name) and len(shape) == 2:
            # One text encoder: its width is the U-Net's cross-attention width.
            guess = next((s.arch for s in _ONE_ENCODER if s.cross_attention_dim == shape[1]), None)
            if guess:
                return guess, f"text encoder width {shape[1]}"
    if any(n.startswith("lora_te_") for n in names):
        labels = " or ".join(s.label for s in _ONE_ENCODER)
        return ONE_ENCODER_FAMILIES, f"one text encoder (lora_te_): {labels}"
    return "unknown", "no key or shape identifies the base model"


def inspect_kohya_lora(path: Path) -> dict[str, Any]:
    """A JSON-ready summary of a LoRA file (kohya or diffusers format) and the problems it shows.

    Keys: path, file_size, key_style, arch (best guess), arch_from_keys, arch_evidence,
    arch_from_metadata, num_modules, num_unet_modules, num_text_encoder_modules, num_conv3x3_modules,
    rank (most common), ranks, alpha (most common, None when absent), alphas, dtypes, zero_up_modules,
    max_abs_up, metadata (the ss_/modelspec. entries), problems (sentences for a user).
    """
    path = Path(path)
    header, metadata, data_start = read_header(path)
    style, modules = _module_names(list(header))
    shapes = {key: list(entry.get("shape", [])) for key, entry in header.items()}
    ranks: Counter[int] = Counter()
    alphas: Counter[float] = Counter()
    zero_up, missing_alpha, conv3x3 = [], 0, 0
    max_up = 0.0
    with path.open("rb") as fh:
        for name, parts in modules.items():
            down_shape = shapes.get(parts.get("down", ""), [])
            if down_shape:
                ranks[down_shape[0]] += 1
                conv3x3 += len(down_shape) == 4 and down_shape[2:] != [1, 1]
            if "up" in parts:
                up = _read_array(fh, header[parts["up"]], data_start)
                if up is not None and up.size:
                    peak = float(np.abs(up).max())
                    max_up = max(max_up, peak)
                    if peak == 0.0:
                        zero_up.append(name)
            if "alpha" in parts:
                value = _read_array(fh, header[parts["alpha"]], data_start)
                if value is not None and value.size == 1:
                    alphas[round(float(value[0]), 6)] += 1
            elif style == "kohya":
                missing_alpha += 1
    arch_keys, evidence = _arch_from_keys(
        list(modules), {k: v for k, v in shapes.items() if k.endswith(("lora_down.weight", "lora_A.weight"))}
    )
    arch_meta = _METADATA_ARCH.get(metadata.get("ss_base_model_version", ""))
    report = {
        "path": str(path),
        "file_size": path.stat().st_size,
        "key_style": style,
        "arch": arch_meta or arch_keys,
        "arch_from_keys": arch_keys,
        "arch_evidence": evidence,
        "arch_from_metadata": arch_meta,
        "num_modules": len(modules),
        "num_unet_modules": sum(_component(n) == "unet" for n in modules),
        "num_text_encoder_modules": sum(_component(n) == "text_encoder" for n in modules),
        "num_conv3x3_modules": int(conv3x3),
        "rank": ranks.most_common(1)[0][0] if ranks else None,
        "ranks": sorted(ranks),
        "alpha": alphas.most_common(1)[0][0] if alphas else None,
        "alphas": sorted(alphas),
        "dtypes": sorted({str(e.get("dtype")) for e in header.values()}),
        "zero_up_modules": len(zero_up),
        "max_abs_up": max_up,
        "metadata": {k: v for k, v in metadata.items() if k.startswith(("ss_", "modelspec.", "sshs_"))},
    }
    report["problems"] = _problems(report, missing_alpha)
    return report


def _problems(report: dict[str, Any], missing_alpha: int) -> list[str]:
    problems = []
    n = report["num_modules"]
    if n == 0:
        problems.append("the file holds no LoRA weights (no lora_down/lora_up or lora_A/lora_B tensors)")
    elif report["zero_up_modules"] == n:
        problems.append(
            "every lora_up weight is zero: the LoRA changes nothing (training never updated it; check that "
            "steps ran and the learning rate is not 0)"
        )
    elif report["zero_up_modules"]:
        problems.append(
            f"{report['zero_up_modules']} of {n} modules have all-zero lora_up weights and do nothing"
        )
    if missing_alpha:
        problems.append(
            f"{missing_alpha} modules have no .alpha: loaders then assume alpha = rank (full strength)"
        )
    meta, keys = report["arch_from_metadata"], report["arch_from_keys"]
    fits = keys in (meta, "unknown") or (keys == ONE_ENCODER_FAMILIES and meta in keys.split("_or_"))
    if meta and not fits:
        problems.append(
            f"the metadata says {meta} but the weights look like {keys} ({report['arch_evidence']})"
        )
    if report["alpha"] is not None and report["rank"] and report["alpha"] / report["rank"] < 0.05:
        problems.append(
            f"alpha {report['alpha']:g} is tiny against rank {report['rank']}: the LoRA's effect is scaled by "
            f"{report['alpha'] / report['rank']:.3f}; use a higher weight in the prompt or retrain with a larger alpha"
        )
    return problems
