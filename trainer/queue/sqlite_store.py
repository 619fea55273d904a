"""`JobStore` on SQLite (aiosqlite): the embedded default backend."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import Any

import aiosqlite

from trainer.queue import fairness, rows
from trainer.queue.options import QueueLimits
from trainer.queue.sqlite_base import SqliteBase
from trainer.queue.sqlite_extra import SqliteExtras
from trainer.queue.sqlite_rows import all_rows, charge, get_job_row, insert_event, one, row_to_job
from trainer.queue.sqlite_workers import SqliteWorkers
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
from trainer.queue.workers import WorkerCapacity, fit_clause

ID_TRIES = 5
_Q = JobStatus.QUEUED.value
_R = JobStatus.RUNNING.value


def _now(now: float | None) -> float:
    return time.time() if now is None else now


class SqliteJobStore(SqliteWorkers, SqliteExtras, SqliteBase, JobStore):
    """Jobs in one SQLite file (WAL mode by default), safe for several processes at once."""

    # --- submitting and reading -----------------------------------------------------------------------
    async def enqueue(
        self, spec: JobSpec, limits: QueueLimits, *, max_attempts: int = 3, now: float | None = None
    ) -> Job:
        now = _now(now)
        for _ in range(ID_TRIES):
            job_id = spec.job_id or new_job_id(now)
            try:
                return await self._insert(spec, job_id, limits, max_attempts, now)
            except sqlite3.IntegrityError:
                if spec.job_id:
                    raise JobStateError(
                        job_id, JobStatus.QUEUED, "a job with this id already exists"
                    ) from None
        raise RuntimeError(f"could not draw a free job id in {ID_TRIES} tries")

    async def _insert(
        self, spec: JobSpec, job_id: str, limits: QueueLimits, max_attempts: int, now: float
    ) -> Job:
        async with self.write() as db:
            user_queued = (
                await one(
                    db, "SELECT COUNT(*) FROM jobs WHERE owner_id = ? AND status = ?", (spec.owner_id, _Q)
                )
            )[0]
            guild_queued = None
            if spec.guild_id is not None:
                guild_queued = (
                    await one(
                        db, "SELECT COUNT(*) FROM jobs WHERE guild_id = ? AND status = ?", (spec.guild_id, _Q)
                    )
                )[0]
            used = await self._gpu_seconds(db, spec.owner_id, now)
            fairness.check_submission(
                limits,
                priority=spec.priority,
                user_queued=user_queued,
                guild_queued=guild_queued,
                user_gpu_seconds_today=used,
                now=now,
            )
            await db.execute(
                f"INSERT INTO jobs ({rows.JOB_INSERT_COLUMNS}) VALUES ({', '.join('?' * rows.JOB_INSERT_COUNT)})",
                rows.job_insert_values(spec, job_id, max_attempts, now),
            )
            await insert_event(db, job_id, "queued", rows.queued_event(spec), now)
            return await get_job_row(db, job_id)

    async def get_job(self, job_id: str) -> Job:
        async with self.read() as db:
            return await get_job_row(db, job_id)

    async def list_jobs(
        self,
        *,
        statuses: Sequence[JobStatus] | None = None,
        owner_id: int | None = None,
        guild_id: int | None = None,
        limit: int = 50,
        oldest_first: bool = False,
    ) -> list[Job]:
        where, params = [], []
        if statuses:
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            params.extend(JobStatus(s).value for s in statuses)
        if owner_id is not None:
            where.append("owner_id = ?")
            params.append(owner_id)
        if guild_id is not None:
            where.append("guild_id = ?")
            params.append(guild_id)
        sql = "SELECT * FROM jobs" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += f" ORDER BY seq {'ASC' if oldest_first else 'DESC'} LIMIT ?"
        params.append(max(0, limit))
        async with self.read() as db:
            return [row_to_job(r) for r in await all_rows(db, sql, params)]

    async def count_jobs(self, status: JobStatus | None = None) -> int:
        async with self.read() as db:
            if status is None:
                return (await one(db, "SELECT COUNT(*) FROM jobs"))[0]
            return (await one(db, "SELECT COUNT(*) FROM jobs WHERE status = ?", (JobStatus(status).value,)))[
                0
            ]

    async def queue_order(self, limits: QueueLimits | None = None) -> list[str]:
        async with self.read() as db:
            rows = await all_rows(
                db, "SELECT seq, id, owner_id, priority, guild_id FROM jobs WHERE status = ?", (_Q,)
            )
            served = dict(await all_rows(db, "SELECT owner_id, last_served FROM users"))
            # Running jobs are assumed to finish in the order they started.
            running = await all_rows(
                db, "SELECT owner_id, guild_id FROM jobs WHERE status = ? ORDER BY started_at, seq", (_R,)
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
        now = _now(now)
        async with self.write() as db:
            await self._requeue_expired(db, now)
            if await self._paused(db):
                return None
            seq = await self._pick(db, limits, now, capacity)
            if seq is None:
                return None
            await db.execute(
                "UPDATE jobs SET status = ?, worker_id = ?, lease_until = ?, heartbeat_at = ?, "
                "started_at = COALESCE(started_at, ?), attempts = attempts + 1, updated_at = ? WHERE seq = ?",
                (_R, worker_id, now + lease_seconds, now, now, now, seq),
            )
            row = await one(db, "SELECT * FROM jobs WHERE seq = ?", (seq,))
            await db.execute(
                "INSERT INTO users (owner_id, last_served) "
                "VALUES (?, (SELECT COALESCE(MAX(last_served), 0) + 1 FROM users)) "
                "ON CONFLICT (owner_id) DO UPDATE SET last_served = excluded.last_served",
                (row["owner_id"],),
            )
            await insert_event(
                db, row["id"], "claimed", {"worker": worker_id, "attempt": row["attempts"]}, now
            )
            return row_to_job(row)

    async def _pick(
        self, db: aiosqlite.Connection, limits: QueueLimits, now: float, capacity: WorkerCapacity | None
    ) -> int | None:
        fits, fit_params = fit_clause(capacity, lambda n: "?")
        urgent = await one(
            db,
            f"SELECT seq FROM jobs WHERE status = ? AND priority = 1{fits} ORDER BY seq LIMIT 1",
            (_Q, *fit_params),
        )
        if urgent is not None:
            return urgent[0]
        # Every queued job is a candidate, not only each user's oldest: a job whose guild is full
        # must not hold back its owner's job in another guild.
        queued = await all_rows(
            db,
            f"SELECT seq, owner_id, guild_id FROM jobs WHERE status = ? AND priority = 0{fits}",
            (_Q, *fit_params),
        )
        if not queued:
            return None
        running = dict(
            await all_rows(
                db, "SELECT owner_id, COUNT(*) FROM jobs WHERE status = ? GROUP BY owner_id", (_R,)
            )
        )
        guild_running = dict(
            await all_rows(
                db,
                "SELECT guild_id, COUNT(*) FROM jobs WHERE status = ? AND guild_id IS NOT NULL "
                "GROUP BY guild_id",
                (_R,),
            )
        )
        served = dict(await all_rows(db, "SELECT owner_id, last_served FROM users"))
        usage = dict(
            await all_rows(
                db, "SELECT owner_id, gpu_seconds FROM gpu_usage WHERE day = ?", (fairness.day_key(now),)
            )
        )
        chosen = fairness.pick(fairness.candidates(queued, running, guild_running, served, usage), limits)
        return chosen.job_seq if chosen else None

    async def heartbeat(
        self, job_id: str, worker_id: str, lease_seconds: float, *, now: float | None = None
    ) -> HeartbeatReply:
        now = _now(now)
        async with self.write() as db:
            row = await one(
                db,
                "SELECT status, worker_id, owner_id, heartbeat_at, cancel_requested FROM jobs WHERE id = ?",
                (job_id,),
            )
            if row is None or row["status"] != _R or row["worker_id"] != worker_id:
                return HeartbeatReply(lease_held=False, cancel_requested=False)
            await charge(db, job_id, row["owner_id"], row["heartbeat_at"], now)
            await db.execute(
                "UPDATE jobs SET lease_until = ?, heartbeat_at = ?, updated_at = ? WHERE id = ?",
                (now + lease_seconds, now, now, job_id),
            )
            return HeartbeatReply(lease_held=True, cancel_requested=bool(row["cancel_requested"]))

    async def update_progress(self, job_id: str, worker_id: str, progress: Progress) -> bool:
        async with self.write() as db:
            cur = await db.execute(
                "UPDATE jobs SET step = ?, total = ?, loss = ?, eta_s = ?, s_per_step = ?, progress_at = ? "
                "WHERE id = ? AND status = ? AND worker_id = ?",
                (
                    progress.step,
                    progress.total,
                    progress.loss,
                    progress.eta_s,
                    progress.s_per_step,
                    progress.updated_at,
                    job_id,
                    _R,
                    worker_id,
                ),
            )
            return cur.rowcount == 1

    async def finish(
        self,
        job_id: str,
        worker_id: str,
        status: JobStatus,
        result: JobResult,
        *,
        now: float | None = None,
    ) -> Job:
        now = _now(now)
        status = JobStatus(status)
        if not status.finished:
            raise ValueError(f"finish() needs succeeded, failed or cancelled, not {status.value}")
        async with self.write() as db:
            job = await get_job_row(db, job_id)
            if job.status != JobStatus.RUNNING or job.worker_id != worker_id:
                raise JobStateError(job_id, job.status, f"worker {worker_id} no longer holds it")
            row = await one(db, "SELECT heartbeat_at FROM jobs WHERE id = ?", (job_id,))
            await charge(db, job_id, job.owner_id, row[0], now)
            await self._set_finished(db, job_id, status, result, now)
            return await get_job_row(db, job_id)

    async def _set_finished(
        self, db: aiosqlite.Connection, job_id: str, status: JobStatus, result: JobResult, now: float
    ) -> None:
        sets = ", ".join(f"{c.strip()} = ?" for c in rows.FINISHED_COLUMNS.split(","))
        await db.execute(
            f"UPDATE jobs SET {sets}, lease_until = NULL WHERE id = ?",
            (*rows.finished_values(status, result, now), job_id),
        )
        await insert_event(db, job_id, status.value, rows.finished_event(status, result), now)

    async def release(
        self, job_id: str, worker_id: str, *, reason: str, crashed: bool, now: float | None = None
    ) -> Job:
        now = _now(now)
        async with self.write() as db:
            job = await get_job_row(db, job_id)
            if job.status != JobStatus.RUNNING or job.worker_id != worker_id:
                raise JobStateError(job_id, job.status, f"worker {worker_id} no longer holds it")
            row = await one(db, "SELECT heartbeat_at FROM jobs WHERE id = ?", (job_id,))
            await charge(db, job_id, job.owner_id, row[0], now)
            await self._requeue_one(db, job, reason, crashed=crashed, now=now)
            return await get_job_row(db, job_id)

    async def _requeue_one(
        self, db: aiosqlite.Connection, job: Job, reason: str, *, crashed: bool, now: float
    ) -> None:
        ending = rows.requeue_outcome(job, reason, crashed=crashed)
        if ending is not None:
            await self._set_finished(db, job.id, *ending, now)
            return
        await db.execute(
            "UPDATE jobs SET status = ?, worker_id = NULL, lease_until = NULL, heartbeat_at = NULL, "
            "attempts = attempts - ?, updated_at = ? WHERE id = ?",
            (_Q, 0 if crashed else 1, now, job.id),
        )
        await insert_event(db, job.id, "requeued", {"reason": reason, "attempts": job.attempts}, now)

    async def requeue_expired(self, *, now: float | None = None) -> list[Job]:
        async with self.write() as db:
            return await self._requeue_expired(db, _now(now))

    async def _requeue_expired(self, db: aiosqlite.Connection, now: float) -> list[Job]:
        rows = await all_rows(db, "SELECT * FROM jobs WHERE status = ? AND lease_until < ?", (_R, now))
        out = []
        for row in rows:
            job = row_to_job(row)
            # The dead worker's last heartbeat is the last GPU time we know of; nothing more is charged.
            reason = f"worker {job.worker_id} stopped renewing its lease (it died or lost the database)"
            await self._requeue_one(db, job, reason, crashed=True, now=now)
            out.append(await get_job_row(db, job.id))
        return out

    async def add_event(self, job_id: str, type_: str, data: Mapping[str, Any], *, time: float) -> None:
        async with self.write() as db:
            await insert_event(db, job_id, type_, data, time)

    async def events_since(self, job_id: str, after_seq: int = 0) -> list[JobEvent]:
        async with self.read() as db:
            rows = await all_rows(
                db,
                "SELECT seq, job_id, time, type, data_json FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq",
                (job_id, after_seq),
            )
        return [JobEvent(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    # --- operators and owners ----------------------------------------------------------------------------
    async def request_cancel(self, job_id: str, *, now: float | None = None) -> Job:
        now = _now(now)
        async with self.write() as db:
            job = await get_job_row(db, job_id)
            if job.status == JobStatus.QUEUED:
                result = JobResult(error_kind="cancelled", error_message="cancelled before it started")
                await self._set_finished(db, job_id, JobStatus.CANCELLED, result, now)
            elif job.status == JobStatus.RUNNING:
                await db.execute(
                    "UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?", (now, job_id)
                )
                await insert_event(db, job_id, "cancel_requested", {}, now)
            else:
                raise JobStateError(job_id, job.status, "it has already finished; nothing to cancel")
            return await get_job_row(db, job_id)

    async def set_paused(self, paused: bool) -> None:
        async with self.write() as db:
            await db.execute(
                "INSERT INTO queue_state (key, value) VALUES ('paused', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                ("1" if paused else "0",),
            )

    async def is_paused(self) -> bool:
        async with self.read() as db:
            return await self._paused(db)

    async def _paused(self, db: aiosqlite.Connection) -> bool:
        row = await one(db, "SELECT value FROM queue_state WHERE key = 'paused'")
        return bool(row and row[0] == "1")

    async def mark_files_deleted(self, job_id: str, *, now: float | None = None) -> None:
        async with self.write() as db:
            await db.execute("UPDATE jobs SET files_deleted_at = ? WHERE id = ?", (_now(now), job_id))

    async def gpu_seconds_today(self, owner_id: int, *, now: float | None = None) -> float:
        async with self.read() as db:
            return await self._gpu_seconds(db, owner_id, _now(now))

    async def _gpu_seconds(self, db: aiosqlite.Connection, owner_id: int, now: float) -> float:
        row = await one(
            db,
            "SELECT gpu_seconds FROM gpu_usage WHERE owner_id = ? AND day = ?",
            (owner_id, fairness.day_key(now)),
        )
        return float(row[0]) if row else 0.0
