"""Dataset statistics for the advisor: `dataset_stats(folder) -> dict` (docs/contracts.md).

Reads a folder in the kohya layout (images with same-named .txt captions; hidden folders such as
`.loracord/` are skipped). The result is plain JSON-serialisable data. Images that cannot be decoded
are listed under `unreadable` instead of failing the whole call.
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from trainer.dataset import captions as cap
from trainer.dataset import quality
from trainer.dataset.decode import IMAGE_EXTENSIONS, Rejected, decode_path
from trainer.dataset.limits import IntakeLimits

#: A first tag shared by at least this fraction of captions is taken as the trigger word when none is known.
TRIGGER_GUESS_SHARE = 0.6


def list_images(folder: str | Path) -> list[Path]:
    """Image files directly in `folder` (not in hidden or nested folders), sorted by name."""
    folder = Path(folder)
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in IMAGE_EXTENSIONS
    )


def _read_caption(image: Path, extension: str) -> str | None:
    path = image.with_suffix(extension)
    if not path.is_file():
        return None
    return path.read_text(encoding="utf-8", errors="replace").strip()


def _guess_trigger(texts: list[str]) -> str | None:
    firsts = Counter(tags[0].lower() for tags in (cap.split_tags(t) for t in texts) if tags)
    if not firsts:
        return None
    word, count = firsts.most_common(1)[0]
    return word if count >= TRIGGER_GUESS_SHARE * len(texts) else None


def caption_stats(texts: list[str | None], trigger_word: str | None) -> dict[str, Any]:
    """Caption part of the statistics (also used alone by the caption command's summary)."""
    present = [t for t in texts if t]
    styles = Counter(cap.caption_style(t) for t in present)
    if not present:
        style = "none"
    elif len(styles) == 1:
        style = next(iter(styles))
    else:
        style = "mixed" if min(styles.values()) / len(present) >= 0.1 else styles.most_common(1)[0][0]
    tag_counts: Counter[str] = Counter()
    for text in present:
        tag_counts.update({t.lower() for t in cap.split_tags(text)})
    if trigger_word:
        with_trigger = sum(1 for t in present if cap.count_trigger(t, trigger_word) > 0)
        coverage = with_trigger / len(texts) if texts else 0.0
    else:
        coverage = None
    return {
        "captions": {
            "count": len(present),
            "missing": len(texts) - len(present),
            "mean_tags": round(statistics.fmean(len(cap.split_tags(t)) for t in present), 2)
            if present
            else 0.0,
            "mean_words": round(statistics.fmean(len(t.split()) for t in present), 2) if present else 0.0,
        },
        "tag_frequency": dict(tag_counts.most_common(100)),
        "trigger_word": trigger_word,
        "trigger_coverage": None if coverage is None else round(coverage, 4),
        "caption_style": style,
    }


def dataset_stats(
    folder: str | Path,
    trigger_word: str | None = None,
    *,
    caption_extension: str = ".txt",
    with_quality: bool = True,
    limits: IntakeLimits | None = None,
) -> dict[str, Any]:
    """Statistics of the dataset in `folder` (a kohya-layout folder, or a dataset folder with
    `prepared/`); see docs/dataset.md for every key.

    `trigger_word` defaults to the one recorded by `loracord caption`, else to a first tag shared by
    most captions, else None (then `trigger_coverage` is None). `with_quality=False` skips BRISQUE
    (about 0.05 s per image) when only counts are needed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"dataset folder {folder} does not exist")
    if (folder / "prepared").is_dir() and not list_images(folder):
        folder = folder / "prepared"  # a dataset folder from `loracord prep`: read its training images
    limits = limits or IntakeLimits()
    names: list[str] = []
    sizes: list[tuple[int, int]] = []
    blur: list[float] = []
    brisque: list[float | None] = []
    hashes: list[str] = []
    texts: list[str | None] = []
    unreadable: list[dict[str, str]] = []
    for path in list_images(folder):
        decoded = decode_path(path, limits)
        if isinstance(decoded, Rejected):
            unreadable.append({"file": path.name, "reason": decoded.reason.value, "message": decoded.message})
            continue
        img = decoded.image
        names.append(path.name)
        sizes.append(img.size)
        blur.append(round(quality.blur_variance(img), 2))
        brisque.append(quality.brisque_score(img) if with_quality else None)
        hashes.append(quality.perceptual_hash(img))
        texts.append(_read_caption(path, caption_extension))

    if trigger_word is None:
        trigger_word = (
            cap.CaptionStore(folder, caption_extension).trigger_word()
            if (folder / cap.STORE_DIR).is_dir()
            else None
        )
        trigger_word = trigger_word or _guess_trigger([t for t in texts if t])
    sides = [min(s) for s in sizes]
    clusters = quality.near_duplicate_clusters(hashes)
    stats: dict[str, Any] = {
        "folder": str(folder),
        "num_images": len(names),
        "files": names,
        "resolutions": [[w, h] for w, h in sizes],
        "min_side": min(sides) if sides else 0,
        "median_side": statistics.median(sides) if sides else 0,
        "aspect_ratios": [round(w / h, 4) for w, h in sizes],
        "blur": {
            "per_image": blur,
            "summary": quality.summarise(blur),
            "threshold": quality.BLUR_THRESHOLD,
            "blurry": [names[i] for i, b in enumerate(blur) if b < quality.BLUR_THRESHOLD],
            "blurry_fraction": round(sum(b < quality.BLUR_THRESHOLD for b in blur) / len(blur), 4)
            if blur
            else 0.0,
        },
        "quality": {
            "method": f"BRISQUE (lower is better) at {quality.BRISQUE_SIDE} px on the longer side",
            "per_image": [None if s is None else round(s, 2) for s in brisque],
            "summary": quality.summarise(brisque),
            "poor_threshold": quality.BRISQUE_POOR,
            "poor": [names[i] for i, s in enumerate(brisque) if s is not None and s > quality.BRISQUE_POOR],
        },
        "near_duplicate_clusters": [[names[i] for i in c] for c in clusters],
        "unreadable": unreadable,
    }
    stats.update(caption_stats(texts, trigger_word))
    return stats
