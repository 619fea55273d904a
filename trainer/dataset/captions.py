"""Caption text: tag clean-up, the trigger word, styles, and a versioned caption store.

Captions live beside the images in the kohya layout (`name.png` + `name.txt`). The store keeps every
version of every caption in `FOLDER/.loracord/captions.jsonl` (append-only, one JSON object per line):
an automatic captioner, a manual edit through the bot, or a hand edit of the .txt file found on disk
all become versions, so no edit is ever lost and any earlier text can be restored.

Trigger rule: the trigger word is the first comma-separated token of every caption, exactly once
(kohya's `keep_tokens = 1` then keeps it in place while the other tags are shuffled or dropped).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

STORE_DIR = ".loracord"
HISTORY_FILE = "captions.jsonl"
META_FILE = "captions_meta.json"
STYLES = ("tags", "sentence")

#: Rating pseudo-tags of taggers and boorus: they describe the site's policy, not the image.
RATING_TAGS = frozenset(
    {"general", "sensitive", "questionable", "explicit", "safe", "nsfw", "sfw", "rating:safe"}
)
_RATING_PREFIX = ("rating:", "rating_")
#: Sources of a caption version; "disk" is a hand edit of the .txt found when the store next looks.
SOURCES = ("manual", "sidecar", "blip", "wd14", "disk", "restore", "trigger")


def split_tags(caption: str) -> list[str]:
    """Comma-separated parts of a caption, stripped, empty ones dropped."""
    return [part.strip() for part in caption.replace("\n", ",").split(",") if part.strip()]


def clean_tag(tag: str) -> str:
    """Underscores become spaces (`long_hair` -> `long hair`), except in emoticons such as `^_^`."""
    tag = " ".join(tag.strip().split())
    if any(ch.isalpha() for ch in tag):
        tag = " ".join(tag.replace("_", " ").split())
    return tag


def is_rating_tag(tag: str) -> bool:
    low = tag.strip().lower()
    return low in RATING_TAGS or low.startswith(_RATING_PREFIX)


def clean_tags(tags: Iterable[str], blacklist: Iterable[str] = ()) -> list[str]:
    """Clean-up for tagger output: underscores, rating tags and blacklisted tags removed, duplicates
    dropped (first occurrence kept, compared case-insensitively)."""
    banned = {clean_tag(b).lower() for b in blacklist if b.strip()}
    seen: set[str] = set()
    out: list[str] = []
    for raw in tags:
        tag = clean_tag(raw)
        key = tag.lower()
        if not tag or is_rating_tag(tag) or key in banned or key in seen:
            continue
        seen.add(key)
        out.append(tag)
    return out


def _without_trigger(text: str, trigger: str) -> str:
    # Whole-word, case-insensitive: "sks" is removed from "sks, a dog" but not from "asks".
    pattern = re.compile(rf"(?<![\w-]){re.escape(trigger)}(?![\w-])", re.IGNORECASE)
    text = pattern.sub("", text)
    parts = [" ".join(p.split()) for p in text.split(",")]
    return ", ".join(p for p in parts if p)


def apply_trigger(caption: str, trigger: str | None) -> str:
    """The caption with `trigger` as its first tag, exactly once (other occurrences removed)."""
    caption = " ".join(caption.replace("\n", " ").split())
    trigger = (trigger or "").strip()
    if not trigger:
        return caption
    rest = _without_trigger(caption, trigger)
    return f"{trigger}, {rest}" if rest else trigger


def count_trigger(caption: str, trigger: str) -> int:
    """How many times `trigger` occurs in the caption as a whole word."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(trigger)}(?![\w-])", re.IGNORECASE)
    return len(pattern.findall(caption))


_SENTENCE_JOINERS = re.compile(r"\b(?:with|and|while|wearing|holding|on|in|at|next to|near)\b")
_ARTICLES = re.compile(r"^(?:a|an|the|there is|there are)\s+", re.IGNORECASE)


def sentence_to_tags(sentence: str) -> list[str]:
    """Short tags from a captioner's sentence: 'a woman with red hair standing on a beach' ->
    ['woman', 'red hair standing', 'beach']. Crude, but keeps every content word."""
    parts = _SENTENCE_JOINERS.split(sentence.lower().strip().rstrip("."))
    tags = []
    for part in re.split(r"[,;]", ",".join(parts)):
        tag = _ARTICLES.sub("", " ".join(part.split()))
        if tag:
            tags.append(tag)
    return clean_tags(tags)


def tags_to_sentence(tags: Sequence[str]) -> str:
    """A plain sentence listing tags: ['red hair', 'smile', 'blue sky'] -> 'a picture with red hair,
    smile and blue sky'."""
    tags = [t for t in tags if t]
    if not tags:
        return ""
    if len(tags) == 1:
        return f"a picture with {tags[0]}"
    return f"a picture with {', '.join(tags[:-1])} and {tags[-1]}"


