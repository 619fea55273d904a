"""Masked loss: a weight per latent pixel, from a mask image beside each training image.

`masked_loss = true`: IMAGE_mask.png beside IMAGE.png (white = trained, black = ignored, grey in
between) weights the loss. `alpha_mask = true` (sd-scripts): the image's own alpha channel is the
mask. `mask_from_saliency = true`: an image without a mask file gets one from the project's saliency
map (trainer/dataset/saliency.py: where the subject is). An image with none of these trains whole.

The mask goes through the image's own bucket geometry (resize to cover, centre crop, flip) and is
then averaged down to the latent grid, so latent pixel (y, x) is weighted by the mask over the 8x8
image pixels it encodes. As in sd-scripts the weighted loss is averaged over all latent pixels (a
half-masked image counts half). Bad masks (another size or aspect than the image, unreadable) are
refused before anything is queued (`check_masks`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from PIL import Image

from trainer.dataset.mask_report import mask_file as mask_path
from trainer.engine.data import ImageItem
from trainer.engine.errors import TrainingError

MASK_SUFFIX = "_mask"
#: A mask whose aspect ratio is within this of the image's is resized to it; more is refused.
ASPECT_TOLERANCE = 0.01


def masks_wanted(cfg: object) -> bool:
    return bool(getattr(cfg, "masked_loss", False) or getattr(cfg, "alpha_mask", False))


def check_masks(cfg: object, items: Sequence[ImageItem]) -> int:
    """Refuse a mask of another size/aspect or one that cannot be read; returns how many images have
    a mask file. Called before the job is queued."""
    if not getattr(cfg, "masked_loss", False):
        return 0
    found = 0
    for item in items:
        path = mask_path(item.path)
        if path is None:
            continue
        try:
            with Image.open(path) as img:
                w, h = img.size
        except OSError:
            raise TrainingError(
                "data", f"mask {path.name} cannot be read as an image", "masked_loss"
            ) from None
        if (w, h) != (item.width, item.height) and abs(
            w / h - item.width / item.height
        ) > ASPECT_TOLERANCE * (item.width / item.height):
            raise TrainingError(
                "data",
                f"mask {path.name} is {w}x{h} but {item.path.name} is {item.width}x{item.height}; a mask must "
                "have its image's size (or at least its aspect ratio): re-export it at the image's size",
                "masked_loss",
            )
        found += 1
    if not found and not getattr(cfg, "mask_from_saliency", False):
        raise TrainingError(
            "data",
            "masked_loss is on but no image has a NAME_mask.png beside it; add masks (white = train, "
            "black = ignore), set mask_from_saliency = true, or turn masked_loss off",
            "masked_loss",
        )
    return found


def _mask_image(item: ImageItem, cfg: object) -> Image.Image | None:
    """The mask at the image's size as 8-bit grey, or None (train the whole image)."""
    path = mask_path(item.path) if getattr(cfg, "masked_loss", False) else None
    if path is not None:
        with Image.open(path) as img:
            return img.convert("L").resize((item.width, item.height), Image.Resampling.BILINEAR)
    if getattr(cfg, "alpha_mask", False):
        with Image.open(item.path) as img:
            if "A" in img.getbands() or img.mode == "P":
                return img.convert("RGBA").getchannel("A")
    if getattr(cfg, "mask_from_saliency", False) and getattr(cfg, "masked_loss", False):
        from trainer.dataset.saliency import saliency_map

        with Image.open(item.path) as img:
            rgb = np.asarray(img.convert("RGB"))
        sal = saliency_map(rgb)
        grey = Image.fromarray((sal / max(float(sal.max()), 1e-6) * 255).astype(np.uint8))
        return grey.resize((item.width, item.height), Image.Resampling.BILINEAR)
    return None


def mask_for_bucket(
    mask: Image.Image, bucket: tuple[int, int], latent_hw: tuple[int, int], flip: bool
) -> np.ndarray:
    """The bucket geometry of buckets.load_for_bucket (cover, centre crop, flip), then the mean over
    each latent pixel's image pixels: (h, w) float32 in [0, 1]."""
    bw, bh = bucket
    width, height = mask.size
    scale = max(bw / width, bh / height)
    new_w, new_h = max(bw, round(width * scale)), max(bh, round(height * scale))
    img = (
        mask.resize((new_w, new_h), Image.Resampling.BILINEAR) if (new_w, new_h) != (width, height) else mask
    )
    left, top = (new_w - bw) // 2, (new_h - bh) // 2
    img = img.crop((left, top, left + bw, top + bh))
    if flip:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    h, w = latent_hw
    return np.asarray(img.resize((w, h), Image.Resampling.BOX), dtype=np.float32) / 255.0


class MaskSource:
    """Per batch, the (B, 1, h, w) loss weights, or None when the run uses no masks. Cached in memory."""

    def __init__(self, cfg: object, items: Sequence[ImageItem]) -> None:
        self.cfg = cfg
        self.items = items
        self.on = masks_wanted(cfg)
        self._cache: dict[tuple, np.ndarray | None] = {}

    def get(
        self,
        pairs: Sequence[tuple[int, tuple[int, int]]],
        flips: Sequence[bool] | None,
        latent_hw: tuple[int, int],
    ) -> torch.Tensor | None:
        if not self.on:
            return None
        out = []
        for (index, bucket), flip in zip(pairs, flips or [False] * len(pairs), strict=True):
            key = (index, bucket, flip, latent_hw)
            if key not in self._cache:
                mask = _mask_image(self.items[index], self.cfg)
                self._cache[key] = None if mask is None else mask_for_bucket(mask, bucket, latent_hw, flip)
            weights = self._cache[key]
            out.append(np.ones(latent_hw, np.float32) if weights is None else weights)
        return torch.from_numpy(np.stack(out)).unsqueeze(1)
