"""Synthetic data: one coloured shape on a white background, with a caption saying what it is.

Shapes are drawn at 4x the output size and downsampled with a box filter, which gives smooth edges
like the photographs a real VAE sees. Everything is deterministic for a seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

SHAPES = ("circle", "square", "triangle", "star")
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (220, 30, 30),
    "green": (30, 170, 40),
    "blue": (30, 60, 220),
    "yellow": (235, 200, 20),
}
BACKGROUND = (255, 255, 255)
SUPERSAMPLE = 4


@dataclass(frozen=True)
class ShapeSpec:
    """One image: what is drawn, where and how big (centre and radius as fractions of the side)."""

    shape: str
    colour: str
    cx: float
    cy: float
    radius: float

    def caption(
        self, template: str = "a {colour} {shape} on a white background", word: str | None = None
    ) -> str:
        return template.format(colour=self.colour, shape=word or self.shape)


def random_spec(rng: random.Random, shapes: Sequence[str], colours: Sequence[str]) -> ShapeSpec:
    radius = rng.uniform(0.18, 0.34)
    margin = radius + 0.04
    return ShapeSpec(
        shape=rng.choice(list(shapes)),
        colour=rng.choice(list(colours)),
        cx=rng.uniform(margin, 1 - margin),
        cy=rng.uniform(margin, 1 - margin),
        radius=radius,
    )


def _star_points(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    inner = r * 0.42
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        rad = r if i % 2 == 0 else inner
        points.append((cx + rad * math.cos(angle), cy + rad * math.sin(angle)))
    return points


def draw(spec: ShapeSpec, size: int = 64) -> Image.Image:
    """Render one spec as an RGB image of `size` x `size` pixels."""
    big = size * SUPERSAMPLE
    img = Image.new("RGB", (big, big), BACKGROUND)
    d = ImageDraw.Draw(img)
    cx, cy, r = spec.cx * big, spec.cy * big, spec.radius * big
    fill = COLOURS[spec.colour]
    if spec.shape == "circle":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif spec.shape == "square":
        h = r * 0.86  # same visual weight as the circle
        d.rectangle([cx - h, cy - h, cx + h, cy + h], fill=fill)
    elif spec.shape == "triangle":
        pts = [
            (cx, cy - r),
            (cx + r * math.sin(math.pi / 3) * 1.1, cy + r * 0.75),
            (cx - r * math.sin(math.pi / 3) * 1.1, cy + r * 0.75),
        ]
        d.polygon(pts, fill=fill)
    elif spec.shape == "star":
        d.polygon(_star_points(cx, cy, r * 1.1), fill=fill)
    else:
        raise ValueError(f"unknown shape {spec.shape!r}; known: {', '.join(SHAPES)}")
    return img.resize((size, size), Image.Resampling.BOX)


def generate(
    n: int,
    seed: int,
    shapes: Sequence[str] = SHAPES,
    colours: Sequence[str] = tuple(COLOURS),
    size: int = 64,
) -> Iterator[tuple[Image.Image, ShapeSpec]]:
    """Yield `n` (image, spec) pairs, the same ones for the same seed."""
    rng = random.Random(seed)
    for _ in range(n):
        spec = random_spec(rng, shapes, colours)
        yield draw(spec, size), spec


def write_dataset(
    out: Path,
    n: int,
    seed: int,
    shapes: Sequence[str] = SHAPES,
    colours: Sequence[str] = tuple(COLOURS),
    size: int = 64,
    word: str | None = None,
    template: str = "a {colour} {shape} on a white background",
) -> list[ShapeSpec]:
    """Write `n` images with same-named .txt captions (the kohya layout) into `out`.

    `word` replaces the shape's name in the captions: teaching "sks" for stars writes "a red sks ...".
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    specs = []
    for i, (img, spec) in enumerate(generate(n, seed, shapes, colours, size)):
        stem = f"{i:05d}_{spec.colour}_{spec.shape}"
        img.save(out / f"{stem}.png")
        (out / f"{stem}.txt").write_text(spec.caption(template, word) + "\n", encoding="utf-8")
        specs.append(spec)
    return specs
