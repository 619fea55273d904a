"""Workers on any host: what a worker advertises, which jobs fit it, and how it is listed.

A worker registers its host, its GPU (name, total and free VRAM) and the model architectures it
has models for, and renews `heartbeat_at` while it lives (with each job heartbeat, and while idle).
It claims only jobs that fit: a job's `vram_gb` (the advisor's estimate, set at submission) at most
the worker's free VRAM, a job's `arch` among the worker's architectures, and a job's `num_gpus`
(`train.num_processes`) at most the GPUs the worker's jobs see. Unknowns never block: a job without
an estimate fits every worker, and a worker that does not know its VRAM (no `nvidia-smi`), its GPU
count (a CPU worker, whose ranks run on gloo) or lists no architectures takes any job.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerCapacity:
    """What a claim may take: free GPU memory (GB; None unknown), architectures (empty: any) and
    how many GPUs one job may train on (None unknown)."""

    vram_free_gb: float | None = None
    archs: tuple[str, ...] = ()
    gpus: int | None = None

    def filled_from(self, other: WorkerCapacity) -> WorkerCapacity:
        """This capacity, with what it leaves unknown taken from `other`."""
        return WorkerCapacity(
            self.vram_free_gb if self.vram_free_gb is not None else other.vram_free_gb,
            self.archs or other.archs,
            self.gpus if self.gpus is not None else other.gpus,
        )


@dataclass(frozen=True)
class WorkerInfo:
    """One registered worker, as stored (times are Unix timestamps)."""

    id: str
    host: str
    gpu: str | None
    gpu_name: str | None
    vram_total_gb: float | None
    vram_free_gb: float | None
    archs: tuple[str, ...]
    started_at: float
    heartbeat_at: float
    job_id: str | None = None
    stopped_at: float | None = None
    #: GPUs this worker's jobs may train on at once (None: unknown, e.g. a CPU worker).
    gpu_count: int | None = None

    @property
    def capacity(self) -> WorkerCapacity:
        return WorkerCapacity(self.vram_free_gb, self.archs, self.gpu_count)

    @property
    def gpu_label(self) -> str:
        """The GPU as listed: `2x NAME` where one job may train on two (train.num_processes), `CPU`."""
        name = self.gpu_name or "CPU"
        return f"{self.gpu_count}x {name}" if (self.gpu_count or 1) > 1 else name

    def state(self, now: float, lost_after_s: float = 120.0) -> str:
        """`stopped`, `lost` (no heartbeat for `lost_after_s`), `busy` or `idle`."""
        if self.stopped_at is not None:
            return "stopped"
        if now - self.heartbeat_at > lost_after_s:
            return "lost"
        return "busy" if self.job_id else "idle"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["archs"] = list(self.archs)
        return data


def worker_from_row(row: Mapping[str, Any]) -> WorkerInfo:
    return WorkerInfo(
        id=row["id"],
        host=row["host"],
        gpu=row["gpu"],
        gpu_name=row["gpu_name"],
        vram_total_gb=row["vram_total_gb"],
        vram_free_gb=row["vram_free_gb"],
        archs=tuple(json.loads(row["archs_json"] or "[]")),
        started_at=row["started_at"],
        heartbeat_at=row["heartbeat_at"],
        job_id=row["job_id"],
        stopped_at=row["stopped_at"],
        gpu_count=row["gpu_count"],
    )


def fit_clause(capacity: WorkerCapacity | None, placeholder: Any) -> tuple[str, list[Any]]:
    """An SQL condition on `jobs` (starting with " AND", or empty) that keeps the jobs fitting
    `capacity`. `placeholder(n)` spells the n-th extra parameter (`?` for SQLite, `$k` for PostgreSQL)."""
    if capacity is None:
        return "", []
    sql, params = "", []
    if capacity.vram_free_gb is not None:
        params.append(float(capacity.vram_free_gb))
        sql += f" AND (vram_gb IS NULL OR vram_gb <= {placeholder(len(params))})"
    if capacity.archs:
        marks = []
        for arch in capacity.archs:
            params.append(arch)
            marks.append(placeholder(len(params)))
        sql += f" AND (arch IS NULL OR arch IN ({', '.join(marks)}))"
    if capacity.gpus is not None:
        params.append(int(capacity.gpus))
        sql += f" AND num_gpus <= {placeholder(len(params))}"
    return sql, params


def job_fits(job: Any, worker: WorkerInfo) -> bool:
    """Whether `worker` would claim `job` once it is free: `fit_clause` in Python, for the queue's ETAs.
    A busy worker's advertised free VRAM has its own job's share taken out; it is judged by its total."""
    vram = worker.vram_free_gb if worker.job_id is None else worker.vram_total_gb or worker.vram_free_gb
    if job.vram_gb is not None and vram is not None and job.vram_gb > vram:
        return False
    if worker.archs and job.arch is not None and job.arch not in worker.archs:
        return False
    return worker.gpu_count is None or job.num_gpus <= worker.gpu_count


@dataclass(frozen=True)
class GpuStatus:
    name: str | None = None
    vram_total_gb: float | None = None
    vram_free_gb: float | None = None


def query_gpu(gpu: str | None) -> GpuStatus:
    """Name and memory of `gpu` (an index or UUID; None: the first) from `nvidia-smi`, without
    importing torch. A host without it (or a CPU worker) reports nothing: every job then fits."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return GpuStatus()
    cmd = [exe, "--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"]
    if gpu is not None:
        cmd += ["-i", gpu]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=True).stdout
        name, total, free = (part.strip() for part in out.strip().splitlines()[0].split(","))
        return GpuStatus(name, float(total) / 1024, float(free) / 1024)
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as exc:
        log.warning("could not read GPU %s from nvidia-smi (%s); advertising no VRAM limit", gpu, exc)
        return GpuStatus()


def count_gpus(gpu: str | None, configured: int = 0) -> int | None:
    """How many GPUs one job of a worker may train on (`train.num_processes` up to this):
    `configured` (worker.gpu_count) when set; 1 for a worker pinned to one GPU (its jobs see only that
    one); else the GPUs its jobs see: CUDA_VISIBLE_DEVICES when set, or `nvidia-smi -L`. None when it
    sees no GPU: a job's ranks then run on the CPU (gloo), so every job fits."""
    if configured > 0:
        return configured
    if gpu is not None:
        return 1
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return len([d for d in visible.split(",") if d.strip() and d.strip() != "-1"]) or None
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-L"], capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("could not count the GPUs with nvidia-smi (%s); advertising no GPU limit", exc)
        return None
    return sum(1 for line in out.splitlines() if line.startswith("GPU ")) or None


def parse_archs(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """`"sd15,sdxl"` or a list → ("sd15", "sdxl"); empty: any architecture."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(a.strip().lower() for a in items if a.strip())
