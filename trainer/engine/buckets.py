"""Aspect-ratio buckets, the image transform for a bucket, and the order of batches in an epoch.

Buckets are (width, height) pairs, multiples of `bucket_reso_step`, whose area is at most
`resolution`²: a portrait photo trains as a portrait instead of being cropped to a square. An image
smaller than its bucket is never enlarged unless `upscale_small_images` is set; it gets a bucket of
its own size instead (rounded down to the step), as kohya's `bucket_no_upscale` does.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from trainer.engine.data import ImageItem

Bucket = tuple[int, int]  # (width, height)


@dataclass(frozen=True)
class BucketSpec:
    resolution: int
    step: int
    min_reso: int
    max_reso: int
    enable: bool
    upscale: bool

    @classmethod
    def from_config(cls, cfg, size_factor: int = 8) -> BucketSpec:  # noqa: ANN001 - TrainConfig
        """`size_factor`: what the model needs every side to divide by (own-size buckets too)."""
        # A small training resolution (64 px tests, 256 px previews) would otherwise fall below the
        # default minimum bucket side; the range always includes the resolution itself.
        return cls(
            resolution=cfg.resolution,
            step=max(cfg.bucket_reso_step, size_factor) if cfg.enable_bucket else size_factor,
            min_reso=min(cfg.min_bucket_reso, cfg.resolution),
            max_reso=max(cfg.max_bucket_reso, cfg.resolution),
            enable=cfg.enable_bucket,
            upscale=cfg.upscale_small_images,
        )


def make_buckets(spec: BucketSpec) -> list[Bucket]:
    """All buckets of area ≤ resolution², sides in [min_reso, max_reso], multiples of the step."""
    if not spec.enable:
        return [(spec.resolution, spec.resolution)]
    max_area = spec.resolution * spec.resolution
    found: set[Bucket] = set()
    width = spec.min_reso
    while width <= spec.max_reso:
        height = min(spec.max_reso, (max_area // width) // spec.step * spec.step)
        if height >= spec.min_reso:
            found.add((width, height))
            found.add((height, width))
        width += spec.step
    return sorted(found)


def assign_bucket(width: int, height: int, buckets: Sequence[Bucket], spec: BucketSpec) -> Bucket:
    """The bucket whose aspect ratio is nearest the image's; the image's own size when that would
    need enlarging and upscaling is off."""
    aspect = math.log(width / height)
    best = min(buckets, key=lambda b: (abs(math.log(b[0] / b[1]) - aspect), -b[0] * b[1]))
    scale = max(best[0] / width, best[1] / height)
    if scale <= 1.0 or spec.upscale:
        return best
    # Shrink (never grow) to the pixel budget, keep the aspect, round each side down to the step.
    shrink = min(1.0, math.sqrt(spec.resolution * spec.resolution / (width * height)))
    own_w = max(spec.step, int(width * shrink) // spec.step * spec.step)
    own_h = max(spec.step, int(height * shrink) // spec.step * spec.step)
    return own_w, own_h


@dataclass(frozen=True)
class Prepared:
    """An image ready for the VAE plus what SDXL's size conditioning needs."""

    pixels: np.ndarray  # (3, H, W) float32 in [-1, 1]
    original_size: tuple[int, int]  # (height, width) of the file
    crop_top_left: tuple[int, int]  # (top, left) of the crop in the resized image
    target_size: tuple[int, int]  # (height, width) of the bucket


def load_for_bucket(item: ImageItem, bucket: Bucket, flip: bool = False) -> Prepared:
    """Resize the image so it covers the bucket, then take the centre crop of the bucket's size;
    `flip` mirrors it left-right (flip_aug)."""
    bw, bh = bucket
    with Image.open(item.path) as img:
        img = _to_rgb(img)
        width, height = img.size
        scale = max(bw / width, bh / height)
        new_w, new_h = max(bw, round(width * scale)), max(bh, round(height * scale))
        if (new_w, new_h) != (width, height):
            img = img.resize((new_w, new_h), Image.Resampling.LANCZOS)
        left, top = (new_w - bw) // 2, (new_h - bh) // 2
        img = img.crop((left, top, left + bw, top + bh))
        if flip:
            img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        array = np.asarray(img, dtype=np.float32) / 127.5 - 1.0
    return Prepared(
        pixels=np.ascontiguousarray(array.transpose(2, 0, 1)),
        original_size=(height, width),
        crop_top_left=(top, left),
        target_size=(bh, bw),
    )


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode == "RGB":
        return img.copy()
    if img.mode in ("RGBA", "LA", "P", "PA"):
        # Transparent areas become white, not black, like the dataset preparation does.
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")


def epoch_batches(
    entries: Sequence[tuple[int, Bucket]],
    batch_size: int,
    seed: int,
    epoch: int,
    n_train: int | None = None,
) -> list[list[int]]:
    """The batches of one epoch as lists of entry indices; a pure function of (seed, epoch).

    `entries` holds (item index, bucket) once per repeat. Each bucket's entries are shuffled and
    cut into batches (the last one may be short), then the batches are shuffled together. Resuming
    only needs the epoch and the batch position, since the order is recomputed exactly.
    `n_train`: the first `n_train` entries are training views and the rest the regularization pool
    (see `expand_repeats`); each epoch takes its share of the pool (`reg_for_epoch`).
    """
    rng = random.Random(f"{seed}:{epoch}")
    active: Sequence[int] = range(len(entries))
    if n_train is not None and len(entries) > n_train:
        active = [*range(n_train), *reg_for_epoch(n_train, len(entries) - n_train, seed, epoch)]
    by_bucket: dict[Bucket, list[int]] = {}
    for index in active:
        by_bucket.setdefault(entries[index][1], []).append(index)
    batches: list[list[int]] = []
    for bucket in sorted(by_bucket):
        members = by_bucket[bucket]
        rng.shuffle(members)
        batches.extend(members[i : i + batch_size] for i in range(0, len(members), batch_size))
    rng.shuffle(batches)
    return batches


def expand_repeats(
    train: Sequence[tuple[int, Bucket, int]], reg: Sequence[tuple[int, Bucket, int]]
) -> tuple[list[tuple[int, Bucket]], int]:
    """Every view: (item index, bucket, repeats) → repeated entries, training views first.

    Returns the entries and how many of them are training views; the rest is the regularization
    pool, from which each epoch takes as many views as there are training views (`reg_for_epoch`).
    """
    entries = [(index, bucket) for index, bucket, repeats in train for _ in range(repeats)]
    n_train = len(entries)
    entries += [(index, bucket) for index, bucket, repeats in reg for _ in range(repeats)]
    return entries, n_train


def reg_for_epoch(n_train: int, n_reg: int, seed: int, epoch: int) -> list[int]:
    """Indices (after the `n_train` training views) of the regularization views epoch `epoch` uses.

    Each epoch pairs one regularization view with each training view, so the prior weighs the same
    whatever the folder sizes. The pool is walked in one seeded order, continuing where the last
    epoch stopped: with more regularization images than one epoch needs, later epochs use the ones
    not seen yet, and all of them are used within ceil(n_reg / n_train) epochs (with fewer, they
    are cycled within the epoch). Deterministic for (seed, epoch), so a resumed run sees the same.
    """
    if n_reg <= 0 or n_train <= 0:
        return []
    order = list(range(n_reg))
    random.Random(f"{seed}:reg").shuffle(order)
    start = epoch * n_train
    return [n_train + order[(start + i) % n_reg] for i in range(n_train)]
