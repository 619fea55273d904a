"""The PostgreSQL store's claim: the fair order of `fairness.rank`, taken with row locks.

Claims run in parallel on many hosts. Each walks the ranked candidates and takes the first it can
lock with `FOR UPDATE SKIP LOCKED` — the owner's `users` row (per-user running limit, quota,
round-robin stamp), the guild's `guilds` row when a guild limit is set, and the job row — then
re-checks the limits under those locks. Two workers claiming at once therefore never take the same
job, never exceed a limit, and never wait on each other. A candidate served by another claim since
the ranking was read goes back in line with its new stamp, as `fairness.pick` would order it.
"""

from __future__ import annotations

import heapq
from typing import Any

from trainer.queue import fairness
from trainer.queue.options import QueueLimits
from trainer.queue.pg_rows import Con, insert_event
from trainer.queue.rows import row_to_job
from trainer.queue.types import Job, JobStatus
from trainer.queue.workers import WorkerCapacity, fit_clause

_Q = JobStatus.QUEUED.value
_R = JobStatus.RUNNING.value


class PgClaims:
    """Mixed into `PgJobStore`; relies on its `_requeue_expired` and `_paused`."""

    async def _claim(
        self,
        con: Con,
        worker_id: str,
        lease_seconds: float,
        limits: QueueLimits,
        now: float,
        capacity: WorkerCapacity | None,
    ) -> Job | None:
        await self._requeue_expired(con, now)
        if await self._paused(con):
            return None
        fits, fit_params = fit_clause(capacity, lambda n: f"${n + 1}")
        urgent = await con.fetchrow(
            f"SELECT seq FROM jobs WHERE status = $1 AND priority = 1{fits} ORDER BY seq LIMIT 1 "
            "FOR UPDATE SKIP LOCKED",
            _Q,
            *fit_params,
        )
        seq = urgent[0] if urgent is not None else await self._pick(con, limits, now, (fits, fit_params))
        if seq is None:
            return None
        row = await con.fetchrow(
            "UPDATE jobs SET status = $1, worker_id = $2, lease_until = $3, heartbeat_at = $4, "
            "started_at = COALESCE(started_at, $4), attempts = attempts + 1, updated_at = $4 "
            "WHERE seq = $5 RETURNING *",
            _R,
            worker_id,
            now + lease_seconds,
            now,
            seq,
        )
        await con.execute(
            "INSERT INTO users (owner_id, last_served) VALUES ($1, nextval('serve_counter')) "
            "ON CONFLICT (owner_id) DO UPDATE SET last_served = excluded.last_served",
            row["owner_id"],
        )
        await insert_event(con, row["id"], "claimed", {"worker": worker_id, "attempt": row["attempts"]}, now)
        return row_to_job(row)

    async def _pick(
        self, con: Con, limits: QueueLimits, now: float, fit: tuple[str, list[Any]]
    ) -> int | None:
        """The seq of the job this claim takes, its row locked; None when no candidate may start."""
        candidates = await self._candidates(con, limits, now, fit)
        heap = [(*fairness.pick_key(c), i, c) for i, c in enumerate(candidates)]
        heapq.heapify(heap)
        locked: set[int] = set()
        while heap:
            stamp, _seq, i, c = heapq.heappop(heap)
            if c.owner_id not in locked:
                if not await con.fetchval(
                    "SELECT 1 FROM users WHERE owner_id = $1 FOR UPDATE SKIP LOCKED", c.owner_id
                ):
                    continue  # another claim is serving this user right now
                locked.add(c.owner_id)
                fresh = await self._candidate(con, c, now)
                if fresh.last_served != stamp:  # served meanwhile: back in line with its new stamp
                    heapq.heappush(heap, (*fairness.pick_key(fresh), i, fresh))
                    continue
                c = fresh
            if c.guild_id is not None and limits.max_running_jobs_per_guild:
                if not await con.fetchval(
                    "SELECT 1 FROM guilds WHERE guild_id = $1 FOR UPDATE SKIP LOCKED", c.guild_id
                ):
                    continue
                c = await self._candidate(con, c, now)
            if not fairness.eligible(c, limits):
                continue
            if await con.fetchval(
                "SELECT seq FROM jobs WHERE seq = $1 AND status = $2 FOR UPDATE SKIP LOCKED", c.job_seq, _Q
            ):
                return c.job_seq
        return None

    async def _candidates(
        self, con: Con, limits: QueueLimits, now: float, fit: tuple[str, list[Any]]
    ) -> list[fairness.Candidate]:
        """Each (owner, guild)'s oldest queued job: eligibility depends only on the owner and the
        guild, and within them the oldest goes first, so this is the same choice as every queued job."""
        queued = await con.fetch(
            "SELECT DISTINCT ON (owner_id, guild_id) seq, owner_id, guild_id FROM jobs "
            f"WHERE status = $1 AND priority = 0{fit[0]} ORDER BY owner_id, guild_id, seq",
            _Q,
            *fit[1],
        )
        if not queued:
            return []
        running = dict(
            await con.fetch("SELECT owner_id, COUNT(*) FROM jobs WHERE status = $1 GROUP BY owner_id", _R)
        )
        guild_running = dict(
            await con.fetch(
                "SELECT guild_id, COUNT(*) FROM jobs WHERE status = $1 AND guild_id IS NOT NULL "
                "GROUP BY guild_id",
                _R,
            )
        )
        served = dict(await con.fetch("SELECT owner_id, last_served FROM users"))
        usage = dict(
            await con.fetch(
                "SELECT owner_id, gpu_seconds FROM gpu_usage WHERE day = $1", fairness.day_key(now)
            )
        )
        found = fairness.candidates(queued, running, guild_running, served, usage)
        return fairness.rank(found, limits)

    async def _candidate(self, con: Con, c: fairness.Candidate, now: float) -> fairness.Candidate:
        """`c` with its owner's and guild's numbers read again (under the locks this claim holds)."""
        row = await con.fetchrow(
            "SELECT (SELECT last_served FROM users WHERE owner_id = $1), "
            "(SELECT COUNT(*) FROM jobs WHERE status = $3 AND owner_id = $1), "
            "(SELECT COUNT(*) FROM jobs WHERE status = $3 AND guild_id = $2), "
            "(SELECT gpu_seconds FROM gpu_usage WHERE owner_id = $1 AND day = $4)",
            c.owner_id,
            c.guild_id,
            _R,
            fairness.day_key(now),
        )
        return fairness.Candidate(
            job_seq=c.job_seq,
            job_id=c.job_id,
            owner_id=c.owner_id,
            last_served=row[0] or 0,
            running=row[1],
            gpu_seconds_today=row[3] or 0.0,
            guild_id=c.guild_id,
            guild_running=row[2] if c.guild_id is not None else 0,
        )
