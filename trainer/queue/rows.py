"""A stored job row as a `Job`: shared by the SQLite and PostgreSQL stores (same columns)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from trainer.queue.types import Job, JobKind, JobResult, JobStatus, Progress


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
        vram_gb=row["vram_gb"],
        arch=row["arch"],
    )
