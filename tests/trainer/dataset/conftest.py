"""Fixtures for the dataset tests: real photographs from scikit-image and a bad-file corpus that is
generated at test time (no binaries are committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dataset_corpus import PHOTOS, photo
from PIL import Image


@pytest.fixture(scope="session")
def photo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five real photographs saved as PNG/JPEG, read-only input for several tests."""
    folder = tmp_path_factory.mktemp("photos")
    for i, name in enumerate(PHOTOS):
        img = Image.fromarray(photo(name))
        if i % 2:
            img.save(folder / f"{name}.jpg", quality=92)
        else:
            img.save(folder / f"{name}.png")
    return folder
