"""Test data for the dataset tests: real photographs from scikit-image and generators for the bad-file
corpus. Everything is produced at test time; no binaries are committed."""

from __future__ import annotations

import numpy as np
from skimage import data as skdata

PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "motorcycle")


def photo(name: str) -> np.ndarray:
    """A real photograph shipped with scikit-image, as HxWx3 uint8."""
    if name == "motorcycle":
        return skdata.stereo_motorcycle()[0]
    return getattr(skdata, name)()
