"""The job store as seen by a host that shares only the database and the artifact store.

`SharedStore` wraps a `JobStore` (normally PostgreSQL) and an `ArtifactStore` (normally S3) so that
the bot, the command line and `Worker` run unchanged on any host:

- `enqueue` publishes the job folder's inputs (content-addressed) before the job is queued, so any
  host can rebuild it;
- `claim` registers the worker (its GPU, free VRAM, architectures) on first use, claims only jobs
  that fit it, and rebuilds the claimed job's folder on this host from the artifact store — inputs
  through the host's LRU cache, plus the newest checkpoint any host uploaded — then hands the worker
  the job with its local folder;
- `heartbeat` also marks the worker alive and uploads new complete checkpoints in the background;
- `release` and `finish` upload the last checkpoints (and, at the end, the results) before the
  database records the outcome, and map result paths back to the job's own folder name, so the
  bot finds `jobs/<id>/output/...` in the artifact store under the same relative path;
- a sample job's run (a finished training job, maybe trained and submitted on other hosts) comes with
  it: `claim` rebuilds the run here without its optimizer states, fetches every uploaded checkpoint's
  LoRA file and the final LoRA, and points the sample request at that copy; `weight_steps` tells the
  submitting side which steps the artifact store holds;
- `finish` then removes this host's copy of the job (everything in it is in the artifact store), and
  `remove_finished_copies` (run with retention) removes copies left by a crash or by a job that
  another host finished after this one released it. A job's own folder (submitted on this host) is
  never a copy: retention and its owner decide about it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.artifacts.base import ArtifactConfigError, ArtifactStore, ArtifactUnavailable
from trainer.artifacts.cache import InputCache
from trainer.artifacts.jobsync import (
    CheckpointUploader,
    download_results,
    fetch_weights,
    is_rebuilt_copy,
    job_prefix,
    materialize_job,
    publish_job,
    remote_weight_steps,
    upload_results,
)
from trainer.job_paths import JOBS_FOLDER, JobPaths
from trainer.queue.options import QueueLimits
from trainer.queue.samplereq import SampleRequestError, load_request
from trainer.queue.store import JobStore, StoreUnavailable
from trainer.queue.types import HeartbeatReply, Job, JobKind, JobNotFound, JobResult, JobSpec, JobStatus
from trainer.queue.workers import WorkerCapacity, WorkerInfo, query_gpu

log = logging.getLogger(__name__)

#: An idle worker refreshes its registry row at most this often.
IDLE_SEEN_EVERY_S = 10.0


@dataclass(frozen=True)
class HostOptions:
    """This host's side of a worker: its data folder, GPU, models and VRAM override."""

    data_dir: Path
    gpu: str | None = None
    archs: tuple[str, ...] = ()
    #: GPU memory to advertise (GB); 0: read it from nvidia-smi.
    vram_gb: float = 0.0
    cache_bytes: int = 20 * 2**30


