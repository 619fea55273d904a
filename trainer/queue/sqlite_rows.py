"""Rows and small queries shared by the SQLite store's methods."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import aiosqlite

from trainer.queue import fairness
from trainer.queue.types import Job, JobKind, JobNotFound, JobResult, JobStatus, Progress


def row_to_job(row: Mapping[str, Any]) -> Job:
    result = None
    if row["output_path"] or row["error_kind"] or row["error_message"]:
        result = JobResult(
            output=row["output_path"],
            files=tuple(json.loads(row["files_json"] or "[]")),
            error_kind=row["error_kind"],
            error_message=row["error_message"],
            cause=row["error_cause"],
            fix=row["error_fix"],
            rule_ids=tuple(json.loads(row["error_rules_json"] or "[]")),
            log_tail=row["log_tail"],
        )
    return Job(
        id=row["id"],
        owner_id=row["owner_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        dataset_id=row["dataset_id"],
        name=row["name"],
        config=json.loads(row["config_json"]),
        config_version=row["config_version"],
        priority=bool(row["priority"]),
        status=JobStatus(row["status"]),
        attempts=row["attempts"],
        max_attempts=row["max_attempts"],
        job_dir=row["job_dir"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        worker_id=row["worker_id"],
        lease_until=row["lease_until"],
        cancel_requested=bool(row["cancel_requested"]),
        gpu_seconds=row["gpu_seconds"],
        progress=Progress(
            step=row["step"],
            total=row["total"],
            loss=row["loss"],
            eta_s=row["eta_s"],
            s_per_step=row["s_per_step"],
            updated_at=row["progress_at"],
        ),
        result=result,
        files_deleted_at=row["files_deleted_at"],
        kind=JobKind(row["kind"]),
        source_job_id=row["source_job_id"],
        planned_steps=row["planned_steps"],
    )


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
