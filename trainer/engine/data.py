"""Reading a kohya-layout dataset folder and turning captions into training text.

Layout: images with same-named caption files (`cat.png` + `cat.txt`), either directly in the folder
(seen `repeats` times per epoch) or in sub-folders named `N_name` (seen N times per epoch; kohya's
convention, e.g. `10_sks dog`). A sub-folder without the `N_` prefix counts with `repeats`. An image
without a caption uses the folder's name part (kohya's class tokens) or else the trigger word.
"""

from __future__ import annotations

import logging
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

log = logging.getLogger(__name__)

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
_REPEAT_FOLDER = re.compile(r"^(\d+)_(.*)$")


@dataclass(frozen=True)
class ImageItem:
    """One image on disk with its caption and how often an epoch shows it."""

    path: Path
    caption: str
    repeats: int
    folder: str
    width: int
    height: int
    is_reg: bool = False


@dataclass
class Dataset:
    """What a scan found: the usable images and what was skipped (with the reason)."""

    items: list[ImageItem] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    missing_captions: int = 0
    empty_captions: int = 0  # of the missing ones, those with no class tokens or trigger word either
    caption_extension: str = ".txt"

    def missing_captions_warning(self) -> dict[str, Any] | None:
        """The fields of the `warning` event (kind `missing_captions`) for images without a caption
        file, or None when every image has one.

        The message's start ("N of M images have no caption file (caption_extension '.txt')") is what
        the advisor reads from a log or an event (advisor.facts.MISSING_CAPTIONS_LINE); keep the two
        in step.
        """
        missing, empty = self.missing_captions, self.empty_captions
        if not missing:
            return None
        if empty == missing:
            fallback = "they train with an empty caption"
        elif empty == 0:
            fallback = "they train with only their folder's class tokens or the trigger word"
        else:
            fallback = (
                f"{empty} of them train with an empty caption, the rest with only their folder's class "
                "tokens or the trigger word"
            )
        message = (
            f"{missing} of {len(self.items)} images have no caption file "
            f"(caption_extension {self.caption_extension!r}); {fallback}"
        )
        return {
            "kind": "missing_captions",
            "message": message,
            "missing": missing,
            "images": len(self.items),
            "caption_extension": self.caption_extension,
        }

    def tag_frequency(self) -> dict[str, dict[str, int]]:
        """Folder -> {tag: count} over the distinct images, as kohya's `ss_tag_frequency`."""
        out: dict[str, Counter[str]] = {}
        for item in self.items:
            tags = [t.strip() for t in item.caption.split(",") if t.strip()]
            out.setdefault(item.folder, Counter()).update(tags)
        return {folder: dict(counts) for folder, counts in out.items()}


def _image_files(folder: Path) -> list[Path]:
    """Images of a folder; NAME_mask.png beside NAME.png is a loss mask (masks.py), not an image."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)
    stems = {p.stem for p in files}
    return [p for p in files if not (p.stem.endswith("_mask") and p.stem[: -len("_mask")] in stems)]


def scan_dataset(
    root: Path,
    *,
    caption_extension: str = ".txt",
    repeats: int = 1,
    trigger_word: str = "",
    is_reg: bool = False,
) -> Dataset:
    """Find every image under `root` (top level and one level of sub-folders), sorted by path."""
    root = Path(root)
    found = Dataset(caption_extension=caption_extension)
    folders: list[tuple[Path, int, str]] = [(root, repeats, "")]
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        match = _REPEAT_FOLDER.match(sub.name)
        if match:
            folders.append((sub, max(1, int(match.group(1))), match.group(2).strip()))
        else:
            folders.append((sub, repeats, ""))
    for folder, folder_repeats, class_tokens in folders:
        for path in _image_files(folder):
            try:
                with Image.open(path) as img:
                    width, height = img.size
            except (OSError, UnidentifiedImageError) as exc:
                found.skipped.append((path, f"cannot read the image: {exc}"))
                continue
            caption_file = path.with_suffix(caption_extension)
            if caption_file.is_file():
                caption = caption_file.read_text(encoding="utf-8", errors="replace").strip()
            else:
                found.missing_captions += 1
                caption = class_tokens or trigger_word
                found.empty_captions += not caption.strip()
            found.items.append(
                ImageItem(
                    path=path,
                    caption=" ".join(caption.split()),
                    repeats=folder_repeats,
                    folder=folder.name if folder != root else (root.name or "."),
                    width=width,
                    height=height,
                    is_reg=is_reg,
                )
            )
    for path, reason in found.skipped:
        log.warning("skipping %s: %s", path, reason)
    return found


def process_caption(
    caption: str,
    rng: random.Random,
    *,
    shuffle: bool = False,
    keep_tokens: int = 0,
    dropout_rate: float = 0.0,
    tag_dropout_rate: float = 0.0,
) -> str:
    """The caption a step trains on: maybe dropped (empty), maybe with its tags shuffled, each tag
    after the first `keep_tokens` maybe left out (`caption_tag_dropout_rate`, as sd-scripts does).

    The first `keep_tokens` comma-separated tags (the trigger word) stay in front when shuffling and
    are never dropped. The random draws happen in a fixed order whatever the options, so a run is
    reproducible (tag dropout draws only when it is on, after the others).
    """
    drop = rng.random() < dropout_rate
    if shuffle or tag_dropout_rate > 0:
        tags = [t.strip() for t in caption.split(",") if t.strip()]
        head, tail = tags[:keep_tokens], tags[keep_tokens:]
        if shuffle:
            rng.shuffle(tail)
        if tag_dropout_rate > 0:
            tail = [t for t in tail if rng.random() >= tag_dropout_rate]
        caption = ", ".join(head + tail)
    return "" if drop else caption


def captions_are_fixed(shuffle_caption: bool, tag_dropout_rate: float = 0.0) -> bool:
    """Whether a text-encoder output per distinct caption can be cached (dropout only adds "")."""
    return not shuffle_caption and tag_dropout_rate == 0
