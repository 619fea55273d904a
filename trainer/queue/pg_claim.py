"""The PostgreSQL store's claim: the fair order of `fairness.rank`, taken with row locks.

Claims run in parallel on many hosts. Each walks the ranked candidates and takes the first it can
lock with `FOR UPDATE SKIP LOCKED` — the owner's `users` row (per-user running limit, quota,
round-robin stamp), the guild's `guilds` row when a guild limit is set, and the job row — then
re-checks the limits under those locks. Two workers claiming at once therefore never take the same
job, never exceed a limit, and never wait on each other. The owner lock is one statement over the
ranked owners (the first one free is locked), so a hundred claims at once do not each walk the same
locked users one round trip at a time. An owner served by another claim since the ranking was read
goes to the back of the line, as `fairness.pick` would order them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from trainer.queue import fairness
from trainer.queue.options import QueueLimits
from trainer.queue.pg_rows import Con, insert_event
from trainer.queue.rows import row_to_job
from trainer.queue.types import Job, JobStatus
from trainer.queue.workers import WorkerCapacity, fit_clause

_Q = JobStatus.QUEUED.value
_R = JobStatus.RUNNING.value
#: Users offered to one locking statement: the first one no other claim holds is taken.
LOCK_BATCH = 64


class ClaimContended(Exception):
    """Every candidate this claim reached was being taken by a concurrent claim: not an empty queue.
    The claim is tried again (PgJobStore.claim), so a worker never idles while jobs wait."""


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
        ranked = await self._candidates(con, limits, now, fit)
        by_owner: dict[int, list[fairness.Candidate]] = {}
        for c in ranked:
            by_owner.setdefault(c.owner_id, []).append(c)
        owners, deferred, start = list(by_owner), [], 0
        locked: list[int] = []  # candidates skipped because a concurrent claim held their rows
        while start < len(owners):
            found = await self._lock_first_owner(con, owners[start : start + LOCK_BATCH], now)
            if found is None:
                locked.append(start)
                start += LOCK_BATCH  # every one of these users is being served by another claim
                continue
            index, fresh = found
            owner, start = owners[start + index], start + index + 1
            if fresh[0] != by_owner[owner][0].last_served:
                deferred.append((owner, fresh))  # served meanwhile: now behind everyone else
                continue
            if (seq := await self._take_for_owner(con, by_owner[owner], fresh, limits, locked)) is not None:
                return seq
        for owner, fresh in deferred:
            if (seq := await self._take_for_owner(con, by_owner[owner], fresh, limits, locked)) is not None:
                return seq
        if locked:
            raise ClaimContended
        return None

    async def _lock_first_owner(
        self, con: Con, owners: list[int], now: float
    ) -> tuple[int, tuple[int, int, float]] | None:
        """Lock the first of `owners` (in this order) that no other claim holds, in one round trip;
        its position and fresh (last served, running jobs, GPU seconds today), or None."""
        row = await con.fetchrow(
            "SELECT t.ord, u.last_served, "
            "(SELECT COUNT(*) FROM jobs WHERE status = $2 AND owner_id = t.owner), "
            "(SELECT gpu_seconds FROM gpu_usage WHERE owner_id = t.owner AND day = $3) "
            "FROM unnest($1::bigint[]) WITH ORDINALITY AS t(owner, ord) "
            "CROSS JOIN LATERAL (SELECT last_served FROM users WHERE owner_id = t.owner "
            "FOR UPDATE SKIP LOCKED) u LIMIT 1",
            owners,
            _R,
            fairness.day_key(now),
        )
        if row is None:
            return None
        return int(row[0]) - 1, (int(row[1] or 0), int(row[2]), float(row[3] or 0.0))

    async def _take_for_owner(
        self,
        con: Con,
        candidates: list[fairness.Candidate],
        fresh: tuple[int, int, float],
        limits: QueueLimits,
        locked: list[int],
    ) -> int | None:
        """The first of one owner's candidates (rank order) that may start now, its job row locked;
        a candidate whose rows a concurrent claim holds (or just took) is noted in `locked`."""
        for c in candidates:
            c = replace(c, last_served=fresh[0], running=fresh[1], gpu_seconds_today=fresh[2])
            if c.guild_id is not None and limits.max_running_jobs_per_guild:
                guild_running = await con.fetchval(
                    "SELECT (SELECT COUNT(*) FROM jobs WHERE status = $2 AND guild_id = $1) "
                    "FROM guilds WHERE guild_id = $1 FOR UPDATE SKIP LOCKED",
                    c.guild_id,
                    _R,
                )
                if guild_running is None:
                    locked.append(c.job_seq)
                    continue  # another claim is starting a job of this guild
                c = replace(c, guild_running=int(guild_running))
            if not fairness.eligible(c, limits):
                continue
            if await con.fetchval(
                "SELECT seq FROM jobs WHERE seq = $1 AND status = $2 FOR UPDATE SKIP LOCKED", c.job_seq, _Q
            ):
                return c.job_seq
            locked.append(c.job_seq)  # taken by a concurrent claim since the ranking was read
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