class SharedStore:
    """A `JobStore` (every method passes through) with the artifact store joined in; see above."""

    def __init__(self, store: JobStore, artifacts: ArtifactStore, host: HostOptions) -> None:
        self._store = store
        self.artifacts = artifacts
        self.host = host
        self.cache = InputCache(Path(host.data_dir) / "cache" / "inputs", host.cache_bytes)
        self._registered: set[str] = set()
        self._capacity: WorkerCapacity | None = None
        self._seen_at = 0.0
        self._jobs: dict[str, tuple[str, Path, CheckpointUploader]] = {}
        self._syncing: dict[str, asyncio.Task] = {}
        self._fetched: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def __aenter__(self) -> SharedStore:
        await self._store.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for worker_id in self._registered:
            await self._store.worker_stopped(worker_id)
        await self._store.close()

    # --- submitting ---------------------------------------------------------------------------------
    async def enqueue(self, spec: JobSpec, limits: QueueLimits, **kw: Any) -> Job:
        if spec.job_id and Path(spec.job_dir).is_dir():
            await asyncio.to_thread(publish_job, self.artifacts, Path(spec.job_dir), spec.job_id)
        return await self._store.enqueue(spec, limits, **kw)

    async def get_job(self, job_id: str) -> Job:
        """The job; a finished one's results are fetched into its folder when that folder is on this
        host (the bot's side of layout 2: attachments, sizes and links then work as on one host)."""
        job = await self._store.get_job(job_id)
        if job.finished and job_id not in self._fetched and job_id not in self._jobs:
            self._fetched.add(job_id)
            if Path(job.job_dir).is_dir():
                try:
                    got = await asyncio.to_thread(download_results, self.artifacts, job_id, Path(job.job_dir))
                    log.info("job %s: %d result files fetched from the artifact store", job_id, len(got))
                except (ArtifactUnavailable, ArtifactConfigError, OSError) as exc:
                    self._fetched.discard(job_id)  # the next look tries again
                    log.error("job %s: results could not be fetched (%s); will retry", job_id, exc)
        return job

    # --- the worker's side ----------------------------------------------------------------------------
    async def register(self, worker_id: str, gpu_count: int | None = None) -> WorkerCapacity:
        gpu = await asyncio.to_thread(query_gpu, self.host.gpu)
        free = self.host.vram_gb or gpu.vram_free_gb
        now = time.time()
        info = WorkerInfo(
            id=worker_id,
            host=socket.gethostname(),
            gpu=self.host.gpu,
            gpu_name=gpu.name,
            vram_total_gb=self.host.vram_gb or gpu.vram_total_gb,
            vram_free_gb=free,
            archs=self.host.archs,
            started_at=now,
            heartbeat_at=now,
            gpu_count=gpu_count,
        )
        await self._store.register_worker(info)
        self._registered.add(worker_id)
        self._capacity = info.capacity
        log.info(
            "worker %s registered: %s, %s GB free, models %s",
            worker_id,
            gpu.name or "no GPU",
            free,
            self.host.archs or "any",
        )
        return info.capacity

    async def claim(self, worker_id: str, lease_seconds: float, limits: QueueLimits, **kw: Any) -> Job | None:
        # The worker knows its GPU count (`Worker`); this host adds its free VRAM and architectures.
        asked: WorkerCapacity | None = kw.get("capacity")
        gpus = asked.gpus if asked is not None else None
        capacity = self._capacity if worker_id in self._registered else await self.register(worker_id, gpus)
        kw["capacity"] = capacity if asked is None else asked.filled_from(capacity)
        job = await self._store.claim(worker_id, lease_seconds, limits, **kw)
        if job is None:
            if time.monotonic() - self._seen_at >= IDLE_SEEN_EVERY_S:
                self._seen_at = time.monotonic()
                await self._store.worker_seen(worker_id, job_id=None)
            return None
        await self._store.worker_seen(worker_id, job_id=job.id)
        jobs_dir = Path(self.host.data_dir) / JOBS_FOLDER
        try:
            local = await asyncio.to_thread(materialize_job, self.artifacts, self.cache, job.id, jobs_dir)
            if job.kind is JobKind.SAMPLE:
                await asyncio.to_thread(self._bring_run_to_sample, local, jobs_dir)
        except KeyError:
            return job  # submitted without the artifact store: its folder is wherever it was made
        except (ArtifactUnavailable, ArtifactConfigError, OSError) as exc:
            # Not this job's fault: it goes back uncounted and the worker waits like for a lost database.
            await self._store.release(
                job.id, worker_id, reason=f"could not fetch its files: {exc}", crashed=False
            )
            raise StoreUnavailable(f"artifact store: {exc}") from exc
        uploader = await asyncio.to_thread(CheckpointUploader, self.artifacts, job.id, local)
        self._jobs[job.id] = (job.job_dir, local, uploader)
        return dataclasses.replace(job, job_dir=str(local))

    def _bring_run_to_sample(self, sample_dir: Path, jobs_dir: Path) -> None:
        """The run a sample job draws from, on this host: used in place when it is in this host's jobs
        folder (submitted here), else rebuilt from the artifact store (inputs, config; no optimizer state).
        Either way the checkpoints' weights uploaded by the hosts that trained it are fetched, as the
        request may name any step the artifact store holds."""
        try:
            request = load_request(sample_dir)
        except SampleRequestError:
            return  # the worker's start check fails the job with that message
        if not request.source_job_id:
            return
        run = Path(request.source_run)
        here = run.resolve().is_relative_to(jobs_dir.resolve()) and JobPaths(run).config.is_file()
        if not here:
            run = materialize_job(self.artifacts, self.cache, request.source_job_id, jobs_dir, resume=False)
            dataclasses.replace(request, source_run=str(run)).save(sample_dir)
        fetch_weights(self.artifacts, request.source_job_id, run)

    async def weight_steps(self, job_id: str) -> list[int]:
        """Steps whose LoRA weights the artifact store holds for `job_id` (uploaded checkpoints)."""
        return await asyncio.to_thread(remote_weight_steps, self.artifacts, job_id)

    async def heartbeat(self, job_id: str, worker_id: str, lease_seconds: float, **kw: Any) -> HeartbeatReply:
        reply = await self._store.heartbeat(job_id, worker_id, lease_seconds, **kw)
        if reply.lease_held:
            await self._store.worker_seen(worker_id, job_id=job_id)
            task = self._syncing.get(job_id)
            if job_id in self._jobs and (task is None or task.done()):
                self._syncing[job_id] = asyncio.create_task(self._sync_checkpoints(job_id))
        return reply

    async def _sync_checkpoints(self, job_id: str) -> None:
        uploader = self._jobs[job_id][2]
        try:
            for name in await asyncio.to_thread(uploader.sync):
                log.info("job %s: checkpoint %s uploaded", job_id, name)
        except (ArtifactUnavailable, ArtifactConfigError, OSError) as exc:  # the next heartbeat tries again
            log.error("job %s: checkpoint upload failed (%s); will retry", job_id, exc)

    async def _settle(self, job_id: str, results: bool) -> None:
        """Finish the background upload, then upload what is left (and the results)."""
        task = self._syncing.pop(job_id, None)
        if task is not None:
            await task
        if job_id in self._jobs:
            await self._sync_checkpoints(job_id)
            if results:
                await asyncio.to_thread(upload_results, self.artifacts, job_id, self._jobs[job_id][1])

    def _as_submitted(self, job_id: str, result: JobResult) -> JobResult:
        """Result paths under this host's folder → the same relative path under the job's own folder."""
        if job_id not in self._jobs:
            return result
        original, local, _ = self._jobs[job_id]

        def move(path: str | None) -> str | None:
            if path and Path(path).is_relative_to(local):
                return str(Path(original) / Path(path).relative_to(local))
            return path

        return dataclasses.replace(result, output=move(result.output))

    async def finish(
        self, job_id: str, worker_id: str, status: JobStatus, result: JobResult, **kw: Any
    ) -> Job:
        await self._settle(job_id, results=True)
        job = await self._store.finish(job_id, worker_id, status, self._as_submitted(job_id, result), **kw)
        await self._store.worker_seen(worker_id, job_id=None)
        claimed = self._jobs.pop(job_id, None)
        if claimed is not None and is_rebuilt_copy(claimed[1]):
            await asyncio.to_thread(_remove_copy, claimed[1])
        return job

    async def remove_finished_copies(self) -> list[str]:
        """Remove this host's copies of jobs that have ended (or are gone from the store); a released
        job's copy stays while it is queued, as this host may claim it again. Returns the job ids."""
        jobs_dir = Path(self.host.data_dir) / JOBS_FOLDER
        folders = sorted(jobs_dir.iterdir()) if jobs_dir.is_dir() else []
        copies = [f for f in folders if f.name not in self._jobs and is_rebuilt_copy(f)]
        if not copies:  # the submitting host has none: no query
            return []
        # A finished run that a queued or running sample job draws from stays while it may be sampled.
        active = await self._store.list_jobs(statuses=[JobStatus.QUEUED, JobStatus.RUNNING], limit=1_000_000)
        sampled = {j.source_job_id for j in active if j.source_job_id}
        removed = []
        for folder in copies:
            if folder.name in sampled:
                continue
            try:
                ended = (await self._store.get_job(folder.name)).finished
            except JobNotFound:
                ended = True
            if ended:
                await asyncio.to_thread(_remove_copy, folder)
                removed.append(folder.name)
        return removed

    def forget_artifacts(self, job_id: str) -> int:
        """Delete the job's own keys in the artifact store (checkpoints, results, manifest; inputs are
        shared blobs and stay); returns how many went. For retention, when the job's files expire."""
        return self.artifacts.delete_prefix(job_prefix(job_id))

    async def release(self, job_id: str, worker_id: str, **kw: Any) -> Job:
        await self._settle(job_id, results=False)
        job = await self._store.release(job_id, worker_id, **kw)
        await self._store.worker_seen(worker_id, job_id=None)
        self._jobs.pop(job_id, None)
        return job


def _remove_copy(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    log.info("removed this host's copy of job %s (its files are in the artifact store)", folder.name)
