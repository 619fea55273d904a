"""The queue's data types: jobs, their progress and results, and the datasets they train on.

Everything here is a plain frozen dataclass so that the bot, the worker and the command line can pass
jobs around without caring which database holds them (see `store.JobStore`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    """Where a job is in its life (a `str` enum). Only `queued` and `running` can still change."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class JobKind(StrEnum):
    """What a job does: train a LoRA (`python -m trainer.run`) or sample a finished one (`trainer.sample`)."""

    TRAIN = "train"
    SAMPLE = "sample"

    @property
    def module(self) -> str:
        """The module the worker runs as `python -m MODULE JOB_DIR`."""
        return "trainer.sample" if self is JobKind.SAMPLE else "trainer.run"


def new_job_id(now: float | None = None) -> str:
    """A job id that sorts by creation time: `YYMMDD-HHMMSS-xxxxxxxx` (32 random bits per second).

    It names the job's folder, so it must stay unique even across a recreated database: folder
    creation refuses an existing name and the store's unique key refuses a known id; both callers
    then draw a new id.
    """
    stamp = time.strftime("%y%m%d-%H%M%S", time.gmtime(time.time() if now is None else now))
    return f"{stamp}-{secrets.token_hex(4)}"


def new_dataset_id() -> str:
    return f"ds-{secrets.token_hex(6)}"


@dataclass(frozen=True)
class JobSpec:
    """What a user asks for: who, where, and the frozen training configuration."""

    owner_id: int
    config: Mapping[str, Any]
    job_dir: str
    name: str = "my_lora"
    guild_id: int | None = None
    channel_id: int | None = None
    dataset_id: str | None = None
    #: Admin priority: picked before everyone else and exempt from the per-user limits and quota.
    priority: bool = False
    #: Filled by `submit_job`; a caller that builds a spec by hand may leave it empty.
    job_id: str = ""
    kind: JobKind = JobKind.TRAIN
    #: A sample job: the training job whose checkpoints it samples.
    source_job_id: str | None = None
    #: A sample job: its length in training-step equivalents (for ETAs before it starts).
    planned_steps: int | None = None
    #: GPU memory the job needs (the advisor's estimate, GB); None: any worker may take it.
    vram_gb: float | None = None
    #: The model architecture (sd15, sdxl ...); None: any worker may take it.
    arch: str | None = None
    #: GPUs the job trains on at once (`train.num_processes`); only a worker with that many takes it.
    num_gpus: int = 1

    @property
    def config_version(self) -> int:
        return int(self.config.get("config_version", 1))


@dataclass(frozen=True)
class Progress:
    """The latest training progress of a job, from its `step` events."""

    step: int = 0
    total: int = 0
    loss: float | None = None
    eta_s: float | None = None
    s_per_step: float | None = None
    updated_at: float | None = None

    @property
    def fraction(self) -> float:
        return self.step / self.total if self.total else 0.0


@dataclass(frozen=True)
class JobResult:
    """How a job ended: output files on success; kind, message, cause, fix and log tail on failure."""

    output: str | None = None
    files: tuple[str, ...] = ()
    error_kind: str | None = None
    error_message: str | None = None
    cause: str | None = None
    fix: str | None = None
    rule_ids: tuple[str, ...] = ()
    log_tail: str | None = None


@dataclass(frozen=True)
class Job:
    """One stored job, as read from the store."""

    id: str
    owner_id: int
    guild_id: int | None
    channel_id: int | None
    dataset_id: str | None
    name: str
    config: Mapping[str, Any]
    config_version: int
    priority: bool
    status: JobStatus
    attempts: int
    max_attempts: int
    job_dir: str
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    worker_id: str | None = None
    lease_until: float | None = None
    cancel_requested: bool = False
    gpu_seconds: float = 0.0
    progress: Progress = field(default_factory=Progress)
    result: JobResult | None = None
    #: Set when the owner deleted the job's files (or retention did).
    files_deleted_at: float | None = None
    kind: JobKind = JobKind.TRAIN
    source_job_id: str | None = None
    planned_steps: int | None = None
    vram_gb: float | None = None
    arch: str | None = None
    num_gpus: int = 1

    @property
    def finished(self) -> bool:
        return self.status.finished


@dataclass(frozen=True)
class JobEvent:
    """A notable event of a job (start, sample, checkpoint, retry, done, error ...), for the bot."""

    seq: int
    job_id: str
    time: float
    type: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class HeartbeatReply:
    """What a worker learns when it renews its lease."""

    #: False when the job is no longer this worker's (its lease expired and someone else took it).
    lease_held: bool
    cancel_requested: bool


@dataclass(frozen=True)
class Dataset:
    id: str
    owner_id: int
    guild_id: int | None
    name: str
    prepared_dir: str
    created_at: float
    deleted_at: float | None = None
    #: Only the owner (and admins) may see a private dataset; set at creation.
    private: bool = True
    #: The Discord thread whose image posts go into this dataset (None: no thread).
    thread_id: int | None = None


@dataclass(frozen=True)
class DatasetImage:
    """One uploaded image; `sha256` is its content address (the raw file's name)."""

    dataset_id: str
    sha256: str
    filename: str
    width: int
    height: int
    size_bytes: int
    added_at: float


@dataclass(frozen=True)
class CaptionVersion:
    """One captioning pass over a dataset (versions count up from 1; the newest one is used)."""

    dataset_id: str
    version: int
    method: str
    captions: Mapping[str, str]
    trigger_word: str = ""
    created_at: float = 0.0


class JobNotFound(LookupError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"no job with id {job_id!r}; `loracord queue list` shows the ids")
        self.job_id = job_id


class JobStateError(RuntimeError):
    """The job cannot do that in its current status (cancel a finished job, delete a running one)."""

    def __init__(self, job_id: str, status: JobStatus, message: str) -> None:
        super().__init__(f"job {job_id} is {status.value}: {message}")
        self.job_id = job_id
        self.status = status
