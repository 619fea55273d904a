"""`loracord prep` and `loracord caption` (registered by cli/main.py).

Registration imports nothing heavy; the handlers import the pipeline when they run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli.errors import CommandError


def register(subparsers: Any) -> None:
    prep = subparsers.add_parser(
        "prep",
        help="validate, clean, resize/crop/pad a folder of images; print and write report.json",
        description="Take the images (and zips) in DIR into the dataset folder OUT: OUT/raw keeps the "
        "uploads unmodified, OUT/prepared gets the training images with captions (kohya layout), "
        "OUT/report.json the quality report.",
    )
    prep.add_argument(
        "dir", type=Path, help="folder of images and/or zips (same-named .txt files are captions)"
    )
    prep.add_argument("--out", type=Path, required=True, help="dataset folder to write")
    prep.add_argument("--resolution", type=int, default=512, help="training resolution (512, 768, 1024 ...)")
    prep.add_argument(
        "--mode", choices=("crop", "pad", "bucket"), default="crop", help="how to fit the resolution"
    )
    prep.add_argument("--denoise", action="store_true", help="OpenCV non-local means denoising")
    prep.add_argument("--upscale", action="store_true", help="upscale images smaller than the resolution")
    prep.add_argument("--pad-colour", default="white", help="pad mode: 'edge', white, black, grey or #rrggbb")
    prep.add_argument("--background", default="white", help="colour transparent areas are flattened onto")
    prep.add_argument("--json", action="store_true", help="print the report as JSON instead of text")
    prep.add_argument("--no-progress", action="store_true", help="no progress bar")
    prep.set_defaults(func=run_prep)

    cap = subparsers.add_parser(
        "caption",
        help="caption a prepared folder with BLIP, the WD14 tagger, or the captions already there",
        description="Writes NAME.txt beside every image; every version of a caption is kept in "
        ".loracord/captions.jsonl. Human captions are kept unless --overwrite.",
    )
    cap.add_argument("dir", type=Path, help="prepared folder (or a dataset folder that has prepared/)")
    cap.add_argument("--method", choices=("blip", "wd14", "manual"), required=True)
    cap.add_argument("--trigger", default=None, help="trigger word, put first in every caption exactly once")
    cap.add_argument(
        "--style", choices=("tags", "sentence"), default=None, help="default: BLIP sentence, WD14 tags"
    )
    cap.add_argument(
        "--model", default=None, help="BLIP folder/hub id or WD14 folder/model.onnx (default: settings)"
    )
    cap.add_argument("--tags", default=None, help="WD14 selected_tags.csv when it is not beside model.onnx")
    cap.add_argument("--threshold", type=float, default=None, help="WD14 general-tag threshold")
    cap.add_argument("--character-threshold", type=float, default=0.85, help="WD14 character-tag threshold")
    cap.add_argument("--blacklist", default="", help="comma-separated tags never written")
    cap.add_argument(
        "--overwrite", action="store_true", help="replace human captions too (history keeps them)"
    )
    cap.add_argument("--beams", type=int, default=3, help="BLIP beam search width")
    cap.add_argument("--no-progress", action="store_true", help="no progress bar")
    cap.set_defaults(func=run_caption)


def _colour(text: str, option: str) -> tuple[int, int, int] | str:
    from trainer.dataset.prep import parse_colour

    try:
        return parse_colour(text)
    except ValueError as exc:
        raise CommandError(f"{option}: {exc}") from exc


def run_prep(args: argparse.Namespace, settings: Any) -> int:
    from trainer.dataset.intake import DatasetIntake, IntakeLimits
    from trainer.dataset.pipeline import prepare_dataset
    from trainer.dataset.prep import PrepOptions
    from trainer.dataset.report import format_report

    if not args.dir.exists():
        raise CommandError(f"{args.dir} does not exist")
    background = _colour(args.background, "--background")
    if background == "edge":
        raise CommandError("--background must be a colour, not 'edge'")
    try:
        opts = PrepOptions(
            resolution=args.resolution,
            mode=args.mode,
            denoise=args.denoise,
            upscale=args.upscale,
            pad_colour=_colour(args.pad_colour, "--pad-colour"),
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    limits = IntakeLimits.from_settings(settings)
    intake = DatasetIntake(args.out, limits, background)
    result = intake.add_folder(args.dir) if args.dir.is_dir() else intake.add_file(args.dir)
    if not intake.entries:
        reasons = "; ".join(r.message for r in result.rejected[:5]) or "no image files found"
        raise CommandError(f"no usable images in {args.dir}: {reasons}")
    report = prepare_dataset(args.out, opts, limits, background, result, progress=not args.no_progress)
    print(json.dumps(report, indent=1) if args.json else format_report(report))
    print(
        f"\nreport: {args.out / 'report.json'}; train with data_dir = {args.out / 'prepared'}",
        file=sys.stderr,
    )
    if report["interrupted"]:
        print(
            "interrupted: run the same command again to finish (finished images are skipped)", file=sys.stderr
        )
        return 130
    return 0


def run_caption(args: argparse.Namespace, settings: Any) -> int:
    from trainer.dataset.caption_wd14 import TaggerError
    from trainer.dataset.captioning import CaptionOptions, caption_dataset
    from trainer.dataset.intake import IntakeLimits

    folder = args.dir / "prepared" if (args.dir / "prepared").is_dir() else args.dir
    if not folder.is_dir():
        raise CommandError(f"{args.dir} is not a folder")
    captioning = getattr(settings, "captioning", None)
    model, tags, threshold = args.model, args.tags, args.threshold
    if args.method == "blip" and not model:
        model = getattr(captioning, "blip_model", None)
    if args.method == "wd14" and not model:
        model = getattr(captioning, "wd14_model", None)
        tags = tags or getattr(captioning, "wd14_tags", None) or None
    if threshold is None:
        threshold = getattr(captioning, "wd14_threshold", 0.35)
    try:
        opts = CaptionOptions(
            method=args.method,
            trigger=args.trigger,
            style=args.style,
            model=model or None,
            tags=tags,
            threshold=threshold,
            character_threshold=args.character_threshold,
            blacklist=tuple(t.strip() for t in args.blacklist.split(",") if t.strip()),
            overwrite=args.overwrite,
            num_beams=args.beams,
        )
        summary = caption_dataset(
            folder, opts, IntakeLimits.from_settings(settings), progress=not args.no_progress
        )
    except (TaggerError, ValueError, OSError) as exc:
        raise CommandError(str(exc)) from exc
    print(_format_summary(summary))
    if summary["interrupted"]:
        print(
            "interrupted: run the same command again to finish (finished images are skipped)", file=sys.stderr
        )
        return 130
    return 1 if summary["failed"] and not summary["captioned"] and not summary["skipped_already_done"] else 0


def _format_summary(s: dict[str, Any]) -> str:
    lines = [
        f"Captioned {len(s['captioned'])} images with {s['method']} ({s['style']}); "
        f"{len(s['skipped_already_done'])} already done; {len(s['kept_human_captions'])} human captions kept.",
        f"Captions: {s['captions']['count']} present, {s['captions']['missing']} missing; "
        f"style {s['caption_style']}; mean {s['captions']['mean_tags']} tags / {s['captions']['mean_words']} words.",
    ]
    if s["trigger_word"]:
        lines.append(f"Trigger '{s['trigger_word']}' in {s['trigger_coverage']:.0%} of the images.")
    top = ", ".join(f"{t} ({n})" for t, n in list(s["tag_frequency"].items())[:10])
    if top:
        lines.append(f"Most frequent tags: {top}")
    for name, message in s["failed"].items():
        lines.append(f"Not captioned: {message if message.startswith(name) else f'{name}: {message}'}")
    return "\n".join(lines)
