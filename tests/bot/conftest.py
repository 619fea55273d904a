"""Fixtures for the bot's end-to-end tests: settings in a temporary folder, the real bot against the
stand-in, sample images, and (built once per session in a subprocess) the tiny SD1.5 model."""

from __future__ import annotations

import contextlib
import io
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from bot.app import LoracordBot
from config.secrets import Secret
from config.settings import (
    DiscordSettings,
    FilesSettings,
    LimitsSettings,
    ModelEntry,
    ModelsSettings,
    Settings,
    StorageSettings,
    WorkerSettings,
)

ROOT = Path(__file__).resolve().parents[2]
SIGNING_KEY = "test-signing-key-" + "k" * 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_settings(data_dir: Path, model_path: Path | str = "unused-model", **sections: Any) -> Settings:
    port = free_port()
    parts: dict[str, Any] = {
        "discord": DiscordSettings(),
        "storage": StorageSettings(data_dir=data_dir),
        "worker": WorkerSettings(
            embedded=False,
            lease_seconds=20,
            heartbeat_seconds=2,
            cancel_grace_seconds=5,
            min_free_disk_gb=0.0,
        ),
        "limits": LimitsSettings(commands_per_minute_per_user=60, max_upload_bytes=2 * 2**20),
        "models": ModelsSettings(
            default="tiny",
            allowlist={"tiny": ModelEntry(str(model_path), "sd15", 64, "tiny SD1.5 for tests")},
        ),
        "files": FilesSettings(bind_port=port, signing_key=Secret(SIGNING_KEY)),
    }
    parts.update(sections)
    return Settings(**parts)


def png_bytes(seed: int, size: int = 96) -> bytes:
    rng = np.random.default_rng(seed)
    # Smooth colour fields rather than noise: they pass the blur and quality checks like photos do.
    base = rng.integers(0, 255, size=(4, 4, 3)).astype(np.uint8)
    img = Image.fromarray(base).resize((size, size), Image.BICUBIC)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def settings_factory(tmp_path: Path) -> Callable[..., Settings]:
    def factory(**sections: Any) -> Settings:
        return make_settings(tmp_path / "data", **sections)

    return factory


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory()


@pytest.fixture
def make_bot(start_bot: Callable[..., Any]) -> Callable[..., Any]:
    """`async with make_bot(settings) as bot:` the real LoracordBot connected to the stand-in."""

    @contextlib.asynccontextmanager
    async def factory(settings: Settings, **kwargs: Any) -> AsyncIterator[LoracordBot]:
        kwargs.setdefault("progress_tick_s", 0.2)
        kwargs.setdefault("progress_edit_s", 0.3)
        bot = LoracordBot(settings, **kwargs)
        async with start_bot(bot) as running:
            yield running  # type: ignore[misc]

    return factory


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's tiny SD1.5 pipeline, built in a subprocess (the test process stays torch-free)."""
    out = tmp_path_factory.mktemp("models") / "tiny-sd15"
    code = (
        "import sys; from pathlib import Path; from trainer.models.tiny import build_tiny_pipeline; "
        "build_tiny_pipeline(Path(sys.argv[1]), 'sd15')"
    )
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, cwd=ROOT, timeout=300)
    return out