def format_caption(
    tags: Sequence[str] | None = None,
    sentence: str | None = None,
    style: str = "tags",
    trigger: str | None = None,
) -> str:
    """Build the caption text in a style ("tags": `trigger, red hair, smile`; "sentence":
    `trigger, a woman with red hair smiling`) from a captioner's tags or sentence."""
    if style not in STYLES:
        raise ValueError(f"caption style must be one of {', '.join(STYLES)}, got {style!r}")
    if style == "tags":
        body = ", ".join(tags if tags is not None else sentence_to_tags(sentence or ""))
    else:
        body = sentence if sentence is not None else tags_to_sentence(list(tags or []))
        body = " ".join((body or "").split()).rstrip(".")
    return apply_trigger(body, trigger)


def caption_style(caption: str) -> str:
    """'tags' for comma-separated short tags, 'sentence' for prose, 'none' for an empty caption."""
    parts = split_tags(caption)
    if not parts:
        return "none"
    words = [len(p.split()) for p in parts]
    if len(parts) >= 3 and max(words) <= 4:
        return "tags"
    if max(words) >= 5 or caption.strip().endswith("."):
        return "sentence"
    return "tags"


@dataclass(frozen=True)
class CaptionVersion:
    """One stored version of one image's caption."""

    stem: str
    version: int
    text: str
    source: str
    time: float


class CaptionStore:
    """Captions of the images in one kohya-layout folder, with every version kept."""

    def __init__(self, folder: str | Path, extension: str = ".txt") -> None:
        self.folder = Path(folder)
        self.extension = extension
        self._dir = self.folder / STORE_DIR
        self._history_path = self._dir / HISTORY_FILE
        self._versions: dict[str, list[CaptionVersion]] = {}
        self._load()

    def _load(self) -> None:
        if not self._history_path.exists():
            return
        with self._history_path.open(encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    record = CaptionVersion(**json.loads(line))
                except (ValueError, TypeError):
                    # A line cut off by a crash while appending: every earlier version is intact.
                    continue
                self._versions.setdefault(record.stem, []).append(record)

    def caption_path(self, stem: str) -> Path:
        if not stem or "/" in stem or "\\" in stem or stem in (".", ".."):
            raise ValueError(f"caption name must be a plain file stem, got {stem!r}")
        return self.folder / f"{stem}{self.extension}"

    def history(self, stem: str) -> list[CaptionVersion]:
        """Every stored version, oldest first (after recording a hand edit found on disk)."""
        self._capture_disk_edit(stem)
        return list(self._versions.get(stem, []))

    def get(self, stem: str) -> str | None:
        """The current caption: the .txt on disk, which is always the newest version."""
        path = self.caption_path(stem)
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        # The file was deleted: no current caption (the history still has every version to restore).
        return None

    def latest_source(self, stem: str) -> str | None:
        self._capture_disk_edit(stem)
        versions = self._versions.get(stem)
        return versions[-1].source if versions else None

    def set(self, stem: str, text: str, source: str = "manual") -> CaptionVersion:
        """Store `text` as the newest version and write the .txt file (atomically)."""
        if source not in SOURCES:
            raise ValueError(f"caption source must be one of {', '.join(SOURCES)}, got {source!r}")
        self._capture_disk_edit(stem)
        text = text.strip()
        record = self._append(stem, text, source)
        path = self.caption_path(stem)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return record

    def restore(self, stem: str, version: int) -> CaptionVersion:
        """Make an earlier version current again (as a new version; nothing is dropped)."""
        for record in self.history(stem):
            if record.version == version:
                return self.set(stem, record.text, source="restore")
        raise KeyError(f"{stem} has no caption version {version}")

    def _append(self, stem: str, text: str, source: str) -> CaptionVersion:
        versions = self._versions.setdefault(stem, [])
        record = CaptionVersion(stem, len(versions) + 1, text, source, round(time.time(), 3))
        self._dir.mkdir(parents=True, exist_ok=True)
        with self._history_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        versions.append(record)
        return record

    def _capture_disk_edit(self, stem: str) -> None:
        # A .txt edited by hand (or copied in) since the last stored version is itself a version.
        path = self.caption_path(stem)
        if not path.exists():
            return
        on_disk = path.read_text(encoding="utf-8").strip()
        versions = self._versions.get(stem)
        if not versions or versions[-1].text != on_disk:
            self._append(stem, on_disk, "disk")

    def trigger_word(self) -> str | None:
        """The trigger word last used for this folder, if a captioning run recorded one."""
        path = self._dir / META_FILE
        if not path.exists():
            return None
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None
        trigger = meta.get("trigger_word") if isinstance(meta, dict) else None
        return trigger or None

    def set_trigger_word(self, trigger: str | None) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        path = self._dir / META_FILE
        path.write_text(json.dumps({"trigger_word": trigger or None}) + "\n", encoding="utf-8")
