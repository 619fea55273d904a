"""Rows and small queries shared by the SQLite store's methods."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import aiosqlite

from trainer.queue import fairness
from trainer.queue.rows import row_to_job
from trainer.queue.types import Job, JobNotFound

__all__ = ["all_rows", "charge", "get_job_row", "insert_event", "one", "row_to_job"]


async def one(db: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    async with db.execute(sql, params) as cur:
        return await cur.fetchone()


async def all_rows(db: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    async with db.execute(sql, params) as cur:
        return list(await cur.fetchall())


async def get_job_row(db: aiosqlite.Connection, job_id: str) -> Job:
    row = await one(db, "SELECT * FROM jobs WHERE id = ?", (job_id,))
    if row is None:
        raise JobNotFound(job_id)
    return row_to_job(row)


async def insert_event(
    db: aiosqlite.Connection, job_id: str, type_: str, data: Mapping[str, Any], t: float
) -> None:
    await db.execute(
        "INSERT INTO job_events (job_id, time, type, data_json) VALUES (?, ?, ?, ?)",
        (job_id, t, type_, json.dumps(dict(data))),
    )


async def charge(
    db: aiosqlite.Connection, job_id: str, owner_id: int, since: float | None, now: float
) -> None:
    """Count the GPU time since the last heartbeat against the job and its owner's day."""
    elapsed = max(0.0, now - since) if since is not None else 0.0
    if not elapsed:
        return
    await db.execute("UPDATE jobs SET gpu_seconds = gpu_seconds + ? WHERE id = ?", (elapsed, job_id))
    await db.execute(
        "INSERT INTO gpu_usage (owner_id, day, gpu_seconds) VALUES (?, ?, ?) "
        "ON CONFLICT (owner_id, day) DO UPDATE SET gpu_seconds = gpu_usage.gpu_seconds + excluded.gpu_seconds",
        (owner_id, fairness.day_key(now), elapsed),
    )
