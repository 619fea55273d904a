"""Image quality measures that need no downloaded model.

- Sharpness: variance of the Laplacian of the grey image. The image is first resized so that its
  longer side is `BLUR_SIDE` pixels, because the raw value grows with resolution (more edges per
  pixel when an image is downscaled); on a common scale the threshold means the same for every file.
- BRISQUE (no-reference quality, lower is better, roughly 0-100) with the SVM model that the `brisque`
  package ships (`BRISQUE(url=False)`). Its pure-Python feature extraction takes seconds on a 12 MP
  photo, so images are downscaled to `BRISQUE_SIDE` pixels on the longer side before scoring. The
  score therefore judges the image as the trainer will see it, not sensor-level noise.
- Perceptual hashes (`imagehash.phash`, 64 bits) and near-duplicate clusters by Hamming distance.
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Sequence
from typing import Any

import cv2
import imagehash
import numpy as np
from PIL import Image

BLUR_SIDE = 512
BRISQUE_SIDE = 384
#: Below this Laplacian variance (at BLUR_SIDE) an image is reported as probably blurry.
BLUR_THRESHOLD = 100.0
#: Above this BRISQUE score an image is reported as probably low quality (noise, blocking, blur).
BRISQUE_POOR = 55.0
#: Hashes at most this many bits apart are near-duplicates (same shot, re-encoded, resized, lightly edited).
NEAR_DUP_BITS = 6


def _resize_longer(rgb: np.ndarray, side: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    scale = side / max(h, w)
    if scale >= 1.0:
        return rgb
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def as_rgb_array(image: Image.Image | np.ndarray) -> np.ndarray:
    """An HxWx3 uint8 RGB array from a PIL image or array (greyscale and alpha handled)."""
    if isinstance(image, Image.Image):
        image = np.asarray(image.convert("RGB"))
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = np.stack([arr] * 3, axis=-1)
    if arr.shape[2] == 4:
        arr = arr[:, :, :3]
    return np.ascontiguousarray(arr, dtype=np.uint8)


def blur_variance(image: Image.Image | np.ndarray) -> float:
    """Variance of the Laplacian at a common scale; higher is sharper."""
    rgb = _resize_longer(as_rgb_array(image), BLUR_SIDE)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


@functools.cache
def _brisque_model() -> Any:
    # Imported lazily: the package pulls in scipy, scikit-image and requests (about a second).
    from brisque import BRISQUE

    class _Brisque(BRISQUE):
        # brisque 0.2.0 keeps some features as 1-element arrays and calls float() on them, which
        # numpy >= 2.4 refuses; flattening them first gives the same numbers.
        def scale_features(self, features: Any) -> np.ndarray:
            flat = np.concatenate([np.ravel(np.asarray(f, dtype=np.float64)) for f in features])
            low = np.asarray(self.scale_params["min_"], dtype=np.float64).ravel()
            high = np.asarray(self.scale_params["max_"], dtype=np.float64).ravel()
            return -1 + (2.0 / (high - low) * (flat - low))

    return _Brisque(url=False)


def brisque_score(image: Image.Image | np.ndarray) -> float | None:
    """BRISQUE score after downscaling to BRISQUE_SIDE; None when the model cannot score the image
    (flat images give a degenerate feature vector)."""
    rgb = _resize_longer(as_rgb_array(image), BRISQUE_SIDE)
    if min(rgb.shape[:2]) < 16 or float(rgb.std()) < 1.0:
        return None
    with np.errstate(all="ignore"):
        score = float(_brisque_model().score(rgb))
    if not np.isfinite(score):
        return None
    return score


def perceptual_hash(image: Image.Image | np.ndarray) -> str:
    """64-bit DCT perceptual hash as 16 hex digits."""
    pil = image if isinstance(image, Image.Image) else Image.fromarray(as_rgb_array(image))
    return str(imagehash.phash(pil))


def hash_distance(a: str, b: str) -> int:
    """Hamming distance between two hex hashes from `perceptual_hash`."""
    return int(imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b))


def near_duplicate_clusters(hashes: Sequence[str], max_bits: int = NEAR_DUP_BITS) -> list[list[int]]:
    """Groups (indices into `hashes`, two or more each) linked by distance <= max_bits, transitively."""
    parent = list(range(len(hashes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    decoded = [imagehash.hex_to_hash(h) for h in hashes]
    for i in range(len(decoded)):
        for j in range(i + 1, len(decoded)):
            if decoded[i] - decoded[j] <= max_bits:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(hashes)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def summarise(values: Sequence[float | None]) -> dict[str, float | int | None]:
    """min / median / mean / max of the values that are not None, plus how many were scored."""
    present = [float(v) for v in values if v is not None]
    if not present:
        return {"count": 0, "min": None, "median": None, "mean": None, "max": None}
    return {
        "count": len(present),
        "min": round(min(present), 3),
        "median": round(statistics.median(present), 3),
        "mean": round(statistics.fmean(present), 3),
        "max": round(max(present), 3),
    }
