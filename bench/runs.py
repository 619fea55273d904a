"""What the benchmarks that run `loracord train` share: the command, a small dataset, the events."""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path
from typing import Any


def loracord_command() -> list[str]:
    """`loracord` as installed beside this Python (the console script), else the same entry point."""
    script = Path(sys.executable).with_name("loracord")
    if script.is_file():
        return [str(script)]
    found = shutil.which("loracord")
    return [found] if found else [sys.executable, "-m", "cli"]


def draw_images(folder: Path, count: int, size: int, seed: int = 0) -> Path:
    """`count` captioned images (a coloured disc or box on white) in a kohya `1_sks` sub-folder."""
    from PIL import Image, ImageDraw

    sub = Path(folder) / "1_sks"
    sub.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(count):
        img = Image.new("RGB", (size, size), "white")
        r = size // 5
        x, y = rng.randint(r, size - r), rng.randint(r, size - r)
        colour, shape = rng.choice(["red", "blue", "green"]), rng.choice(["disc", "box"])
        draw = ImageDraw.Draw(img)
        (draw.ellipse if shape == "disc" else draw.rectangle)((x - r, y - r, x + r, y + r), fill=colour)
        img.save(sub / f"{i:03d}.png")
        (sub / f"{i:03d}.txt").write_text(f"sks, a {colour} {shape}", encoding="utf-8")
    return Path(folder)


def read_events(run_dir: Path) -> list[dict[str, Any]]:
    path = Path(run_dir) / "events.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
