"""`loracord demo`: the scripted offline demo that shows a LoRA learning.

Starts the local Discord stand-in, the real bot, the real job store and an embedded worker, and plays
the conversation in `cli.demo_script`: a member teaches the committed tiny shapes base
(trainer/tinybase, which has learned circles, squares and triangles but never saw a star) the star,
from 20 pictures, through the bot's whole flow. Afterwards the shapes scorer measures the delivered
LoRA (`trainer.tinybase.compare`): the transcript ends with how often "sks, a red star ..." gives a
star before and after, and how well the prompts the base already knew still come out. Outputs go to
OUT (default ./demo-out): transcript, before/after picture, loss curve, the LoRA, sample grids and a
README saying what each file is.
"""

from __future__ import annotations

import asyncio
import json
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
    FilesSettings,
    LimitsSettings,
    ModelEntry,
    ModelsSettings,
    Settings,
    StorageSettings,
    WorkerSettings,
)

ROOT = Path(__file__).resolve().parents[1]
MODEL_NAME = "shapes-base"
#: Direct messages carry files up to this size; the LoRA is larger, so the DM shows the signed link.
DM_FILE_CAP = 16 * 1024
OUTPUTS_README = """# What `loracord demo` wrote

| file | what it is |
|---|---|
| `transcript.txt` | the whole conversation as the members saw it, ending with the measured numbers |
| `before_after.png` | the same seeds without and with the LoRA, one row per prompt (stars: taught; the rest: kept) |
| `measured.json` | the scorer's numbers behind the transcript's last line |
| `results/loss_curve.png` | the training loss, as the bot posted it |
| `results/*.safetensors` | the LoRA (kohya format, with sd-scripts' metadata), as the Download button gave it |
| `results/step_*_grid.png` | the last sample grid the bot posted with the result |
| `samples/` | every sample grid the bot posted while training (step 0 is the base model) |
| `dataset/` | the dataset thumbnails from `/dataset show` |
| `models/shapes-base/` | the tiny base the demo trains on (trainer/tinybase/shapes_base plus its tokenizer) |
| `data/` | the bot's data folder (job store, datasets, job folders with train.log) |
"""


def say(text: str = "") -> None:
    print(text, flush=True)


def build_base(out: Path) -> Path:
    """The committed shapes base as a complete diffusers folder, in a child (torch stays out of here)."""
    target = out / "models" / MODEL_NAME
    if not (target / "model_index.json").is_file() or not (target / "tokenizer" / "vocab.json").is_file():
        code = "import sys; from pathlib import Path; from trainer.tinybase import base; base.materialize(Path(sys.argv[1]))"
        subprocess.run([sys.executable, "-c", code, str(target)], check=True, cwd=ROOT)
    return target


def measure(model: Path, lora: Path, out: Path) -> dict:
    """The scorer's before/after numbers for the delivered LoRA, and the side-by-side picture."""
    cmd = [
        sys.executable,
        "-m",
        "trainer.tinybase.compare",
        str(model),
        str(lora),
        str(out / "before_after.png"),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"measuring the LoRA failed:\n{proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    (out / "measured.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def verdict(m: dict) -> str:
    """The transcript's last line, from the measured numbers."""
    return (
        f"star in {m['concept_before']:.0%} of samples before → {m['concept_after']:.0%} after, "
        f"other prompts kept at {m['prior_after']:.0%} (base model: {m['prior_before']:.0%}; "
        f"{m['seeds']} seeds × {m['concept_prompts']} star prompts and {m['prior_prompts']} other prompts)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_settings(base: Settings, out: Path, model: Path, use_llm: bool) -> Settings:
    """The user's advisor settings; everything else set for a self-contained run in OUT."""
    entry = ModelEntry(
        str(model), "sd15", 64, "tiny shapes base: knows circles, squares, triangles; never saw a star"
    )
    advisor = base.advisor if use_llm else AdvisorSettings(llm_enabled=False)
    files = FilesSettings(
        bind_port=_free_port(), signing_key=Secret(secrets.token_urlsafe(32)), max_dm_bytes=DM_FILE_CAP
    )
    return Settings(
        storage=StorageSettings(data_dir=out / "data"),
        worker=WorkerSettings(min_free_disk_gb=0.2, cancel_grace_seconds=10),
        limits=LimitsSettings(commands_per_minute_per_user=30),
        models=ModelsSettings(default=MODEL_NAME, allowlist={MODEL_NAME: entry}),
        advisor=advisor,
        files=files,
        i18n=base.i18n,
    )


async def run(base: Settings, out: Path, *, steps: int = 400, use_llm: bool = True) -> int:
    from bot.app import LoracordBot
    from cli.demo_files import make_uploads
    from cli.demo_script import Conversation
    from standin.client import pointed_at, running
    from standin.driver import StandIn

    out = out.resolve()
    started = time.monotonic()
    lines: list[str] = []

    def tell(text: str = "") -> None:
        lines.append(text)
        say(text)

    tell(f"loracord demo → {out}")
    for folder in ("data", "results", "dataset", "samples"):
        shutil.rmtree(out / folder, ignore_errors=True)
    model = await asyncio.to_thread(build_base, out)
    uploads = await asyncio.to_thread(make_uploads)
    settings = demo_settings(base, out, model, use_llm)
    standin = StandIn(guild_name="loracord demo").start()
    try:
        with pointed_at(standin):
            bot = LoracordBot(settings, progress_tick_s=0.5, progress_edit_s=2.0)
            async with running(bot, standin):
                conversation = Conversation(standin, bot, out, tell)
                await conversation.play(uploads, steps)
        tell(
            "\n  (the shapes scorer measures the delivered LoRA: the same prompts and seeds without and with it)"
        )
        result = await asyncio.to_thread(measure, model, conversation.lora, out)
        tell(f"\n📏 {verdict(result)}")
    finally:
        standin.stop()
        (out / "transcript.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (out / "README.md").write_text(OUTPUTS_README, encoding="utf-8")
    say(
        f"\nDone in {time.monotonic() - started:.0f} s. Look at {out / 'before_after.png'}. Outputs in {out}:"
    )
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.relative_to(out).parts[0] not in ("data", "models"):
            say(f"  {path.relative_to(out)}  ({path.stat().st_size:,} bytes)")
    return 0
