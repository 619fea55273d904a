"""The progress message's validation line: the latest val_loss, its lowest point, and the advisor's
overfitting warning (advisor.overfit) once the held-out loss has turned and risen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from advisor.overfit import curve_events, find_overfit, validation_curve
from bot.i18n import t
from trainer.job_paths import JobPaths, checkpoint_step


def validation_lines(job_dir: str | Path, locale: Any) -> list[str]:
    """[] when the run holds no images out (no JOB_DIR/validation.json) or the file is unreadable."""
    paths = JobPaths(job_dir)
    try:
        data = json.loads(paths.validation_curve.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    events = curve_events(data)
    # Checkpoints saved since the last validation count too (the folder is the truth).
    if paths.checkpoints.is_dir():
        saved = {checkpoint_step(p) for p in paths.checkpoints.iterdir()}
        events += [{"type": "checkpoint", "step": s} for s in saved if s is not None]
    curve = validation_curve(events)
    if not curve:
        return []
    best_step, best = min(curve, key=lambda p: (p[1], p[0]))
    lines = [t(locale, "progress.val_loss", val=f"{curve[-1][1]:.4f}", best=f"{best:.4f}", step=best_step)]
    found = find_overfit(events)
    if found is not None:
        ckpt = found.checkpoint_step if found.checkpoint_step is not None else found.since_step
        lines.append(t(locale, "progress.overfit", step=found.since_step, ckpt=ckpt))
    return lines
