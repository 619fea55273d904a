"""The worker: claims jobs, runs each as a child process on its GPU, and records how it ended.

One worker owns one GPU and runs one job at a time. While a job runs the worker renews its lease
(heartbeat), copies progress from JOB_DIR/events.jsonl into the store, and watches for a cancel, the
per-job timeout and its own shutdown. A job whose child is killed or crashes is put back in the queue
and resumes from its last checkpoint, up to `max_attempts`; a job whose worker dies is put back by
the next claim once its lease has expired.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import statistics
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from config.training import ConfigError, from_dict
from trainer.job_paths import JobPaths
from trainer.queue import eta, failures, retention
from trainer.queue.child import EventTail, TrainingChild
from trainer.queue.jobdir import dataset_problem, finished_output
from trainer.queue.options import WorkerOptions
from trainer.queue.samplejob import sample_problem
from trainer.queue.store import JobStore, StoreUnavailable
from trainer.queue.types import Job, JobKind, JobResult, JobStateError, JobStatus, Progress
from trainer.queue.workers import WorkerCapacity, count_gpus

log = logging.getLogger(__name__)

#: Events copied into the store for the bot (step events only update the job's progress).
NOTABLE_EVENTS = ("start", "sample", "checkpoint", "done", "stopped", "error")
#: Progress is written at most this often (the child may log many steps per second).
PROGRESS_EVERY_S = 1.0
EXIT_STOPPED = 3
#: How often a worker applies the retention policy (also whenever the disk is too full to start a job).
RETENTION_EVERY_S = 600.0


class _Run:
    """What the monitor learned about one attempt of a job."""

    def __init__(self) -> None:
        self.reason: str | None = None  # cancel | timeout | shutdown | lost
        self.events: list[dict[str, Any]] = []
        self.step_times: list[float] = []
        self.arch: str | None = None
        self.last_step = 0
        self.total = 0
        #: The newest progress not yet written to the store (writes are throttled).
        self.pending: Progress | None = None

    def last(self, kind: str) -> dict[str, Any] | None:
        return next((e for e in reversed(self.events) if e.get("type") == kind), None)


class Worker:
    def __init__(
        self,
        store: JobStore,
        options: WorkerOptions,
        *,
        worker_id: str | None = None,
        diagnose: failures.Diagnoser | None = None,
    ) -> None:
        self.store = store
        self.options = options
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:gpu{options.gpu or '-'}"
        self.diagnose = diagnose
        self._shutdown = asyncio.Event()
        #: Set when the data disk is too full to start a job; the worker waits (burst mode: returns).
        self.disk_blocked: str | None = None
        self._retention_at = float("-inf")
        #: What this worker can take (its GPU count), learned at the first claim.
        self._capacity: WorkerCapacity | None = None

    # --- loops ----------------------------------------------------------------------------------------
    def request_shutdown(self) -> None:
        """Stop after the current job: it is stopped at its next step, checkpointed and re-queued."""
        self._shutdown.set()

    async def run_forever(self) -> None:
        log.info("worker %s started (gpu %s)", self.worker_id, self.options.gpu or "default")
        while not self._shutdown.is_set():
            try:
                job = await self.run_next()
            except StoreUnavailable as exc:
                # The job (if one was claimed) keeps its lease until it expires and is re-queued.
                log.error("worker %s: %s; trying again", self.worker_id, exc)
                await self._idle(self.options.idle_seconds * 10)
                continue
            if job is None or self.disk_blocked:
                # A full disk does not fill up again in a second: look less often.
                await self._idle(self.options.idle_seconds * (30 if self.disk_blocked else 1))

    async def run_until_empty(self) -> list[Job]:
        """Burst mode: run jobs until none is queued or running (here or on another worker), then return
        the jobs this worker handled, as they ended. Returns early when the queue is paused, when the
        remaining jobs must wait (limits, quota), or when the disk is too full to start one."""
        handled: list[Job] = []
        while not self._shutdown.is_set():
            job = await self.run_next()
            if job is not None:
                handled.append(job)
                if not self.disk_blocked:
                    continue
            if self.disk_blocked or await self.store.is_paused():
                break
            if await self.store.count_jobs(JobStatus.RUNNING) == 0:
                break  # nothing claimable and nobody running whose lease could expire
            await self._idle(self.options.idle_seconds)
        return handled

    async def _idle(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._shutdown.wait(), seconds)
        except TimeoutError:
            return

    async def run_next(self) -> Job | None:
        """Claim one job and run it to its end; None when nothing was claimable."""
        o = self.options
        if time.monotonic() - self._retention_at >= RETENTION_EVERY_S:
            await self.apply_retention()
        if self._capacity is None:
            gpus = await asyncio.to_thread(count_gpus, o.gpu, o.gpu_count)
            self._capacity = WorkerCapacity(gpus=gpus)
            log.info("worker %s: jobs may train on %s GPU(s)", self.worker_id, gpus or "any number of")
        # A job needing more GPUs than this worker has waits for one that has them.
        job = await self.store.claim(self.worker_id, o.lease_seconds, o.queue.limits, capacity=self._capacity)
        if job is None:
            return None
        log.info(
            "worker %s claimed job %s (attempt %d of %d)",
            self.worker_id,
            job.id,
            job.attempts,
            job.max_attempts,
        )
        return await self.run_job(job)

    # --- one job ----------------------------------------------------------------------------------------
    async def run_job(self, job: Job) -> Job:
        job_dir = Path(job.job_dir)
        check = sample_problem if job.kind is JobKind.SAMPLE else dataset_problem
        problem = await asyncio.to_thread(check, job_dir)
        if problem:
            return await self._fail(job, "data", problem, log_text="", events=[])
        done = await asyncio.to_thread(finished_output, job_dir)
        if done is not None:
            log.info("job %s had already finished training; recording its output", job.id)
            return await self._succeed(job, done)
        low = self._disk_problem(job_dir)
        if low:
            await self.apply_retention()
            low = self._disk_problem(job_dir)
        if low:
            self.disk_blocked = low
            log.error("worker %s: %s", self.worker_id, low)
            return await self.store.release(job.id, self.worker_id, reason=low, crashed=False)
        self.disk_blocked = None

        header = f"attempt {job.attempts} of {job.max_attempts} on worker {self.worker_id} at {time.ctime()}"
        # Where this attempt's events begin: taken before the child starts, which may write its first
        # events (start, even done) before the worker's next line runs on a loaded machine.
        tail = EventTail(JobPaths(job.job_dir).events, from_end=True)
        child = await TrainingChild.start(
            job_dir, python=self.options.python, gpu=self.options.gpu, header=header, module=job.kind.module
        )
        run = _Run()
        try:
            data = {"pid": child.pid, "gpu": self.options.gpu, "attempt": job.attempts}
            await self.store.add_event(job.id, "spawned", data, time=time.time())
            rc = await self._monitor(job, child, run, tail)
        finally:
            if child.returncode is None:  # cancelled from outside (the worker's own task): never orphan it
                child.kill()
                await child.wait(10)
            child.cleanup()
        return await self._conclude(job, run, rc)

    async def apply_retention(self) -> retention.RetentionReport:
        self._retention_at = time.monotonic()
        report = await retention.apply_retention(self.store, self.options.queue)
        retention.log_report(report)
        return report

    def _disk_problem(self, job_dir: Path) -> str | None:
        need = self.options.min_free_disk_gb
        free = shutil.disk_usage(job_dir).free / 1e9
        if free >= need:
            return None
        return (
            f"only {free:.1f} GB free on the data disk, jobs need {need:g} GB (worker.min_free_disk_gb); "
            "no job starts until an operator frees space"
        )

    async def _monitor(self, job: Job, child: TrainingChild, run: _Run, tail: EventTail) -> int:
        o = self.options
        started = time.monotonic()
        next_beat = started + o.heartbeat_seconds
        stop_deadline: float | None = None
        last_progress = 0.0
        while True:
            rc = await child.wait(o.poll_seconds)
            try:
                last_progress = await self._absorb(
                    job, run, tail.read_new(), last_progress, final=rc is not None
                )
            except StoreUnavailable as exc:
                # Progress catches up at the next write; the events stay in JOB_DIR/events.jsonl.
                log.error("could not record progress of job %s: %s", job.id, exc)
            if rc is not None:
                return rc
            now = time.monotonic()
            if now >= next_beat:
                next_beat = now + o.heartbeat_seconds
                try:
                    reply = await self.store.heartbeat(job.id, self.worker_id, o.lease_seconds)
                except StoreUnavailable as exc:
                    # Training goes on; if the lease runs out meanwhile, the next heartbeat says so.
                    log.error("heartbeat of job %s failed: %s", job.id, exc)
                    continue
                if not reply.lease_held:
                    log.error(
                        "worker %s lost the lease of job %s; stopping its child", self.worker_id, job.id
                    )
                    run.reason = "lost"
                    child.kill()
                    continue
                if reply.cancel_requested and run.reason is None:
                    run.reason = "cancel"
            if run.reason is None and o.job_timeout_seconds and now - started >= o.job_timeout_seconds:
                run.reason = "timeout"
            if run.reason is None and self._shutdown.is_set():
                run.reason = "shutdown"
            if run.reason is not None and stop_deadline is None:
                child.request_stop()
                stop_deadline = now + o.cancel_grace_seconds
            if stop_deadline is not None and now >= stop_deadline and not child.killed:
                log.warning("job %s did not stop within %gs; killing it", job.id, o.cancel_grace_seconds)
                child.kill()

    async def _absorb(
        self, job: Job, run: _Run, events: list[dict[str, Any]], last_write: float, *, final: bool
    ) -> float:
        for event in events:
            kind = event["type"]
            run.events.append(event)
            if kind == "start":
                run.arch = event.get("arch") if isinstance(event.get("arch"), str) else None
            if kind == "step":
                progress = _progress_of(event)
                run.pending = progress
                run.last_step, run.total = progress.step, progress.total
                if progress.s_per_step:
                    run.step_times.append(progress.s_per_step)
            if kind in NOTABLE_EVENTS:
                await self.store.add_event(job.id, kind, event, time=float(event.get("time", time.time())))
        now = time.monotonic()
        if run.pending is not None and (final or now - last_write >= PROGRESS_EVERY_S):
            await self.store.update_progress(job.id, self.worker_id, run.pending)
            run.pending = None
            return now
        return last_write

    async def _conclude(self, job: Job, run: _Run, rc: int) -> Job:
        if run.reason == "lost":
            return await self.store.get_job(job.id)
        await self._record_speed(job, run)
        done, error = run.last("done"), run.last("error")
        at = f"at step {run.last_step} of {run.total}" if run.total else "before its first step"
        if rc == 0 and done is not None:
            return await self._succeed(job, done)
        if run.reason == "cancel" or (rc == EXIT_STOPPED and run.reason is None):
            result = JobResult(error_kind="cancelled", error_message=f"cancelled on request {at}")
            return await self._finish(job, JobStatus.CANCELLED, result)
        if run.reason == "timeout":
            minutes = self.options.job_timeout_seconds / 60
            message = f"stopped by the per-job time limit of {minutes:g} min {at}"
            return await self._fail(job, "timeout", message, events=run.events)
        if run.reason == "shutdown":
            return await self.store.release(job.id, self.worker_id, reason="worker shut down", crashed=False)
        if error is not None:
            kind = str(error.get("kind") or "internal")
            return await self._fail(
                job, kind, str(error.get("message") or "training failed"), events=run.events
            )
        reason = f"the training process {failures.describe_exit(rc)} {at}"
        if job.attempts >= job.max_attempts:
            message = f"{reason}; gave up after {job.attempts} attempt(s)"
            return await self._fail(job, "crash", message, events=run.events)
        log.warning("job %s: %s; re-queued to resume from its last checkpoint", job.id, reason)
        return await self.store.release(job.id, self.worker_id, reason=reason, crashed=True)

    async def _record_speed(self, job: Job, run: _Run) -> None:
        if not run.step_times or job.kind is not JobKind.TRAIN:
            return
        arch = run.arch or str(job.config.get("model_arch", "auto"))
        key = eta.step_key(arch, int(job.config.get("resolution", 512)))
        await self.store.record_step_time(key, statistics.median(run.step_times))

    async def _succeed(self, job: Job, done: Mapping[str, Any]) -> Job:
        files = tuple(str(f) for f in done.get("files", []) if isinstance(f, str))
        result = JobResult(output=str(Path(job.job_dir) / str(done.get("output"))), files=files)
        return await self._finish(job, JobStatus.SUCCEEDED, result)

    async def _fail(
        self, job: Job, kind: str, message: str, *, events: list[dict[str, Any]], log_text: str | None = None
    ) -> Job:
        if log_text is None:
            log_text = await asyncio.to_thread(failures.log_tail, JobPaths(job.job_dir).train_log)
        try:
            config: Any = from_dict(job.config)
        except ConfigError:
            config = None  # a config this loracord cannot read any more: diagnose from the log alone
        # The message leads the log: "was killed by SIGKILL" is evidence the diagnoser reads too.
        evidence = f"{message}\n{log_text}" if log_text else message
        verdict = await asyncio.to_thread(
            failures.classify, kind, evidence, events, config, diagnose=self.diagnose
        )
        await asyncio.to_thread(failures.save_diagnosis, Path(job.job_dir), verdict)
        result = JobResult(
            error_kind=verdict.kind,
            error_message=message,
            cause=verdict.cause,
            fix=verdict.fix,
            rule_ids=verdict.rule_ids,
            log_tail=log_text or None,
        )
        log.warning("job %s failed (%s): %s", job.id, verdict.kind, message)
        return await self._finish(job, JobStatus.FAILED, result)

    async def _finish(self, job: Job, status: JobStatus, result: JobResult) -> Job:
        try:
            return await self.store.finish(job.id, self.worker_id, status, result)
        except JobStateError as exc:
            # The lease ran out while we were finishing; whoever holds the job now decides its end.
            log.error("could not record the end of job %s: %s", job.id, exc)
            return await self.store.get_job(job.id)


def _progress_of(event: Mapping[str, Any]) -> Progress:
    def num(key: str) -> float | None:
        value = event.get(key)
        return float(value) if isinstance(value, int | float) else None

    return Progress(
        step=int(event.get("step") or 0),
        total=int(event.get("total") or 0),
        loss=num("loss"),
        eta_s=num("eta_s"),
        s_per_step=num("s_per_step"),
        updated_at=num("time") or time.time(),
    )
