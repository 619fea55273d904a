"""`JobStore` on PostgreSQL (asyncpg): the backend for workers on several hosts.

The same rules as the SQLite store, from the same code: submission checks are
`fairness.check_submission`, the claim order is `fairness.rank` (whose first element is what
`fairness.pick` returns on SQLite; the claim itself is in `pg_claim`) and the predicted order is
`fairness.simulate_order`. What differs is concurrency: SQLite serialises every claim, here claims
run in parallel with `FOR UPDATE SKIP LOCKED`, and submissions lock their owner's and guild's rows.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from trainer.queue import fairness, rows
from trainer.queue.options import QueueLimits
from trainer.queue.pg_base import PgBase
from trainer.queue.pg_claim import ClaimContended, PgClaims
from trainer.queue.pg_extra import PgExtras
from trainer.queue.pg_rows import Con, charge, get_job_row, insert_event
from trainer.queue.pg_workers import PgWorkers
from trainer.queue.rows import row_to_job
from trainer.queue.store import JobStore
from trainer.queue.types import (
    HeartbeatReply,
    Job,
    JobEvent,
    JobResult,
    JobSpec,
    JobStateError,
    JobStatus,
    Progress,
    new_job_id,
)
from trainer.queue.workers import WorkerCapacity

ID_TRIES = 5
#: Claims tried while every candidate is being taken by a concurrent claim (then None: poll again).
CONTENDED_TRIES = 50
_Q = JobStatus.QUEUED.value
_R = JobStatus.RUNNING.value


class PgJobStore(PgWorkers, PgClaims, PgExtras, PgBase, JobStore):
    """Jobs in a PostgreSQL database shared by the bot and workers on any number of hosts."""

    # --- submitting and reading -----------------------------------------------------------------------
    async def enqueue(
        self, spec: JobSpec, limits: QueueLimits, *, max_attempts: int = 3, now: float | None = None
    ) -> Job:
        now = self.now(now)
        for _ in range(ID_TRIES):
            job_id = spec.job_id or new_job_id(now)
            try:
                return await self.retrying(self._insert, spec, job_id, limits, max_attempts, now)
            except asyncpg.UniqueViolationError:
                if spec.job_id:
                    raise JobStateError(
                        job_id, JobStatus.QUEUED, "a job with this id already exists"
                    ) from None
        raise RuntimeError(f"could not draw a free job id in {ID_TRIES} tries")

    async def _insert(
        self, con: Con, spec: JobSpec, job_id: str, limits: QueueLimits, max_attempts: int, now: float
    ) -> Job:
        # The owner's (and guild's) row is locked so that two submissions cannot both pass a limit.
        await con.execute(
            "INSERT INTO users (owner_id, last_served) VALUES ($1, 0) ON CONFLICT DO NOTHING", spec.owner_id
        )
        await con.execute("SELECT 1 FROM users WHERE owner_id = $1 FOR UPDATE", spec.owner_id)
        guild_queued = None
        if spec.guild_id is not None:
            await con.execute(
                "INSERT INTO guilds (guild_id) VALUES ($1) ON CONFLICT DO NOTHING", spec.guild_id
            )
            await con.execute("SELECT 1 FROM guilds WHERE guild_id = $1 FOR UPDATE", spec.guild_id)
            guild_queued = await con.fetchval(
                "SELECT COUNT(*) FROM jobs WHERE guild_id = $1 AND status = $2", spec.guild_id, _Q
            )
        user_queued = await con.fetchval(
            "SELECT COUNT(*) FROM jobs WHERE owner_id = $1 AND status = $2", spec.owner_id, _Q
        )
        fairness.check_submission(
            limits,
            priority=spec.priority,
            user_queued=user_queued,
            guild_queued=guild_queued,
            user_gpu_seconds_today=await self._gpu_seconds(con, spec.owner_id, now),
            now=now,
        )
        marks = ", ".join(f"${i}" for i in range(1, rows.JOB_INSERT_COUNT + 1))
        await con.execute(
            f"INSERT INTO jobs ({rows.JOB_INSERT_COLUMNS}) VALUES ({marks})",
            *rows.job_insert_values(spec, job_id, max_attempts, now),
        )
        await insert_event(con, job_id, "queued", rows.queued_event(spec), now)
        return await get_job_row(con, job_id)

    async def get_job(self, job_id: str) -> Job:
        async with self.tx() as con:
            return await get_job_row(con, job_id)

    async def list_jobs(
        self,
        *,
        statuses: Sequence[JobStatus] | None = None,
        owner_id: int | None = None,
        guild_id: int | None = None,
        limit: int = 50,
        oldest_first: bool = False,
    ) -> list[Job]:
        where: list[str] = []
        params: list[Any] = []

        def add(clause: str, value: Any) -> None:
            params.append(value)
            where.append(clause.replace("?", f"${len(params)}"))

        if statuses:
            add("status = ANY(?)", [JobStatus(s).value for s in statuses])
        if owner_id is not None:
            add("owner_id = ?", owner_id)
        if guild_id is not None:
            add("guild_id = ?", guild_id)
        params.append(max(0, limit))
        sql = "SELECT * FROM jobs" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += f" ORDER BY seq {'ASC' if oldest_first else 'DESC'} LIMIT ${len(params)}"
        async with self.tx() as con:
            return [row_to_job(r) for r in await con.fetch(sql, *params)]

    async def count_jobs(self, status: JobStatus | None = None) -> int:
        async with self.tx() as con:
            if status is None:
                return int(await con.fetchval("SELECT COUNT(*) FROM jobs"))
            return int(
                await con.fetchval("SELECT COUNT(*) FROM jobs WHERE status = $1", JobStatus(status).value)
            )

    async def queue_order(self, limits: QueueLimits | None = None) -> list[str]:
        async with self.tx() as con:
            rows = await con.fetch(
                "SELECT seq, id, owner_id, priority, guild_id FROM jobs WHERE status = $1", _Q
            )
            served = {r[0]: r[1] for r in await con.fetch("SELECT owner_id, last_served FROM users")}
            running = await con.fetch(
                "SELECT owner_id, guild_id FROM jobs WHERE status = $1 ORDER BY started_at, seq", _R
            )
        refs = [fairness.QueuedRef(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]
        active = [fairness.RunningRef(r[0], r[1]) for r in running]
        return fairness.simulate_order(refs, served, limits, active)

    # --- the worker's side ------------------------------------------------------------------------------
    async def claim(
        self,
        worker_id: str,
        lease_seconds: float,
        limits: QueueLimits,
        *,
        now: float | None = None,
        capacity: WorkerCapacity | None = None,
    ) -> Job | None:
        for _ in range(CONTENDED_TRIES - 1):
            try:
                return await self.retrying(
                    self._claim, worker_id, lease_seconds, limits, self.now(now), capacity
                )
            except ClaimContended:
                await asyncio.sleep(random.uniform(0.005, 0.03))
        try:
            return await self.retrying(self._claim, worker_id, lease_seconds, limits, self.now(now), capacity)
        except ClaimContended:
            return None  # still contended: the worker's next poll tries again

    async def heartbeat(
        self, job_id: str, worker_id: str, lease_seconds: float, *, now: float | None = None
    ) -> HeartbeatReply:
        return await self.retrying(self._heartbeat, job_id, worker_id, lease_seconds, self.now(now))

    async def _heartbeat(
        self, con: Con, job_id: str, worker_id: str, lease_seconds: float, now: float
    ) -> HeartbeatReply:
        row = await con.fetchrow(
            "SELECT status, worker_id, owner_id, heartbeat_at, cancel_requested FROM jobs WHERE id = $1 "
            "FOR UPDATE",
            job_id,
        )
        if row is None or row["status"] != _R or row["worker_id"] != worker_id:
            return HeartbeatReply(lease_held=False, cancel_requested=False)
        await charge(con, job_id, row["owner_id"], row["heartbeat_at"], now)
        await con.execute(
            "UPDATE jobs SET lease_until = $1, heartbeat_at = $2, updated_at = $2 WHERE id = $3",
            now + lease_seconds,
            now,
            job_id,
        )
        return HeartbeatReply(lease_held=True, cancel_requested=bool(row["cancel_requested"]))

    async def update_progress(self, job_id: str, worker_id: str, progress: Progress) -> bool:
        async with self.tx() as con:
            status = await con.execute(
                "UPDATE jobs SET step = $1, total = $2, loss = $3, eta_s = $4, s_per_step = $5, "
                "progress_at = $6 WHERE id = $7 AND status = $8 AND worker_id = $9",
                progress.step,
                progress.total,
                progress.loss,
                progress.eta_s,
                progress.s_per_step,
                progress.updated_at,
                job_id,
                _R,
                worker_id,
            )
        return status == "UPDATE 1"

    async def finish(
        self,
        job_id: str,
        worker_id: str,
        status: JobStatus,
        result: JobResult,
        *,
        now: float | None = None,
    ) -> Job:
        status = JobStatus(status)
        if not status.finished:
            raise ValueError(f"finish() needs succeeded, failed or cancelled, not {status.value}")
        return await self.retrying(self._finish, job_id, worker_id, status, result, self.now(now))

    async def _finish(
        self, con: Con, job_id: str, worker_id: str, status: JobStatus, result: JobResult, now: float
    ) -> Job:
        job = await self._held(con, job_id, worker_id, now)
        await self._set_finished(con, job.id, status, result, now)
        return await get_job_row(con, job_id)

    async def _held(self, con: Con, job_id: str, worker_id: str, now: float) -> Job:
        """The job, locked and charged up to `now`, or `JobStateError` when the worker lost it."""
        job = await get_job_row(con, job_id, lock=True)
        if job.status != JobStatus.RUNNING or job.worker_id != worker_id:
            raise JobStateError(job_id, job.status, f"worker {worker_id} no longer holds it")
        since = await con.fetchval("SELECT heartbeat_at FROM jobs WHERE id = $1", job_id)
        await charge(con, job_id, job.owner_id, since, now)
        return job

    async def _set_finished(
        self, con: Con, job_id: str, status: JobStatus, result: JobResult, now: float
    ) -> None:
        columns = [c.strip() for c in rows.FINISHED_COLUMNS.split(",")]
        sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(columns, 1))
        await con.execute(
            f"UPDATE jobs SET {sets}, lease_until = NULL WHERE id = ${len(columns) + 1}",
            *rows.finished_values(status, result, now),
            job_id,
        )
        await insert_event(con, job_id, status.value, rows.finished_event(status, result), now)

    async def release(
        self, job_id: str, worker_id: str, *, reason: str, crashed: bool, now: float | None = None
    ) -> Job:
        return await self.retrying(self._release, job_id, worker_id, reason, crashed, self.now(now))

    async def _release(
        self, con: Con, job_id: str, worker_id: str, reason: str, crashed: bool, now: float
    ) -> Job:
        job = await self._held(con, job_id, worker_id, now)
        await self._requeue_one(con, job, reason, crashed=crashed, now=now)
        return await get_job_row(con, job_id)

    async def _requeue_one(self, con: Con, job: Job, reason: str, *, crashed: bool, now: float) -> None:
        ending = rows.requeue_outcome(job, reason, crashed=crashed)
        if ending is not None:
            await self._set_finished(con, job.id, *ending, now)
            return
        await con.execute(
            "UPDATE jobs SET status = $1, worker_id = NULL, lease_until = NULL, heartbeat_at = NULL, "
            "attempts = attempts - $2, updated_at = $3 WHERE id = $4",
            _Q,
            0 if crashed else 1,
            now,
            job.id,
        )
        await insert_event(con, job.id, "requeued", {"reason": reason, "attempts": job.attempts}, now)

    async def requeue_expired(self, *, now: float | None = None) -> list[Job]:
        return await self.retrying(self._requeue_expired, self.now(now))

    async def _requeue_expired(self, con: Con, now: float) -> list[Job]:
        rows = await con.fetch(
            "SELECT * FROM jobs WHERE status = $1 AND lease_until < $2 ORDER BY seq FOR UPDATE SKIP LOCKED",
            _R,
            now,
        )
        out = []
        for row in rows:
            job = row_to_job(row)
            reason = f"worker {job.worker_id} stopped renewing its lease (it died or lost the database)"
            await self._requeue_one(con, job, reason, crashed=True, now=now)
            out.append(await get_job_row(con, job.id))
        return out

    async def add_event(self, job_id: str, type_: str, data: Mapping[str, Any], *, time: float) -> None:
        async with self.tx() as con:
            await insert_event(con, job_id, type_, data, time)

    async def events_since(self, job_id: str, after_seq: int = 0) -> list[JobEvent]:
        async with self.tx() as con:
            rows = await con.fetch(
                "SELECT seq, job_id, time, type, data_json FROM job_events WHERE job_id = $1 AND seq > $2 "
                "ORDER BY seq",
                job_id,
                after_seq,
            )
        return [JobEvent(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    # --- operators and owners ----------------------------------------------------------------------------
    async def request_cancel(self, job_id: str, *, now: float | None = None) -> Job:
        return await self.retrying(self._request_cancel, job_id, self.now(now))

    async def _request_cancel(self, con: Con, job_id: str, now: float) -> Job:
        job = await get_job_row(con, job_id, lock=True)
        if job.status == JobStatus.QUEUED:
            result = JobResult(error_kind="cancelled", error_message="cancelled before it started")
            await self._set_finished(con, job_id, JobStatus.CANCELLED, result, now)
        elif job.status == JobStatus.RUNNING:
            await con.execute(
                "UPDATE jobs SET cancel_requested = 1, updated_at = $1 WHERE id = $2", now, job_id
            )
            await insert_event(con, job_id, "cancel_requested", {}, now)
        else:
            raise JobStateError(job_id, job.status, "it has already finished; nothing to cancel")
        return await get_job_row(con, job_id)

    async def set_paused(self, paused: bool) -> None:
        async with self.tx() as con:
            await con.execute(
                "INSERT INTO queue_state (key, value) VALUES ('paused', $1) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                "1" if paused else "0",
            )

    async def is_paused(self) -> bool:
        async with self.tx() as con:
            return await self._paused(con)

    async def _paused(self, con: Con) -> bool:
        return await con.fetchval("SELECT value FROM queue_state WHERE key = 'paused'") == "1"

    async def mark_files_deleted(self, job_id: str, *, now: float | None = None) -> None:
        async with self.tx() as con:
            await con.execute("UPDATE jobs SET files_deleted_at = $1 WHERE id = $2", self.now(now), job_id)

    async def gpu_seconds_today(self, owner_id: int, *, now: float | None = None) -> float:
        async with self.tx() as con:
            return await self._gpu_seconds(con, owner_id, self.now(now))

    async def _gpu_seconds(self, con: Con, owner_id: int, now: float) -> float:
        value = await con.fetchval(
            "SELECT gpu_seconds FROM gpu_usage WHERE owner_id = $1 AND day = $2",
            owner_id,
            fairness.day_key(now),
        )
        return float(value) if value is not None else 0.0
