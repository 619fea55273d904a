"""The quality report's loss-mask line: which prepared images have a NAME_mask.png beside them (the
masks `masked_loss` trains with, trainer/engine/masks.py) and which masks do not fit their image."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

MASK_SUFFIX = "_mask"
MASK_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp")


def mask_file(image: Path) -> Path | None:
    """NAME_mask.png (or another image extension) beside NAME.png, if there is one."""
    for ext in MASK_EXTENSIONS:
        candidate = image.with_name(f"{image.stem}{MASK_SUFFIX}{ext}")
        if candidate.is_file():
            return candidate
    return None


def mask_summary(prepared_dir: Path, files: list[str]) -> dict[str, Any]:
    """{"with_mask": [...], "without": n, "bad": ["a_mask.png is 64x40, a.png is 512x512", ...]}."""
    with_mask, bad, without = [], [], 0
    for name in files:
        image = Path(prepared_dir) / name
        mask = mask_file(image)
        if mask is None:
            without += 1
            continue
        try:
            with Image.open(mask) as m, Image.open(image) as i:
                ms, size = m.size, i.size
        except OSError:
            bad.append(f"{mask.name} cannot be read")
            continue
        if abs(ms[0] / ms[1] - size[0] / size[1]) > 0.01 * size[0] / size[1]:
            bad.append(f"{mask.name} is {ms[0]}x{ms[1]}, {image.name} is {size[0]}x{size[1]}")
        else:
            with_mask.append(mask.name)
    return {"with_mask": with_mask, "without": without, "bad": bad}


def mask_lines(summary: dict[str, Any]) -> list[str]:
    """Report lines; none when the dataset has no masks at all."""
    masks = summary.get("masks") or {}
    found, bad = masks.get("with_mask") or [], masks.get("bad") or []
    if not found and not bad:
        return []
    total = len(found) + len(bad) + int(masks.get("without", 0))
    lines = [
        f"Loss masks (masked_loss): {len(found)} of {total} images have a NAME_mask.png; the rest train whole."
    ]
    if bad:
        lines.append(f"Masks that do not fit their image (refused by training): {'; '.join(bad)}")
    return lines
