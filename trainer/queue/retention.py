"""What happens to job folders after a job ends.

- A finished job keeps its folder (outputs, samples, log; a failed job's folder is there to inspect)
  until its owner deletes it (`delete_job_files`) or `limits.retention_days` have passed.
- Over `limits.artifacts_budget_gb`, the checkpoints of finished jobs are trimmed to their LoRA
  weights, oldest job first: the optimizer state is most of a checkpoint and useless once a job has
  ended, while the weights are what a sample job (the guide's test-and-improve step) draws from and
  exports. Outputs and checkpoint weights are never deleted to meet the budget, only by retention or
  their owner; the report says how far over it still is.
- Folders are named by job id (unique), so a new job never lands in an old job's folder.
- Several hosts (a `SharedStore`: one database, one artifact store): each host expires the folders it
  made (a job's own folder), and with them the job's keys in the artifact store; a folder that is not
  on this host belongs to the host that submitted it and is left to that host's retention. A worker
  host's copies of jobs submitted elsewhere go as soon as the job ends (`remove_finished_copies`).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from trainer.artifacts.jobsync import is_rebuilt_copy
from trainer.job_paths import CHECKPOINT_COMPLETE, CHECKPOINT_WEIGHTS, CHECKPOINT_WEIGHTS_ONLY, JobPaths
from trainer.queue.options import QueueOptions
from trainer.queue.shared_store import SharedStore
from trainer.queue.store import JobStore
from trainer.queue.types import Job, JobStateError, JobStatus

log = logging.getLogger(__name__)

FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


def folder_size(path: Path) -> int:
    """Bytes in a folder tree (files hard-linked from the dataset count once per job; close enough)."""
    total = 0
    for p in Path(path).rglob("*"):
        try:
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_size
        except OSError:
            continue  # deleted while we walked: it no longer takes space
    return total


@dataclass
class RetentionReport:
    expired: list[str] = field(default_factory=list)
    checkpoints_removed: list[str] = field(default_factory=list)
    bytes_freed: int = 0
    total_bytes: int = 0
    #: Still over the budget after every finished job's checkpoints went (outputs are kept).
    over_budget_bytes: int = 0
    #: This host's copies of jobs submitted on other hosts, removed once the job ended.
    copies_removed: list[str] = field(default_factory=list)


def log_report(report: RetentionReport) -> None:
    """One log line for a round of retention that did something (workers and the bot alike)."""
    if report.bytes_freed or report.expired or report.checkpoints_removed or report.copies_removed:
        log.info(
            "retention: %d expired job folder(s), checkpoints of %d job(s), %.2f GB freed; "
            "%d copies of other hosts' jobs removed",
            len(report.expired),
            len(report.checkpoints_removed),
            report.bytes_freed / 1e9,
            len(report.copies_removed),
        )


async def apply_retention(
    store: JobStore, options: QueueOptions, *, now: float | None = None
) -> RetentionReport:
    now = time.time() if now is None else now
    report = RetentionReport()
    shared = store if isinstance(store, SharedStore) else None
    if shared is not None:
        report.copies_removed = await shared.remove_finished_copies()
    finished = [
        j
        for j in await store.list_jobs(statuses=FINISHED, limit=10_000_000, oldest_first=True)
        if j.files_deleted_at is None
    ]
    finished.sort(key=lambda j: j.finished_at or 0.0)
    if options.retention_days > 0:
        cutoff = now - options.retention_days * 86400
        keep = []
        for job in finished:
            folder = Path(job.job_dir)
            if job.finished_at is None or job.finished_at >= cutoff:
                keep.append(job)
            elif shared is not None and not _made_here(folder, options.jobs_dir):
                continue  # another host's job: its own retention expires it (and its keys)
            else:
                report.bytes_freed += await asyncio.to_thread(_remove, folder)
                if shared is not None:
                    await asyncio.to_thread(shared.forget_artifacts, job.id)
                await store.mark_files_deleted(job.id, now=now)
                report.expired.append(job.id)
        finished = keep
    budget = int(options.artifacts_budget_gb * 1e9)
    if budget > 0:
        total = await asyncio.to_thread(folder_size, options.jobs_dir)
        for job in finished:
            if total <= budget:
                break
            freed = await asyncio.to_thread(_trim_checkpoints, JobPaths(job.job_dir).checkpoints)
            if freed:
                total -= freed
                report.bytes_freed += freed
                report.checkpoints_removed.append(job.id)
        report.total_bytes = total
        report.over_budget_bytes = max(0, total - budget)
        if report.over_budget_bytes:
            log.warning(
                "job folders use %.1f GB, %.1f GB over limits.artifacts_budget_gb; only outputs are left "
                "to delete, which their owners (or retention_days) decide",
                total / 1e9,
                report.over_budget_bytes / 1e9,
            )
    return report


async def delete_job_files(store: JobStore, job_id: str, *, now: float | None = None) -> int:
    """The owner deletes a finished job's folder; returns the bytes freed. Running jobs are refused."""
    job: Job = await store.get_job(job_id)
    if not job.finished:
        raise JobStateError(job_id, job.status, "cancel it first; its files are in use")
    freed = await asyncio.to_thread(_remove, Path(job.job_dir))
    if isinstance(store, SharedStore):  # the copies in the artifact store go too (other hosts' view)
        await asyncio.to_thread(store.forget_artifacts, job_id)
    await store.mark_files_deleted(job_id, now=now)
    return freed


def _trim_checkpoints(root: Path) -> int:
    """Keep only the LoRA weights (and the step's facts) of every checkpoint; returns the bytes freed."""
    if not root.is_dir():
        return 0
    freed = 0
    for step_dir in sorted(root.iterdir()):
        if not step_dir.is_dir() or not (step_dir / CHECKPOINT_WEIGHTS).is_file():
            # A half-written or unknown folder holds nothing a sample job could use.
            freed += _remove(step_dir) if step_dir.is_dir() else 0
            continue
        complete = step_dir / CHECKPOINT_COMPLETE
        if complete.is_file():
            # Renamed first: a folder without its optimizer state must never look resumable.
            complete.replace(step_dir / CHECKPOINT_WEIGHTS_ONLY)
        for entry in step_dir.iterdir():
            if entry.name in (CHECKPOINT_WEIGHTS, CHECKPOINT_WEIGHTS_ONLY):
                continue
            size = folder_size(entry) if entry.is_dir() else entry.stat().st_size
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            freed += size
    if not any(root.iterdir()):
        root.rmdir()
    return freed


def _made_here(folder: Path, jobs_dir: Path) -> bool:
    """A job's own folder on this host: in this host's jobs folder, there, and not a worker's copy."""
    inside = folder.resolve().is_relative_to(Path(jobs_dir).resolve())
    return inside and folder.is_dir() and not is_rebuilt_copy(folder)


def _remove(path: Path) -> int:
    if not path.exists():
        return 0
    size = folder_size(path)
    shutil.rmtree(path, ignore_errors=True)
    return size
