"""Explicit options for the queue and the worker, built from `config.settings.Settings` once.

The queue code takes these small dataclasses rather than the whole settings object, so that tests and
the benchmark can set exactly what they need and the code never reaches for a global.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.secrets import Secret
from trainer.artifacts.base import ArtifactOptions
from trainer.job_paths import JOBS_FOLDER

_GPU = re.compile(r"^(\d+|(GPU|MIG)-[0-9A-Za-z-]+)$")


def _get(section: Any, name: str, default: Any) -> Any:
    # A settings section may predate a key added here; its default then applies.
    return getattr(section, name, default) if section is not None else default


@dataclass(frozen=True)
class QueueLimits:
    """Fair-sharing limits. 0 means "no limit" for every count and for the quota."""

    max_queued_jobs_per_user: int = 3
    max_running_jobs_per_user: int = 1
    max_queued_jobs_per_guild: int = 20
    daily_gpu_minutes_per_user: float = 0.0
    #: Jobs of one guild running at once (jobs without a guild are not counted). Last, so positional
    #: `QueueLimits(0, 0, 0, 0)` keeps meaning "no limits"; 0 here too, the settings default is 2.
    max_running_jobs_per_guild: int = 0

    @classmethod
    def from_settings(cls, settings: Any) -> QueueLimits:
        lim = getattr(settings, "limits", None)
        d = cls()
        return cls(
            max_queued_jobs_per_user=int(_get(lim, "max_queued_jobs_per_user", d.max_queued_jobs_per_user)),
            max_running_jobs_per_user=int(
                _get(lim, "max_running_jobs_per_user", d.max_running_jobs_per_user)
            ),
            max_queued_jobs_per_guild=int(
                _get(lim, "max_queued_jobs_per_guild", d.max_queued_jobs_per_guild)
            ),
            daily_gpu_minutes_per_user=float(
                _get(lim, "daily_gpu_minutes_per_user", d.daily_gpu_minutes_per_user)
            ),
            max_running_jobs_per_guild=int(
                _get(lim, "max_running_jobs_per_guild", d.max_running_jobs_per_guild)
            ),
        )


@dataclass(frozen=True)
class QueueOptions:
    """Where the queue lives and how it shares; what the bot and the command line need."""

    data_dir: Path = Path("data")
    #: `storage.database_url`; a plain string is taken too (tests, the benchmark) and held as a Secret.
    database_url: Secret = field(default_factory=Secret)
    sqlite_wal: bool = True
    limits: QueueLimits = field(default_factory=QueueLimits)
    max_attempts: int = 3
    retention_days: float = 30.0
    artifacts_budget_gb: float = 0.0
    #: Where job files live across hosts (`storage.artifacts_url` ...); empty url: this host only.
    artifacts: ArtifactOptions = field(default_factory=ArtifactOptions)

    def __post_init__(self) -> None:
        url = self.database_url
        object.__setattr__(self, "database_url", url if isinstance(url, Secret) else Secret(str(url or "")))

    @property
    def jobs_dir(self) -> Path:
        return Path(self.data_dir) / JOBS_FOLDER

    @classmethod
    def from_settings(cls, settings: Any) -> QueueOptions:
        storage = getattr(settings, "storage", None)
        worker = getattr(settings, "worker", None)
        lim = getattr(settings, "limits", None)
        d = cls()
        return cls(
            data_dir=Path(_get(storage, "data_dir", d.data_dir)),
            database_url=_get(storage, "database_url", d.database_url) or Secret(),
            sqlite_wal=bool(_get(storage, "sqlite_wal", d.sqlite_wal)),
            limits=QueueLimits.from_settings(settings),
            max_attempts=int(_get(worker, "max_attempts", d.max_attempts)),
            retention_days=float(_get(lim, "retention_days", d.retention_days)),
            artifacts_budget_gb=float(_get(lim, "artifacts_budget_gb", d.artifacts_budget_gb)),
            artifacts=ArtifactOptions.from_settings(settings),
        )


def parse_gpus(value: Any) -> list[str]:
    """`"0,1"`, `[0, 1]` or `""` (no GPU: one worker on the CPU) → `["0", "1"]` / `[]`."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    gpus = [g.strip() for g in items if g.strip()]
    for g in gpus:
        if not _GPU.match(g):
            raise ValueError(f"worker.gpus: {g!r} is not a GPU; use indices like 0,1 or GPU-/MIG- UUIDs")
    if len(set(gpus)) != len(gpus):
        raise ValueError(f"worker.gpus: {','.join(gpus)} names a GPU twice; jobs never share a GPU")
    return gpus


@dataclass(frozen=True)
class WorkerOptions:
    """How one worker runs jobs. Times are in seconds."""

    queue: QueueOptions = field(default_factory=QueueOptions)
    #: The GPU this worker owns (CUDA_VISIBLE_DEVICES for its children); None: leave it unset.
    gpu: str | None = None
    lease_seconds: float = 60.0
    heartbeat_seconds: float = 10.0
    #: 0: no timeout.
    job_timeout_seconds: float = 0.0
    cancel_grace_seconds: float = 30.0
    min_free_disk_gb: float = 2.0
    #: How often the worker looks at the child's events and the store while a job runs.
    poll_seconds: float = 0.25
    #: How long an idle worker sleeps between claims (burst mode too, while others still run).
    idle_seconds: float = 1.0
    #: The interpreter that runs `-m trainer.run`; None: this one.
    python: str | None = None
    #: Model families this host has base models for (claims only those jobs); empty: any.
    archs: tuple[str, ...] = ()
    #: GPU memory to advertise (GB); 0: read it from nvidia-smi.
    vram_gb: float = 0.0
    #: GPUs one job may train on (claims jobs with `num_processes` up to it); 0: counted
    #: (`workers.count_gpus`: 1 when pinned to `gpu`, else the GPUs this host's jobs see).
    gpu_count: int = 0

    @classmethod
    def from_settings(cls, settings: Any, gpu: str | None = None) -> WorkerOptions:
        w = getattr(settings, "worker", None)
        d = cls()
        return cls(
            queue=QueueOptions.from_settings(settings),
            gpu=gpu,
            lease_seconds=float(_get(w, "lease_seconds", d.lease_seconds)),
            heartbeat_seconds=float(_get(w, "heartbeat_seconds", d.heartbeat_seconds)),
            job_timeout_seconds=60.0 * float(_get(w, "job_timeout_minutes", 0) or 0),
            cancel_grace_seconds=float(_get(w, "cancel_grace_seconds", d.cancel_grace_seconds)),
            min_free_disk_gb=float(_get(w, "min_free_disk_gb", d.min_free_disk_gb)),
            python=str(_get(w, "python_executable", "") or "") or None,
            archs=tuple(str(a).strip().lower() for a in _get(w, "archs", ()) or () if str(a).strip()),
            vram_gb=float(_get(w, "vram_gb", 0.0) or 0.0),
            gpu_count=int(_get(w, "gpu_count", 0) or 0),
        )
