"""Queue positions and ETAs from measured step times, so users see "3rd in line, starts in ~12 min".

Workers record the measured seconds per step of every run, keyed by architecture and resolution
(`sd15@512`), in the store. A queued job's wait is simulated: the running jobs' remaining times fill
the workers, then the queued jobs start in the fairness order, each taking its own estimate on the
first worker that can run it — as the workers claim (trainer/queue/workers.py): a job on two GPUs waits
for a worker whose jobs see two, an SDXL job for a worker with SDXL models and the VRAM it needs. The
live workers registered in the store are the slots; a store without any (a test, a first start) has
`workers` slots that take every job. A job that no live worker can run gets no start time.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config.arch import ARCHS
from trainer.queue.options import QueueLimits
from trainer.queue.store import JobStore
from trainer.queue.types import Job, JobKind, JobStatus
from trainer.queue.workers import WorkerInfo, job_fits

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
    #: Queued, and no live worker can run it (more GPUs, more VRAM or a model none of them has).
    no_worker: bool = False


@dataclass
class _Slot:
    """One worker in the simulation: when it is next free, and what it can run (None: anything)."""

    free_at: float
    worker: WorkerInfo | None = None

    def can_run(self, job: Job) -> bool:
        return self.worker is None or job_fits(job, self.worker)


def _live_workers(workers: list[WorkerInfo], now: float) -> list[WorkerInfo]:
    return [w for w in workers if w.state(now) in ("idle", "busy")]


async def estimate_queue(
    store: JobStore, workers: int = 1, limits: QueueLimits | None = None, *, now: float | None = None
) -> dict[str, Estimate]:
    """An estimate for every queued and running job. `workers`: how many jobs run at once when no live
    worker is registered in the store; `limits`: the queue's limits, so a job held back by its guild's
    or owner's running limit is placed where the worker will really take it (without them, as if every
    user could run now)."""
    history = await store.step_times()
    running = await store.list_jobs(statuses=[JobStatus.RUNNING], limit=10_000)
    order = await store.queue_order(limits)
    queued = {j.id: j for j in await store.list_jobs(statuses=[JobStatus.QUEUED], limit=len(order) + 1)}
    live = _live_workers(await store.list_workers(), time.time() if now is None else now)
    out: dict[str, Estimate] = {}
    by_worker = {w.id: _Slot(0.0, w) for w in live}
    extra: list[_Slot] = []
    unknown = False
    for job in running:
        left = remaining_seconds(job, history)
        out[job.id] = Estimate(job.id, job.status, 0, 0.0, left)
        slot = by_worker.get(job.worker_id or "")
        if slot is None:  # its worker is not registered (or lost): it still holds a GPU somewhere
            extra.append(_Slot(left or 0.0))
        else:
            slot.free_at = max(slot.free_at, left or 0.0)
        unknown = unknown or left is None
    slots = list(by_worker.values())
    if not slots:
        slots = extra + [_Slot(0.0) for _ in range(max(1, workers) - len(extra))]
    for position, job_id in enumerate(order, start=1):
        job = queued.get(job_id)
        if job is None:
            continue
        fitting = [slot for slot in slots if slot.can_run(job)]
        need = remaining_seconds(job, history)
        if not fitting:  # no live worker can run it (too many GPUs, too much VRAM, a missing model)
            out[job_id] = Estimate(job_id, job.status, position, None, None, no_worker=True)
            continue
        # The first free; of two free at once, the one with fewer GPUs, as a bigger job may need the other.
        slot = min(fitting, key=lambda s: (s.free_at, s.worker.gpu_count or 0 if s.worker else 0))
        start = slot.free_at
        out[job_id] = Estimate(
            job_id,
            job.status,
            position,
            None if unknown else start,
            None if unknown or need is None else start + need,
        )
        # A job of unknown length makes every later start unknown too; say so rather than guess.
        unknown = unknown or need is None
        slot.free_at = start + (need or 0.0)
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
