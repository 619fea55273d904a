"""Captioning for the bot: automatic captioners in a child process, manual edits and .txt uploads in a
thread; every pass is recorded in the store as a caption version."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

from bot.datasets import DatasetInfo
from bot.errors import BadValue, Unavailable
from bot.services import Services
from trainer.dataset.captioning import CaptionOptions, caption_dataset
from trainer.dataset.captions import CaptionStore, apply_trigger
from trainer.dataset.stats import caption_stats, list_images

ROOT = Path(__file__).resolve().parents[3]
#: A captioner that runs longer than this is stopped (a big dataset on a CPU host can take a while).
CAPTION_TIMEOUT_S = 1800.0
#: Caption files larger than this are not captions.
MAX_CAPTION_BYTES = 16 * 1024


def stems(info: DatasetInfo) -> list[str]:
    return [p.stem for p in list_images(info.prepared)] if info.prepared.is_dir() else []


def _current(info: DatasetInfo) -> dict[str, str]:
    store = CaptionStore(info.prepared)
    return {s: text for s in stems(info) if (text := store.get(s))}


async def run_captioner(
    services: Services, info: DatasetInfo, method: str, trigger: str | None
) -> dict[str, Any]:
    """Caption the dataset; returns the summary (captioned, kept, failed, statistics)."""
    if trigger is not None and ("," in trigger or not trigger.strip()):
        raise BadValue("trigger", "one word or phrase without commas, e.g. sks or ohwx woman")
    cap = services.settings.captioning
    if method == "manual":
        opts = CaptionOptions(method="manual", trigger=trigger)
        summary = await asyncio.to_thread(caption_dataset, info.prepared, opts, None, False)
    else:
        args = [str(info.prepared), method]
        if trigger:
            args += ["--trigger", trigger]
        if method == "wd14":
            if not cap.wd14_model:
                raise Unavailable("WD14", "an admin must set captioning.wd14_model and captioning.wd14_tags")
            args += [
                "--model",
                cap.wd14_model,
                "--tags",
                cap.wd14_tags,
                "--threshold",
                str(cap.wd14_threshold),
            ]
        else:
            args += ["--model", cap.blip_model]
        summary = await _child(args)
    captions = await asyncio.to_thread(_current, info)
    await services.store.add_caption_version(info.record.id, method, captions, trigger_word=trigger or "")
    return summary


async def _child(args: list[str]) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.exts.captions._runner", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(proc.communicate(), CAPTION_TIMEOUT_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise Unavailable("captioning", f"it took longer than {CAPTION_TIMEOUT_S / 60:.0f} min") from None
    lines = out.decode(errors="replace").strip().splitlines()
    try:
        summary = json.loads(lines[-1]) if lines else {}
    except ValueError:
        summary = {}
    if proc.returncode != 0 or "error" in summary or not summary:
        problem = (
            summary.get("error") or err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        )
        raise Unavailable("captioning", problem if isinstance(problem, str) else problem[0])
    return summary


def edit(info: DatasetInfo, stem: str, text: str) -> str:
    """Set one image's caption (the dataset's trigger word stays first); returns the stored text."""
    found = resolve_stem(stem, stems(info))
    if found is None:
        raise BadValue("image", f"no image named {stem!r} in this dataset")
    stem = found
    store = CaptionStore(info.prepared)
    final = apply_trigger(text, store.trigger_word())
    if not final.strip():
        raise BadValue("caption", "a caption cannot be empty")
    store.set(stem, final, source="manual")
    return final


def current(info: DatasetInfo, stem: str) -> str:
    return CaptionStore(info.prepared).get(stem) or ""


def resolve_stem(name: str, known: list[str]) -> str | None:
    """The prepared image a caption file means: its exact stem (`cat_1a2b3c4d`), or the name the image
    was uploaded under (`cat`) when only one image has it."""
    if name in known:
        return name
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")
    matches = [k for k in known if k.rsplit("_", 1)[0] == safe]
    return matches[0] if len(matches) == 1 else None


def upload_texts(
    info: DatasetInfo, files: list[tuple[str, bytes]]
) -> tuple[list[str], list[tuple[str, str]]]:
    """Captions from .txt files named like the images: (stems set, [(file, problem)])."""
    known = stems(info)
    store = CaptionStore(info.prepared)
    trigger = store.trigger_word()
    done: list[str] = []
    refused: list[tuple[str, str]] = []
    for name, data in files:
        stem = resolve_stem(Path(name).stem, known)
        if not name.lower().endswith(".txt"):
            refused.append((name, "not_txt"))
        elif len(data) > MAX_CAPTION_BYTES:
            refused.append((name, "txt_too_large"))
        elif stem is None:
            refused.append((name, "no_such_image"))
        else:
            text = data.decode("utf-8", errors="replace").strip()
            if not text:
                refused.append((name, "txt_empty"))
                continue
            store.set(stem, apply_trigger(text, trigger), source="manual")
            done.append(stem)
    return done, refused


def tag_frequency(info: DatasetInfo) -> dict[str, Any]:
    texts = [CaptionStore(info.prepared).get(s) for s in stems(info)]
    return caption_stats(texts, CaptionStore(info.prepared).trigger_word())
