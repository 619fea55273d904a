"""Training settings and the GPU's memory, read from a training log when the log prints them.

kohya sd-scripts and the kohya_ss GUI print the command line (`--train_batch_size="4"`), the TOML
(`network_dim = 128`) or a summary (`batch size per device / バッチサイズ: 4`); loracord prints its
config as `key = value`. A CUDA out-of-memory message states the card's total memory
("11.76 GiB total capacity"). With these, `diagnose` can write a retry config from a log alone.
"""

from __future__ import annotations

import re
from typing import Any

from config.training import ConfigError, TrainConfig, from_dict

# Our field name -> the names logs use for it.
_ALIASES: dict[str, tuple[str, ...]] = {
    "train_batch_size": ("train_batch_size", "batch size per device", "train batch size", "batch_size"),
    "network_dim": ("network_dim",),
    "network_alpha": ("network_alpha",),
    "resolution": ("resolution",),
    "mixed_precision": ("mixed_precision",),
    "optimizer": ("optimizer_type", "optimizer"),
    "learning_rate": ("learning_rate", "unet_lr"),
    "max_train_steps": ("max_train_steps", "total optimization steps"),
    "gradient_accumulation_steps": ("gradient_accumulation_steps", "gradient accumulation steps"),
    "gradient_checkpointing": ("gradient_checkpointing",),
    "cache_latents": ("cache_latents",),
    "train_text_encoder": ("train_text_encoder",),
}
_VALUE = r"""\s*(?:[=:]|/[^:\n]*:)\s*["']?([^"'\s,\]\)]+)"""
_TOTAL = re.compile(r"(\d+(?:\.\d+)?)\s*GiB total capacity|Total VRAM (\d+) MB", re.IGNORECASE)
_SDXL = re.compile(r"sdxl_train|stable-diffusion-xl|\bsdxl\b", re.IGNORECASE)
_OPTIMIZERS = {"adamw8bit": "adamw8bit", "adamw": "adamw", "adafactor": "adafactor", "prodigy": "prodigy"}


def _convert(field: str, raw: str) -> Any:
    raw = raw.strip().lower()
    if field in ("gradient_checkpointing", "cache_latents", "train_text_encoder"):
        return raw in ("true", "1", "yes")
    if field == "optimizer":
        return _OPTIMIZERS.get(raw.replace("_", "").replace("-", ""))
    if field == "mixed_precision":
        return raw if raw in ("no", "fp16", "bf16") else None
    if field in ("learning_rate", "network_alpha"):
        return float(raw)
    return int(float(raw))


def _ends(text: str, keep: int = 20_000) -> str:
    """Settings are printed where a run starts, the card's memory where it died: a pasted log can be
    650 KB, and scanning all of it twenty times would hold the GIL (and a bot's event loop)."""
    return text if len(text) <= 2 * keep else f"{text[:keep]}\n{text[-keep:]}"


def settings_from_log(text: str) -> dict[str, Any]:
    """TrainConfig fields the log states (the last value printed wins)."""
    text = _ends(text)
    out: dict[str, Any] = {}
    for field, names in _ALIASES.items():
        for name in names:
            pattern = re.compile(r"(?:--)?\b" + re.escape(name) + r"\b" + _VALUE, re.IGNORECASE)
            found = pattern.findall(text)
            if not found:
                if field == "gradient_checkpointing" and re.search(r"--gradient_checkpointing\b", text):
                    out[field] = True
                continue
            try:
                value = _convert(field, found[-1])
            except ValueError:
                continue
            if value is not None:
                out[field] = value
                break
    if _SDXL.search(text):
        out["model_arch"] = "sdxl"
    return out


def vram_from_log(text: str) -> float | None:
    found = _TOTAL.search(_ends(text))
    if not found:
        return None
    return round(float(found.group(1))) if found.group(1) else round(int(found.group(2)) / 1024)


def config_from_log(text: str) -> TrainConfig | None:
    """A config from the settings the log prints over the defaults; None when it prints none."""
    settings = settings_from_log(text)
    if not settings:
        return None
    while settings:
        try:
            return from_dict(settings)
        except ConfigError as exc:  # keep the good part: drop the one value that does not fit
            settings.pop(exc.field, None) if exc.field in settings else settings.popitem()
    return None
