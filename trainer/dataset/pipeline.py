"""`prepare_dataset`: raw uploads of a dataset folder -> prepared/ (kohya layout) + report.json.

Resumable: each finished image leaves its report entry in `.loracord/prep/<sha256>.json` and a line in
the manifest; a rerun with the same options skips it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from trainer.dataset import batch, prep, report, saliency
from trainer.dataset.captions import CaptionStore
from trainer.dataset.decode import WHITE, Rejected, decode_path
from trainer.dataset.intake import DatasetIntake, IntakeResult
from trainer.dataset.limits import IntakeLimits
from trainer.dataset.mask_report import mask_summary

STATE_DIR = ".loracord"


def prepare_dataset(
    dataset_dir: str | Path,
    opts: prep.PrepOptions,
    limits: IntakeLimits | None = None,
    background: tuple[int, int, int] = WHITE,
    intake_result: IntakeResult | None = None,
    progress: bool = True,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Prepare every image stored in `dataset_dir/raw` into `dataset_dir/prepared` and write the
    report. Returns the report; `report["interrupted"]` says whether a rerun is needed."""
    dataset_dir = Path(dataset_dir).resolve()
    limits = limits or IntakeLimits()
    intake = DatasetIntake(dataset_dir, limits, background)
    out_dir = dataset_dir / prep.PREPARED_DIR
    entry_dir = dataset_dir / STATE_DIR / "prep"
    entry_dir.mkdir(parents=True, exist_ok=True)
    store = CaptionStore(out_dir)
    manifest = batch.Manifest(dataset_dir / STATE_DIR / "prep_manifest.jsonl", opts.signature())

    def work(entry: dict[str, Any]) -> str | None:
        decoded = decode_path(dataset_dir / entry["file"], limits, background, name=entry["names"][0])
        if isinstance(decoded, Rejected):
            return decoded.message
        rgb = np.asarray(decoded.image)
        stem = prep.safe_stem(entry["names"][0], entry["sha256"])
        sal = saliency.saliency_map(rgb)
        measured = report.image_entry(rgb, opts.resolution, sal)
        done = prep.prepare_image(rgb, opts, sal)
        prep.save_prepared(done.image, out_dir, stem, None)
        if entry.get("caption") and store.get(stem) is None:
            store.set(stem, entry["caption"], source="sidecar")
        h, w = done.image.shape[:2]
        record = {
            "file": f"{stem}.png",
            "names": entry["names"],
            "sha256": entry["sha256"],
            **measured,
            "output_size": [w, h],
            "mode": opts.mode,
            "crop_box": list(done.crop_box),
            "cut_pixels": done.cut_pixels,
            "cut_subject": done.cut_saliency,
            "padded": done.padded,
            "upscaled": done.upscaled,
            "notes": entry.get("notes", []),
            "caption": store.get(stem),
        }
        (entry_dir / f"{entry['sha256']}.json").write_text(json.dumps(record), encoding="utf-8")
        return None

    started = time.monotonic()
    entries = intake.entries
    # An image whose output or report entry has gone missing since the last run is done again.
    for entry in entries:
        stem = prep.safe_stem(entry["names"][0], entry["sha256"])
        if not (out_dir / f"{stem}.png").is_file() or not (entry_dir / f"{entry['sha256']}.json").is_file():
            manifest.finished.discard(entry["sha256"])
    result = batch.run_batch(
        entries,
        lambda e: e["sha256"],
        work,
        manifest,
        desc="prep",
        progress=progress,
        should_stop=should_stop,
    )
    images = []
    for entry in entries:
        path = entry_dir / f"{entry['sha256']}.json"
        if entry["sha256"] in manifest.finished and path.is_file():
            images.append(json.loads(path.read_text(encoding="utf-8")))
    out = {
        "version": report.REPORT_VERSION,
        "options": {
            "resolution": opts.resolution,
            "mode": opts.mode,
            "denoise": opts.denoise,
            "upscale": opts.upscale,
        },
        "prepared_dir": str(out_dir),
        "summary": report.dataset_summary(images, opts.resolution),
        "images": images,
        "intake": intake_result.to_dict() if intake_result else {},
        "failed": [{"sha256": k, "message": v} for k, v in result.failed.items()],
        "interrupted": result.interrupted,
        "seconds": round(time.monotonic() - started, 2),
    }
    out["summary"]["masks"] = mask_summary(out_dir, [e["file"] for e in images])
    report.write_report(out, dataset_dir)
    return out
