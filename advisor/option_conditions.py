"""Conditions for the rules in rulebook_options.toml (issue 19's training options).

`base_announces` reads what the base model's files say about its noise schedule, without torch:
a diffusers folder's scheduler/scheduler_config.json (`prediction_type`, `rescale_betas_zero_snr`)
or a single-file checkpoint's `v_pred` / `ztsnr` marker tensors (the safetensors header only).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from advisor.facts import Facts
from advisor.registry import condition

_HEADER_LIMIT = 100 * 1024 * 1024


def _safetensors_keys(path: Path) -> set[str]:
    try:
        with path.open("rb") as fh:
            (size,) = struct.unpack("<Q", fh.read(8))
            if size > _HEADER_LIMIT:
                return set()
            return set(json.loads(fh.read(size)))
    except (OSError, ValueError, struct.error):
        return set()


def model_schedule(pretrained: str) -> dict[str, bool]:
    """{"v_prediction": ..., "zero_terminal_snr": ...} as the model's files announce them."""
    path = Path(pretrained).expanduser() if pretrained else None
    if path is None or not path.exists():
        return {}
    if path.is_file():
        keys = _safetensors_keys(path)
        return {"v_prediction": "v_pred" in keys, "zero_terminal_snr": "ztsnr" in keys}
    try:
        config = json.loads((path / "scheduler" / "scheduler_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        "v_prediction": config.get("prediction_type") == "v_prediction",
        "zero_terminal_snr": bool(config.get("rescale_betas_zero_snr", False)),
    }


@condition("base_announces")
def base_announces(facts: Facts, setting: str, value: bool = True) -> bool:
    """The base model's files say `setting` ('v_prediction' / 'zero_terminal_snr') is `value`."""
    if facts.config is None:
        return False
    found = model_schedule(facts.config.pretrained_model)
    return setting in found and found[setting] == value
