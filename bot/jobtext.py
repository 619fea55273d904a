"""Words and pictures about jobs: the progress line, the result files, the failure diagnosis.

The diagnosis is the worker's (trainer.queue.failures, JOB_DIR/diagnosis.json, in every advisor
language): the bot only shows it and applies its config changes on a retry.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.i18n import t as advisor_t
from bot.i18n import language_of, t
from bot.validation_text import validation_lines
from config.training import ConfigError, TrainConfig, from_dict
from trainer.job_paths import JobPaths
from trainer.queue.eta import format_duration
from trainer.queue.failures import load_diagnosis
from trainer.queue.types import Job, JobKind, JobStatus

BAR_CELLS = 20
STATUS_ICON = {
    JobStatus.QUEUED: "⏳",
    JobStatus.RUNNING: "🔥",
    JobStatus.SUCCEEDED: "✅",
    JobStatus.FAILED: "❌",
    JobStatus.CANCELLED: "🛑",
}


def bar(fraction: float) -> str:
    filled = max(0, min(BAR_CELLS, round(fraction * BAR_CELLS)))
    return "█" * filled + "░" * (BAR_CELLS - filled)


def progress_text(job: Job, locale: Any, position: int | None = None, *, hide_name: bool = False) -> str:
    """The progress message: name, status, and while running a bar with step, loss and ETA. With
    `hide_name` (a private dataset's job, in a public channel) the name says nothing of the dataset."""
    status = t(locale, f"status.{job.status.value}")
    name = t(locale, "progress.private_name") if hide_name else job.name
    lines = [f"{STATUS_ICON[job.status]} **{name}** (`{job.id}`) — {status}"]
    p = job.progress
    if job.status is JobStatus.QUEUED and position:
        lines.append(t(locale, "progress.position", position=position))
    if p.total:
        loss = "-" if p.loss is None else f"{p.loss:.4f}"
        eta = format_duration(p.eta_s) if job.status is JobStatus.RUNNING else "-"
        lines.append(f"`{bar(p.fraction)}` {p.fraction:.0%}")
        if job.kind is JobKind.SAMPLE:
            # A sample job counts checkpoint × strength image sets, and has no loss.
            lines.append(t(locale, "progress.sample_numbers", step=p.step, total=p.total, eta=eta))
        else:
            lines.append(t(locale, "progress.numbers", step=p.step, total=p.total, loss=loss, eta=eta))
            lines.extend(validation_lines(job.job_dir, locale))  # held-out loss, overfitting (issue 19)
    if job.status is JobStatus.CANCELLED:
        lines.append(t(locale, "progress.cancelled"))
    return "\n".join(lines)


def result_files(job: Job) -> list[Path]:
    """Loss curve and the last sample grid of a finished job (what the result message shows)."""
    paths = JobPaths(job.job_dir)
    out: list[Path] = []
    grids = paths.sample_grids()
    if grids:
        out.append(grids[-1])
    curve = paths.loss_curve
    if curve.is_file():
        out.append(curve)
    return out


def sample_results(job: Job) -> tuple[list[Path], list[Path]]:
    """A finished sample job's grids (one per prompt) and per-checkpoint LoRA files, as they exist."""
    job_dir = Path(job.job_dir)
    files = [job_dir / f for f in (job.result.files if job.result else ())]
    grids = [f for f in files if f.suffix == ".png" and f.is_file()]
    loras = [f for f in files if f.suffix == ".safetensors" and f.is_file()]
    return grids, loras


def output_file(job: Job) -> Path | None:
    if job.result is None or not job.result.output:
        return None
    path = Path(job.result.output)
    if not path.is_absolute():
        path = Path(job.job_dir) / path
    return path if path.is_file() else None


def job_config(job: Job) -> TrainConfig | None:
    try:
        return from_dict(job.config)
    except ConfigError:
        return None


@dataclass(frozen=True)
class ShownDiagnosis:
    """A failed job's explanation in one language, and the config changes a retry applies."""

    text: str
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)

    def render(self) -> str:
        return self.text

    def retry_config(self, config: TrainConfig) -> TrainConfig | None:
        """`config` with the diagnosis's changes (None when it proposes none, or they no longer fit)."""
        if not self.changes:
            return None
        try:
            return config.replace(**{k: new for k, (_, new) in self.changes.items()})
        except (ConfigError, TypeError):
            return None


def _shown_diagnosis(job: Job, lang: str) -> ShownDiagnosis:
    verdict = load_diagnosis(Path(job.job_dir))
    if verdict is not None and (verdict.texts.get(lang) or verdict.texts.get("en")):
        return ShownDiagnosis(verdict.texts.get(lang) or verdict.texts["en"], verdict.changes)
    # No text kept with the job (a job that ended before the worker could explain it): the store's
    # cause and fix, in English.
    result = job.result
    cause = (verdict.cause if verdict else None) or (result.cause if result else None) or ""
    fix = (verdict.fix if verdict else None) or (result.fix if result else None) or ""
    if not cause and result and result.error_message:
        cause = result.error_message
    text = f"{advisor_t('cause', lang)}: {cause}\n{advisor_t('fix', lang)}: {fix}"
    return ShownDiagnosis(text, verdict.changes if verdict else {})


def without_private_names(text: str, job: Job, locale: Any) -> str:
    """`text` with every trace of a private dataset's job taken out, for a public message: the job's
    and its datasets' folders (whose paths hold the dataset id), the dataset id and the job's name
    (made from the dataset's name)."""
    secret = t(locale, "progress.private_name")
    config = job.config or {}
    paths = [str(config.get(key) or "") for key in ("data_dir", "reg_data_dir")] + [str(job.job_dir or "")]
    for path in sorted({p.rstrip("/") for p in paths if len(p.strip("/")) > 1}, key=len, reverse=True):
        text = re.sub(re.escape(path) + r"[^\s,;:)'\"]*", secret, text)
    for word in sorted({w for w in (job.dataset_id, job.name) if w and len(w) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(word), secret, text, flags=re.IGNORECASE)
    return text


async def diagnosis_for(job: Job, locale: Any) -> ShownDiagnosis:
    """The worker's diagnosis of a failed job in the user's language (read in a thread)."""
    return await asyncio.to_thread(_shown_diagnosis, job, language_of(locale))
