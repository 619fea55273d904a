"""The job store interface. Callers (bot, worker, command line) see only this; SQLite is one backend.

Every method is a single atomic step: a job is claimed by exactly one worker, a submission is checked
against the limits and inserted in one transaction, and so on. A PostgreSQL backend implements the
same methods (claims with `SELECT ... FOR UPDATE SKIP LOCKED`, the rest as plain transactions).

Times are Unix timestamps; every method that depends on the clock takes an optional `now` so that
tests can move time without sleeping.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

from trainer.queue.options import QueueLimits
from trainer.queue.types import (
    CaptionVersion,
    Dataset,
    DatasetImage,
    HeartbeatReply,
    Job,
    JobEvent,
    JobResult,
    JobSpec,
    JobStatus,
    Progress,
)
from trainer.queue.workers import WorkerCapacity, WorkerInfo


class StoreConfigError(ValueError):
    """`storage.database_url` names something this installation cannot open."""


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or stayed locked too long; trying again later may work."""


class JobStore(abc.ABC):
    """Durable jobs, their progress and results, fair claims, datasets and caption versions."""

    # --- life cycle -----------------------------------------------------------------------------------
    @abc.abstractmethod
    async def open(self) -> None:
        """Connect and bring the schema up to date (numbered migrations)."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> JobStore:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @abc.abstractmethod
    async def schema_version(self) -> int: ...

    # --- submitting and reading jobs ------------------------------------------------------------------
    @abc.abstractmethod
    async def enqueue(
        self, spec: JobSpec, limits: QueueLimits, *, max_attempts: int = 3, now: float | None = None
    ) -> Job:
        """Queue a job, or raise `QueueFull` / `QuotaExceeded` (checked in the same transaction)."""

    @abc.abstractmethod
    async def get_job(self, job_id: str) -> Job:
        """The job, or `JobNotFound`."""

    @abc.abstractmethod
    async def list_jobs(
        self,
        *,
        statuses: Sequence[JobStatus] | None = None,
        owner_id: int | None = None,
        guild_id: int | None = None,
        limit: int = 50,
        oldest_first: bool = False,
    ) -> list[Job]:
        """Jobs, newest first unless `oldest_first`."""

    @abc.abstractmethod
    async def count_jobs(self, status: JobStatus | None = None) -> int: ...

    @abc.abstractmethod
    async def queue_order(self, limits: QueueLimits | None = None) -> list[str]:
        """Ids of the queued jobs in the order they are expected to start; with `limits`, the
        running-job limits per user and per guild are simulated (`fairness.simulate_order`)."""

    # --- the worker's side ------------------------------------------------------------------------------
    @abc.abstractmethod
    async def claim(
        self,
        worker_id: str,
        lease_seconds: float,
        limits: QueueLimits,
        *,
        now: float | None = None,
        capacity: WorkerCapacity | None = None,
    ) -> Job | None:
        """Re-queue jobs whose lease expired, then take the next job by the fairness rules (None when
        the queue is paused or nothing may run now). The job becomes `running` with a lease.
        With `capacity`, only jobs that fit the worker's free VRAM and architectures are candidates."""

    @abc.abstractmethod
    async def heartbeat(
        self, job_id: str, worker_id: str, lease_seconds: float, *, now: float | None = None
    ) -> HeartbeatReply:
        """Extend the lease, count GPU time, and say whether a cancel was requested."""

    @abc.abstractmethod
    async def update_progress(self, job_id: str, worker_id: str, progress: Progress) -> bool:
        """Store the latest progress; False when the job is no longer this worker's."""

    @abc.abstractmethod
    async def finish(
        self,
        job_id: str,
        worker_id: str,
        status: JobStatus,
        result: JobResult,
        *,
        now: float | None = None,
    ) -> Job:
        """End a running job as succeeded, failed or cancelled (raises `JobStateError` if the lease is lost)."""

    @abc.abstractmethod
    async def release(
        self, job_id: str, worker_id: str, *, reason: str, crashed: bool, now: float | None = None
    ) -> Job:
        """Give a running job back to the queue. `crashed`: the attempt counts, and a job out of
        attempts fails with `reason`; otherwise (worker shutting down) the attempt is not counted."""

    @abc.abstractmethod
    async def requeue_expired(self, *, now: float | None = None) -> list[Job]:
        """Jobs whose worker stopped renewing its lease: back to the queue, or failed when out of attempts."""

    @abc.abstractmethod
    async def add_event(self, job_id: str, type_: str, data: Mapping[str, Any], *, time: float) -> None: ...

    @abc.abstractmethod
    async def events_since(self, job_id: str, after_seq: int = 0) -> list[JobEvent]: ...

    # --- operators and owners ----------------------------------------------------------------------------
    @abc.abstractmethod
    async def request_cancel(self, job_id: str, *, now: float | None = None) -> Job:
        """Cancel a queued job at once; ask the worker to stop a running one. Finished: `JobStateError`."""

    @abc.abstractmethod
    async def set_paused(self, paused: bool) -> None:
        """A paused queue still accepts jobs but starts none; running jobs go on."""

    @abc.abstractmethod
    async def is_paused(self) -> bool: ...

    @abc.abstractmethod
    async def mark_files_deleted(self, job_id: str, *, now: float | None = None) -> None: ...

    @abc.abstractmethod
    async def gpu_seconds_today(self, owner_id: int, *, now: float | None = None) -> float: ...

    # --- workers on any host (trainer/queue/workers.py) ---------------------------------------------------
    @abc.abstractmethod
    async def register_worker(self, info: WorkerInfo) -> None:
        """Add or refresh a worker (its host, GPU, VRAM, architectures); it is idle and alive."""

    @abc.abstractmethod
    async def worker_seen(
        self,
        worker_id: str,
        *,
        job_id: str | None,
        vram_free_gb: float | None = None,
        now: float | None = None,
    ) -> None:
        """The worker is alive and runs `job_id` (None: idle); optionally its free VRAM now."""

    @abc.abstractmethod
    async def worker_stopped(self, worker_id: str, *, now: float | None = None) -> None: ...

    @abc.abstractmethod
    async def list_workers(self) -> list[WorkerInfo]:
        """Every worker that ever registered (stopped and lost ones too), by host."""

    # --- measured speed (ETAs) -----------------------------------------------------------------------------
    @abc.abstractmethod
    async def record_step_time(self, key: str, s_per_step: float, *, now: float | None = None) -> None:
        """Fold one measured seconds-per-step into the running average for `key` (arch/resolution)."""

    @abc.abstractmethod
    async def step_times(self) -> dict[str, float]: ...

    # --- datasets ----------------------------------------------------------------------------------------
    @abc.abstractmethod
    async def add_dataset(self, dataset: Dataset) -> None: ...

    @abc.abstractmethod
    async def get_dataset(self, dataset_id: str) -> Dataset | None: ...

    @abc.abstractmethod
    async def list_datasets(self, owner_id: int) -> list[Dataset]: ...

    @abc.abstractmethod
    async def delete_dataset(self, dataset_id: str, *, now: float | None = None) -> None: ...

    @abc.abstractmethod
    async def set_dataset_thread(self, dataset_id: str, thread_id: int | None) -> None:
        """Record the dataset's Discord thread (None: it has none any more)."""

    @abc.abstractmethod
    async def dataset_by_thread(self, thread_id: int) -> Dataset | None:
        """The live (not deleted) dataset whose thread this is, if any."""

    @abc.abstractmethod
    async def add_dataset_images(self, images: Sequence[DatasetImage]) -> int:
        """Record uploaded images; an image already in the dataset (same sha256) is skipped. Returns
        how many were new."""

    @abc.abstractmethod
    async def list_dataset_images(self, dataset_id: str) -> list[DatasetImage]: ...

    @abc.abstractmethod
    async def add_caption_version(
        self, dataset_id: str, method: str, captions: Mapping[str, str], *, trigger_word: str = ""
    ) -> CaptionVersion:
        """Store a new captioning pass; it gets the next version number."""

    @abc.abstractmethod
    async def latest_caption_version(self, dataset_id: str) -> CaptionVersion | None: ...
