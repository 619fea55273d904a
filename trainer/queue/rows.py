"""What the SQLite and PostgreSQL stores share about rows: a stored row as a `Job`, the values of a
new or finished job, how a job without its worker ends (same columns on both backends)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from trainer.queue.types import CaptionVersion, Job, JobKind, JobResult, JobSpec, JobStatus, Progress


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
        num_gpus=row["num_gpus"],
    )


# --- what both stores write: the same columns and values, each in its own SQL dialect -------------------

#: Columns of a new job row, in the order of `job_insert_values`.
JOB_INSERT_COLUMNS = (
    "id, owner_id, guild_id, channel_id, dataset_id, name, config_json, config_version, priority, status, "
    "max_attempts, job_dir, created_at, updated_at, kind, source_job_id, planned_steps, vram_gb, arch, "
    "num_gpus"
)
#: How many values `job_insert_values` gives (the placeholders each backend writes for them).
JOB_INSERT_COUNT = JOB_INSERT_COLUMNS.count(",") + 1


def job_insert_values(spec: JobSpec, job_id: str, max_attempts: int, now: float) -> tuple[Any, ...]:
    return (
        job_id,
        spec.owner_id,
        spec.guild_id,
        spec.channel_id,
        spec.dataset_id,
        spec.name,
        json.dumps(dict(spec.config), sort_keys=True),
        spec.config_version,
        int(spec.priority),
        JobStatus.QUEUED.value,
        max(1, max_attempts),
        spec.job_dir,
        now,
        now,
        JobKind(spec.kind).value,
        spec.source_job_id,
        spec.planned_steps,
        spec.vram_gb,
        spec.arch,
        max(1, int(spec.num_gpus)),
    )


def queued_event(spec: JobSpec) -> dict[str, Any]:
    """The data of a job's `queued` event."""
    data: dict[str, Any] = {"owner_id": spec.owner_id, "kind": JobKind(spec.kind).value}
    if spec.source_job_id:
        data["source_job_id"] = spec.source_job_id
    return data


#: Columns set when a job ends, in the order of `finished_values` (then the job id).
FINISHED_COLUMNS = (
    "status, finished_at, updated_at, output_path, files_json, error_kind, error_message, error_cause, "
    "error_fix, error_rules_json, log_tail"
)


def finished_values(status: JobStatus, result: JobResult, now: float) -> tuple[Any, ...]:
    return (
        status.value,
        now,
        now,
        result.output,
        json.dumps(list(result.files)),
        result.error_kind,
        result.error_message,
        result.cause,
        result.fix,
        json.dumps(list(result.rule_ids)),
        result.log_tail,
    )


def finished_event(status: JobStatus, result: JobResult) -> dict[str, Any]:
    return {"status": status.value, "output": result.output, "error": result.error_message}


def requeue_outcome(job: Job, reason: str, *, crashed: bool) -> tuple[JobStatus, JobResult] | None:
    """How a running job that lost its worker ends: failed when a crash used its last attempt,
    cancelled when a cancel was pending, otherwise None (back to the queue)."""
    if crashed and job.attempts >= job.max_attempts:
        message = f"{reason}; gave up after {job.attempts} attempt(s)"
        return JobStatus.FAILED, JobResult(error_kind="crash", error_message=message)
    if job.cancel_requested:
        return JobStatus.CANCELLED, JobResult(
            error_kind="cancelled", error_message="cancelled while its worker was lost"
        )
    return None


def caption_from_row(row: Mapping[str, Any]) -> CaptionVersion:
    return CaptionVersion(
        row["dataset_id"],
        row["version"],
        row["method"],
        json.loads(row["captions_json"]),
        row["trigger_word"],
        row["created_at"],
    )
