"""`caption_dataset`: caption every image of a kohya-layout folder with BLIP, WD14 or by hand.

- Human captions (typed in the bot, sidecar .txt from a zip, hand edits of a .txt) are never
  overwritten by an automatic captioner unless `overwrite=True`; and even then the old text stays in
  the caption history (`CaptionStore`).
- The trigger word is put first in every caption, exactly once, whatever the method.
- Resumable: finished images are recorded in `.loracord/caption_manifest.jsonl` under a signature of
  the options, and the model is loaded only when some image still needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.dataset import batch
from trainer.dataset.captions import STORE_DIR, CaptionStore, apply_trigger, format_caption
from trainer.dataset.decode import Rejected, decode_path
from trainer.dataset.limits import IntakeLimits
from trainer.dataset.stats import caption_stats, list_images

METHODS = ("blip", "wd14", "manual")
HUMAN_SOURCES = frozenset({"manual", "sidecar", "disk", "restore"})
DEFAULT_STYLE = {"blip": "sentence", "wd14": "tags", "manual": "tags"}


@dataclass(frozen=True)
class CaptionOptions:
    method: str
    trigger: str | None = None
    style: str | None = None  # None: the method's natural style (BLIP sentence, WD14 tags)
    model: str | None = None  # BLIP: folder or hub id; WD14: folder or model.onnx
    tags: str | None = None  # WD14's selected_tags.csv when not beside model.onnx
    threshold: float = 0.35
    character_threshold: float = 0.85
    blacklist: tuple[str, ...] = ()
    overwrite: bool = False
    device: str = "cpu"
    num_beams: int = 3
    max_new_tokens: int = 40  # BLIP caption length cap, in tokens

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if self.method != "manual" and not self.model:
            raise ValueError(
                f"{self.method} needs a model: a local folder (or a hub id on a host with internet); "
                "pass --model PATH or set it in the settings"
            )
        if self.trigger is not None and ("," in self.trigger or not self.trigger.strip()):
            raise ValueError(f"trigger word must be non-empty and without commas, got {self.trigger!r}")

    @property
    def resolved_style(self) -> str:
        return self.style or DEFAULT_STYLE[self.method]

    def signature(self) -> str:
        return "|".join(
            str(v)
            for v in (
                self.method,
                self.resolved_style,
                self.trigger,
                self.model,
                self.threshold,
                self.character_threshold,
                self.blacklist,
                self.overwrite,
            )
        )


@dataclass
class _Loaded:
    run: Callable[[Any], str] | None = None


def _make_captioner(opts: CaptionOptions) -> Callable[[Any], str]:
    style, trigger = opts.resolved_style, opts.trigger
    if opts.method == "wd14":
        from trainer.dataset.caption_wd14 import WD14Tagger

        tagger = WD14Tagger(
            opts.model or "", opts.tags, opts.threshold, opts.character_threshold, opts.blacklist
        )
        return lambda image: format_caption(tags=tagger.tag([image])[0].tags, style=style, trigger=trigger)
    from trainer.dataset.caption_blip import BlipCaptioner

    blip = BlipCaptioner(
        opts.model or "", device=opts.device, num_beams=opts.num_beams, max_new_tokens=opts.max_new_tokens
    )
    return lambda image: format_caption(sentence=blip.caption([image])[0], style=style, trigger=trigger)


def caption_dataset(
    folder: str | Path,
    opts: CaptionOptions,
    limits: IntakeLimits | None = None,
    progress: bool = True,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Caption the images in `folder`; returns a summary with the caption statistics."""
    folder = Path(folder)
    limits = limits or IntakeLimits()
    images = list_images(folder)
    store = CaptionStore(folder)
    if opts.trigger:
        store.set_trigger_word(opts.trigger)
    manifest = batch.Manifest(folder / STORE_DIR / "caption_manifest.jsonl", opts.signature())
    loaded = _Loaded()
    kept_human: list[str] = []

    def work(path: Path) -> str | None:
        stem = path.stem
        current = store.get(stem)
        human = current is not None and store.latest_source(stem) in HUMAN_SOURCES
        if opts.method == "manual" or (human and not opts.overwrite):
            if current is None:
                return f"{path.name}: no caption; write {stem}.txt beside it or set one in the bot"
            if human:
                kept_human.append(path.name)
            text = apply_trigger(current, opts.trigger) if opts.trigger else current
            if text != current:
                store.set(stem, text, source="trigger")
            return None
        decoded = decode_path(path, limits)
        if isinstance(decoded, Rejected):
            return decoded.message
        if loaded.run is None:
            loaded.run = _make_captioner(opts)  # only when an image really needs the model
        text = loaded.run(decoded.image)
        if not text.strip():
            return f"{path.name}: the captioner returned nothing; caption it by hand"
        store.set(stem, text, source=opts.method)
        return None

    # A caption file deleted since the last run means that image is not finished any more.
    manifest.finished -= {p.name for p in images if store.get(p.stem) is None}
    result = batch.run_batch(
        images,
        lambda p: p.name,
        work,
        manifest,
        desc=f"caption ({opts.method})",
        progress=progress,
        should_stop=should_stop,
    )
    texts = [store.get(p.stem) for p in images]
    return {
        "folder": str(folder),
        "method": opts.method,
        "style": opts.resolved_style,
        "captioned": result.done,
        "skipped_already_done": result.skipped,
        "kept_human_captions": kept_human,
        "failed": result.failed,
        "interrupted": result.interrupted,
        **caption_stats(texts, opts.trigger or store.trigger_word()),
    }
