"""`loracord demo`: the scripted offline demo.

Starts the local Discord stand-in, the real bot, the real job store and an embedded worker, builds the
project's tiny SD1.5 model and a tiny BLIP captioner (random weights: their captions and samples are
noise; the point is that every part really runs), writes scikit-image's sample photographs as PNG, and
plays the conversation in `cli.demo_script`. Outputs go to OUT (default ./demo-out): the LoRA, the
sample grids, the loss curve, the dataset thumbnails and the full transcript.
"""

from __future__ import annotations

import asyncio
import io
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from config.secrets import Secret
from config.settings import (
    AdvisorSettings,
    CaptioningSettings,
    FilesSettings,
    LimitsSettings,
    ModelEntry,
    ModelsSettings,
    Settings,
    StorageSettings,
    WorkerSettings,
)

ROOT = Path(__file__).resolve().parents[1]
MODEL_NAME = "tiny-sd15"
#: scikit-image's bundled photographs (public domain / CC0), readable offline.
PHOTOS = (
    "astronaut",
    "chelsea",
    "coffee",
    "rocket",
    "immunohistochemistry",
    "hubble_deep_field",
    "colorwheel",
)


def say(text: str = "") -> None:
    print(text, flush=True)


def sample_photos() -> list[tuple[str, bytes]]:
    """The bundled photographs as PNG bytes (decoded and encoded in a thread by the caller)."""
    import skimage.data
    from PIL import Image

    out = []
    for name in PHOTOS:
        array = getattr(skimage.data, name)()
        buf = io.BytesIO()
        Image.fromarray(array).convert("RGB").save(buf, "PNG")
        out.append((f"{name}.png", buf.getvalue()))
    return out


def _build(code: str, target: Path, what: str) -> Path:
    """Build a tiny model in a child process (torch stays out of this process); reused when present."""
    marker = target / ".built"
    if marker.is_file():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    say(f"  building {what} … ")
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", code, str(target)], check=True, cwd=ROOT)
    marker.write_text("ok\n")
    say(f"  built {what} in {time.monotonic() - started:.0f} s")
    return target


def build_models(out: Path) -> tuple[Path, Path]:
    sd = _build(
        "import sys; from pathlib import Path; from trainer.models.tiny import build_tiny_pipeline; "
        "build_tiny_pipeline(Path(sys.argv[1]), 'sd15')",
        out / "models" / MODEL_NAME,
        "the tiny SD1.5 model",
    )
    blip = _build(
        "import sys; from trainer.dataset.tiny_captioners import build_tiny_blip; build_tiny_blip(sys.argv[1])",
        out / "models" / "tiny-blip",
        "the tiny BLIP captioner",
    )
    return sd, blip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_settings(base: Settings, out: Path, model: Path, blip: Path, use_llm: bool) -> Settings:
    """The user's advisor settings; everything else set for a self-contained run in OUT."""
    entry = ModelEntry(str(model), "sd15", 64, "tiny SD1.5 built for the demo (random weights, 64 px)")
    advisor = base.advisor if use_llm else AdvisorSettings(llm_enabled=False)
    return Settings(
        storage=StorageSettings(data_dir=out / "data"),
        worker=WorkerSettings(min_free_disk_gb=0.2, cancel_grace_seconds=10),
        limits=LimitsSettings(commands_per_minute_per_user=30),
        models=ModelsSettings(default=MODEL_NAME, allowlist={MODEL_NAME: entry}),
        advisor=advisor,
        files=FilesSettings(bind_port=_free_port(), signing_key=Secret(secrets.token_urlsafe(32))),
        captioning=CaptioningSettings(blip_model=str(blip)),
        i18n=base.i18n,
    )


async def run(base: Settings, out: Path, *, steps: int = 60, use_llm: bool = True) -> int:
    from bot.app import LoracordBot
    from cli.demo_script import Conversation
    from standin.client import pointed_at, running
    from standin.driver import StandIn

    out = out.resolve()
    started = time.monotonic()
    say(f"loracord demo → {out}")
    shutil.rmtree(out / "data", ignore_errors=True)
    for folder in ("results", "dataset"):
        shutil.rmtree(out / folder, ignore_errors=True)
    model, blip = await asyncio.to_thread(build_models, out)
    photos = await asyncio.to_thread(sample_photos)
    settings = demo_settings(base, out, model, blip, use_llm)
    standin = StandIn(guild_name="loracord demo").start()
    try:
        with pointed_at(standin):
            bot = LoracordBot(settings, progress_tick_s=0.5, progress_edit_s=2.0)
            async with running(bot, standin):
                conversation = Conversation(standin, bot, out, say)
                await conversation.play(photos, steps)
    finally:
        standin.stop()
        (out / "transcript.txt").write_text(standin.transcript() + "\n", encoding="utf-8")
    say(f"\nDone in {time.monotonic() - started:.0f} s. Outputs in {out}:")
    for path in sorted(
        p for p in out.rglob("*") if p.is_file() and "data" not in p.relative_to(out).parts[:1]
    ):
        if "models" not in path.relative_to(out).parts[:1]:
            say(f"  {path.relative_to(out)}  ({path.stat().st_size:,} bytes)")
    return 0
