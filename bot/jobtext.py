"""Words and pictures about jobs: the progress line, the result files, the failure diagnosis."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.diagnose import Diagnosis, diagnose
from bot.i18n import language_of, t
from config.training import ConfigError, TrainConfig, from_dict
from trainer.queue.eta import format_duration
from trainer.queue.jobdir import read_events
from trainer.queue.types import Job, JobKind, JobStatus

if TYPE_CHECKING:
    from bot.app import LoracordBot

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


def progress_text(job: Job, locale: Any, position: int | None = None) -> str:
    """The progress message: name, status, and while running a bar with step, loss and ETA."""
    status = t(locale, f"status.{job.status.value}")
    lines = [f"{STATUS_ICON[job.status]} **{job.name}** (`{job.id}`) — {status}"]
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
    if job.status is JobStatus.CANCELLED:
        lines.append(t(locale, "progress.cancelled"))
    return "\n".join(lines)


def result_files(job: Job) -> list[Path]:
    """Loss curve and the last sample grid of a finished job (what the result message shows)."""
    job_dir = Path(job.job_dir)
    out: list[Path] = []
    grids = sorted((job_dir / "samples").glob("step_*_grid.png"))
    if grids:
        out.append(grids[-1])
    curve = job_dir / "output" / "loss_curve.png"
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


def _diagnose(job: Job, lang: str) -> Diagnosis:
    events = read_events(Path(job.job_dir))
    log_text = (job.result.log_tail if job.result else None) or ""
    if job.result and job.result.error_message:
        log_text = f"{job.result.error_message}\n{log_text}"
    return diagnose(log_text, events, job_config(job), lang=lang)


async def diagnosis_for(bot: LoracordBot, job: Job, locale: Any) -> Diagnosis:
    """The advisor's diagnosis of a failed job in the user's language (rule engine, in a thread)."""
    return await asyncio.to_thread(_diagnose, job, language_of(locale))
