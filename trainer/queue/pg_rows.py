"""Small queries shared by the PostgreSQL store's methods (as `sqlite_rows` for SQLite)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import asyncpg

from trainer.queue import fairness
from trainer.queue.rows import row_to_job
from trainer.queue.types import Job, JobNotFound

Con = asyncpg.Connection


async def get_job_row(con: Con, job_id: str, *, lock: bool = False) -> Job:
    row = await con.fetchrow("SELECT * FROM jobs WHERE id = $1" + (" FOR UPDATE" if lock else ""), job_id)
    if row is None:
        raise JobNotFound(job_id)
    return row_to_job(row)


async def insert_event(con: Con, job_id: str, type_: str, data: Mapping[str, Any], t: float) -> None:
    await con.execute(
        "INSERT INTO job_events (job_id, time, type, data_json) VALUES ($1, $2, $3, $4)",
        job_id,
        t,
        type_,
        json.dumps(dict(data)),
    )


async def charge(con: Con, job_id: str, owner_id: int, since: float | None, now: float) -> None:
    """Count the GPU time since the last heartbeat against the job and its owner's UTC day."""
    elapsed = max(0.0, now - since) if since is not None else 0.0
    if not elapsed:
        return
    await con.execute("UPDATE jobs SET gpu_seconds = gpu_seconds + $1 WHERE id = $2", elapsed, job_id)
    await con.execute(
        "INSERT INTO gpu_usage (owner_id, day, gpu_seconds) VALUES ($1, $2, $3) ON CONFLICT (owner_id, day) "
        "DO UPDATE SET gpu_seconds = gpu_usage.gpu_seconds + excluded.gpu_seconds",
        owner_id,
        fairness.day_key(now),
        elapsed,
    )
