"""Helpers for the training-engine tests (a module with a unique name, importable from the tests)."""

import random
from pathlib import Path

from PIL import Image, ImageDraw

from config.training import TrainConfig


def draw_dataset(
    folder: Path,
    count: int,
    *,
    size: int = 64,
    caption_prefix: str = "sks",
    seed: int = 0,
    wide_every: int = 0,
) -> Path:
    """Coloured circles and squares on white, with kohya captions "sks, a red circle"."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(count):
        width = size * 2 if wide_every and i % wide_every == 0 else size
        img = Image.new("RGB", (width, size), "white")
        draw = ImageDraw.Draw(img)
        r = size // 5
        x, y = rng.randint(r, width - r), rng.randint(r, size - r)
        color, shape = rng.choice(["red", "blue"]), rng.choice(["circle", "square"])
        (draw.ellipse if shape == "circle" else draw.rectangle)((x - r, y - r, x + r, y + r), fill=color)
        img.save(folder / f"img_{i:03d}.png")
        prefix = f"{caption_prefix}, " if caption_prefix else ""
        (folder / f"img_{i:03d}.txt").write_text(f"{prefix}a {color} {shape}", encoding="utf-8")
    return folder


def fast_config(model: Path, data: Path, out: Path, **changes) -> TrainConfig:
    """A config that trains in seconds: 64 px, rank 4, one denoising step per sample."""
    base = dict(
        pretrained_model=str(model),
        data_dir=str(data),
        output_dir=str(out),
        max_train_steps=4,
        learning_rate=1e-3,
        resolution=64,
        network_dim=4,
        network_alpha=4.0,
        train_batch_size=2,
        sample_steps=1,
        sample_every_n_steps=0,
        save_every_n_steps=0,
        trigger_word="sks",
        seed=7,
    )
    base.update(changes)
    return TrainConfig(**base)
