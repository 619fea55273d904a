"""Queue positions and ETAs from measured step times, so users see "3rd in line, starts in ~12 min".

Workers record the measured seconds per step of every run, keyed by architecture and resolution
(`sd15@512`), in the store. A queued job's wait is simulated: the running jobs' remaining times fill
the workers, then the queued jobs start in the fairness order, each taking its own estimate.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config.arch import ARCHS
from trainer.queue.options import QueueLimits
from trainer.queue.store import JobStore
from trainer.queue.types import Job, JobKind, JobStatus

#: First guesses before anything was measured on this host (seconds per step on one mid-range GPU at
#: the family's native resolution, batch 2); replaced by measurements after the first run.
FALLBACK_S_PER_STEP = {s.arch.value: s.fallback_s_per_step for s in ARCHS.values()}
FALLBACK_ANY = 1.0


def step_key(arch: str, resolution: int) -> str:
    return f"{arch}@{int(resolution)}"


def s_per_step_for(config: Mapping[str, Any], history: Mapping[str, float]) -> float:
    """Best known seconds per step for a config: its arch and resolution, else the same resolution on
    any arch, else a fallback."""
    arch = str(config.get("model_arch", "auto"))
    resolution = int(config.get("resolution", 512))
    if arch != "auto" and step_key(arch, resolution) in history:
        return history[step_key(arch, resolution)]
    same_res = [v for k, v in history.items() if k.endswith(f"@{resolution}")]
    if same_res:
        return sum(same_res) / len(same_res)
    return FALLBACK_S_PER_STEP.get(arch, FALLBACK_ANY)


def planned_steps(job: Job) -> int | None:
    if job.progress.total and job.kind is JobKind.TRAIN:
        return job.progress.total
    if job.planned_steps:
        # A sample job counts grid cells once it runs (with its own eta_s); before, its planned length.
        return job.planned_steps
    steps = int(job.config.get("max_train_steps", 0) or 0)
    return steps or None  # epoch-based runs only know their length once they start


def remaining_seconds(job: Job, history: Mapping[str, float]) -> float | None:
    """How long the job still needs (all of it for a queued job)."""
    if job.status == JobStatus.RUNNING and job.progress.eta_s is not None:
        return max(0.0, job.progress.eta_s)
    steps = planned_steps(job)
    if steps is None:
        return None
    if job.kind is JobKind.SAMPLE:
        return steps * s_per_step_for(job.config, history)
    per_step = job.progress.s_per_step or s_per_step_for(job.config, history)
    return max(0, steps - job.progress.step) * per_step


@dataclass(frozen=True)
class Estimate:
    """Where a job stands: `position` 0 while running, 1 = next to start."""

    job_id: str
    status: JobStatus
    position: int
    starts_in_s: float | None
    done_in_s: float | None


async def estimate_queue(
    store: JobStore, workers: int = 1, limits: QueueLimits | None = None
) -> dict[str, Estimate]:
    """An estimate for every queued and running job. `workers`: how many jobs run at once; `limits`:
    the queue's limits, so a job held back by its guild's or owner's running limit is placed where
    the worker will really take it (without them, as if every user could run now)."""
    history = await store.step_times()
    running = await store.list_jobs(statuses=[JobStatus.RUNNING], limit=10_000)
    order = await store.queue_order(limits)
    queued = {j.id: j for j in await store.list_jobs(statuses=[JobStatus.QUEUED], limit=len(order) + 1)}
    out: dict[str, Estimate] = {}
    slots: list[float] = []
    unknown = False
    for job in running:
        left = remaining_seconds(job, history)
        out[job.id] = Estimate(job.id, job.status, 0, 0.0, left)
        slots.append(left or 0.0)
        unknown = unknown or left is None
    # More jobs may run than this host's workers (other hosts share the store): every one is a slot.
    slots += [0.0] * (max(1, workers) - len(slots))
    heapq.heapify(slots)
    for position, job_id in enumerate(order, start=1):
        job = queued.get(job_id)
        if job is None:
            continue
        start = heapq.heappop(slots)
        need = remaining_seconds(job, history)
        out[job_id] = Estimate(
            job_id,
            job.status,
            position,
            None if unknown else start,
            None if unknown or need is None else start + need,
        )
        # A job of unknown length makes every later start unknown too; say so rather than guess.
        unknown = unknown or need is None
        heapq.heappush(slots, start + (need or 0.0))
    return out


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    whole = round(seconds)
    if whole < 90:
        return f"{whole}s"
    if whole < 5400:
        return f"{round(whole / 60)} min"
    return f"{whole // 3600} h {round(whole % 3600 / 60)} min"
