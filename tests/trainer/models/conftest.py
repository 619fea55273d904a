"""Six tiny models (three architectures x two formats), built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.models.tiny import build_tiny_pipeline

ARCHS = ("sd15", "sd2", "sdxl")
FORMATS = ("diffusers", "single-file")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    root = tmp_path_factory.mktemp("tiny-models")
    return {
        (arch, fmt): build_tiny_pipeline(root / f"{arch}-{fmt}", arch, fmt, seed=0)
        for arch in ARCHS
        for fmt in FORMATS
    }
