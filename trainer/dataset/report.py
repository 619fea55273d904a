"""The quality report: per image and per dataset, written as report.json and printed readably."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import numpy as np

from trainer.dataset import prep, quality
from trainer.dataset.mask_report import mask_lines

REPORT_FILE = "report.json"
REPORT_VERSION = 1
#: The guide's range for a character/style LoRA dataset.
GUIDE_MIN_IMAGES = 20
GUIDE_MAX_IMAGES = 100


def image_entry(rgb: np.ndarray, target: int, sal: np.ndarray | None = None) -> dict[str, Any]:
    """Measurements of one decoded image (before preprocessing) against the target resolution;
    `sal` is its saliency map when the caller already has it."""
    h, w = rgb.shape[:2]
    blur = round(quality.blur_variance(rgb), 2)
    score = quality.brisque_score(rgb)
    cut_pixels, cut_saliency = prep.square_crop_preview(rgb, sal)
    return {
        "width": w,
        "height": h,
        "target": target,
        "too_small": min(w, h) < target,
        "aspect_ratio": round(w / h, 4),
        "blur": blur,
        "blurry": blur < quality.BLUR_THRESHOLD,
        "brisque": None if score is None else round(score, 2),
        "poor_quality": score is not None and score > quality.BRISQUE_POOR,
        "square_crop_cuts": {"pixels": cut_pixels, "subject": cut_saliency},
        "phash": quality.perceptual_hash(rgb),
    }


def _count_verdict(n: int) -> str:
    if n < GUIDE_MIN_IMAGES:
        return (
            f"{n} images: fewer than the guide's {GUIDE_MIN_IMAGES}-{GUIDE_MAX_IMAGES}; the LoRA will be weaker "
            "and overfit sooner. Add more varied images (poses, light, backgrounds) if you have them."
        )
    if n > GUIDE_MAX_IMAGES:
        return (
            f"{n} images: more than the guide's {GUIDE_MAX_IMAGES}; fine, but training takes longer. "
            "Keep the best and most varied ones."
        )
    return f"{n} images: within the guide's {GUIDE_MIN_IMAGES}-{GUIDE_MAX_IMAGES}."


def dataset_summary(images: list[dict[str, Any]], target: int) -> dict[str, Any]:
    """Per-dataset part: count against the guide, near-duplicates, resolution spread, flags."""
    sides = [min(e["width"], e["height"]) for e in images]
    clusters = quality.near_duplicate_clusters([e["phash"] for e in images])
    return {
        "num_images": len(images),
        "count_verdict": _count_verdict(len(images)),
        "near_duplicate_clusters": [[images[i]["file"] for i in c] for c in clusters],
        "resolution": {
            "target": target,
            "min_side": min(sides) if sides else 0,
            "median_side": statistics.median(sides) if sides else 0,
            "max_side": max(sides) if sides else 0,
            "too_small": [e["file"] for e in images if e["too_small"]],
        },
        "blur": quality.summarise([e["blur"] for e in images]),
        "blurry": [e["file"] for e in images if e["blurry"]],
        "brisque": quality.summarise([e["brisque"] for e in images]),
        "poor_quality": [e["file"] for e in images if e["poor_quality"]],
        "converted_to_srgb": _converted_to_srgb(images),
    }


def _converted_to_srgb(images: list[dict[str, Any]]) -> list[str]:
    """Images whose wide-gamut colour profile (Display P3, Adobe RGB ...) was converted at intake."""
    return [e["file"] for e in images if any("converted to sRGB" in n for n in e.get("notes") or [])]


def write_report(report: dict[str, Any], dataset_dir: Path) -> Path:
    path = Path(dataset_dir) / REPORT_FILE
    tmp = path.with_name(f".{REPORT_FILE}.tmp")
    tmp.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def format_report(report: dict[str, Any]) -> str:
    """A readable summary for the terminal (and, shortened, for a Discord message)."""
    s = report["summary"]
    res = s["resolution"]
    lines = [
        f"Dataset: {s['count_verdict']}",
        f"Resolution: target {res['target']} px; shorter sides {res['min_side']}-{res['max_side']} "
        f"(median {res['median_side']}).",
    ]
    if res["too_small"]:
        lines.append(
            f"Too small for {res['target']} px ({len(res['too_small'])}, not upscaled): {', '.join(res['too_small'])}"
        )
    if s["blurry"]:
        lines.append(f"Probably blurry ({len(s['blurry'])}): {', '.join(s['blurry'])}")
    if s["poor_quality"]:
        lines.append(f"Low BRISQUE quality ({len(s['poor_quality'])}): {', '.join(s['poor_quality'])}")
    if s.get("converted_to_srgb"):
        lines.append(
            f"Colour profile converted to sRGB ({len(s['converted_to_srgb'])}, e.g. Display P3 / Adobe RGB): "
            + ", ".join(s["converted_to_srgb"])
        )
    for cluster in s["near_duplicate_clusters"]:
        lines.append(f"Near-duplicates (keep one for diversity): {', '.join(cluster)}")
    lines.extend(mask_lines(s))
    intake = report.get("intake", {})
    for dup in intake.get("duplicates", []):
        lines.append(f"Merged exact duplicate: {dup['name']} = {dup['same_as']}")
    for rej in intake.get("rejected", []) + report.get("failed", []):
        lines.append(f"Refused: {rej['message']}")
    lines.append("")
    lines.append(f"{'file':<40} {'size':>11} {'blur':>8} {'brisque':>7}  notes")
    for e in report["images"]:
        notes = []
        if e["too_small"]:
            notes.append("too small")
        if e["blurry"]:
            notes.append("blurry")
        cut = e.get("cut_subject")
        if cut is not None and cut > 0.35:
            notes.append(f"crop cuts {cut:.0%} of the subject")
        brisque = "-" if e["brisque"] is None else f"{e['brisque']:.1f}"
        lines.append(
            f"{e['file'][:40]:<40} {e['width']:>5}x{e['height']:<5} {e['blur']:>8.0f} {brisque:>7}  {', '.join(notes)}"
        )
    return "\n".join(lines)


def format_summary(report: dict[str, Any], max_chars: int = 1900) -> str:
    """A few lines for a chat message (Discord allows 2,000 characters per message)."""
    s = report["summary"]
    lines = [s["count_verdict"]]
    flags = [
        (len(s["resolution"]["too_small"]), f"smaller than {s['resolution']['target']} px (not upscaled)"),
        (len(s["blurry"]), "probably blurry"),
        (len(s["poor_quality"]), "low quality (BRISQUE)"),
        (sum(len(c) for c in s["near_duplicate_clusters"]), "near-duplicates"),
    ]
    lines += [f"- {n} {what}" for n, what in flags if n]
    if s.get("converted_to_srgb"):
        lines.append(f"- {len(s['converted_to_srgb'])} wide-gamut colour profile(s) converted to sRGB")
    rejected = report.get("intake", {}).get("rejected", [])
    if rejected:
        lines.append(f"Refused {len(rejected)}:")
        lines += [f"- {r['message']}" for r in rejected]
    text = "\n".join(lines)
    if len(text) > max_chars:
        text = text[: max_chars - 25].rsplit("\n", 1)[0] + "\n… (see report.json)"
    return text
