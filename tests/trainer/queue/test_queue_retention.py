"""Retention: expired folders go, checkpoints of finished jobs go first under the budget, outputs stay."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import NO_LIMITS

from trainer.queue.retention import apply_retention, delete_job_files, folder_size
from trainer.queue.types import JobResult, JobSpec, JobStateError, JobStatus

DAY = 86400.0
T0 = 1_800_000_000.0
MB = 1_000_000


async def finished_job(
    store, options, name, finished_at, *, checkpoint_mb=1, output_mb=1, status=JobStatus.SUCCEEDED
):
    job_dir = options.jobs_dir / name
    (job_dir / "checkpoints" / "step_000002").mkdir(parents=True)
    (job_dir / "checkpoints" / "step_000002" / "optimizer.pt").write_bytes(b"\0" * checkpoint_mb * MB)
    (job_dir / "output").mkdir()
    (job_dir / "output" / "lora.safetensors").write_bytes(b"\0" * output_mb * MB)
    job = await store.enqueue(
        JobSpec(owner_id=1, config={}, job_dir=str(job_dir), job_id=name), NO_LIMITS, now=T0
    )
    await store.claim("w", 60, NO_LIMITS, now=finished_at - 10)
    await store.finish(job.id, "w", status, JobResult(output="output/lora.safetensors"), now=finished_at)
    return job


async def test_expired_jobs_are_deleted_and_recent_ones_kept(store, queue_options):
    options = replace(queue_options, retention_days=30, artifacts_budget_gb=0)
    old = await finished_job(store, options, "old", T0 - 31 * DAY)
    new = await finished_job(store, options, "new", T0 - 29 * DAY)
    report = await apply_retention(store, options, now=T0)
    assert report.expired == ["old"] and report.bytes_freed == 2 * MB
    assert not Path(old.job_dir).exists() and Path(new.job_dir, "output", "lora.safetensors").exists()
    assert (await store.get_job("old")).files_deleted_at == T0
    assert (await apply_retention(store, options, now=T0)).expired == []  # nothing is deleted twice


async def test_budget_removes_oldest_finished_checkpoints_first_and_keeps_outputs(store, queue_options):
    options = replace(queue_options, retention_days=0, artifacts_budget_gb=0.0045)  # 4.5 MB
    first = await finished_job(store, options, "first", T0 - 3 * DAY)
    second = await finished_job(store, options, "second", T0 - 2 * DAY)
    running_dir = options.jobs_dir / "running"
    (running_dir / "checkpoints").mkdir(parents=True)
    (running_dir / "checkpoints" / "state.pt").write_bytes(b"\0" * MB)
    running = await store.enqueue(JobSpec(owner_id=2, config={}, job_dir=str(running_dir)), NO_LIMITS)
    await store.claim("w2", 60, NO_LIMITS)
    report = await apply_retention(store, options, now=T0)
    assert report.checkpoints_removed == ["first"] and report.bytes_freed == MB
    assert report.total_bytes == 4 * MB and report.over_budget_bytes == 0
    assert not Path(first.job_dir, "checkpoints").exists()
    assert Path(first.job_dir, "output", "lora.safetensors").exists()
    assert (
        Path(second.job_dir, "checkpoints").exists() and (running_dir / "checkpoints" / "state.pt").exists()
    )
    assert (await store.get_job(running.id)).status is JobStatus.RUNNING

    tight = replace(options, artifacts_budget_gb=0.0001)
    report = await apply_retention(store, tight, now=T0)
    assert report.checkpoints_removed == ["second"]
    assert report.over_budget_bytes == folder_size(options.jobs_dir) - 100_000  # outputs are never deleted
    assert Path(second.job_dir, "output", "lora.safetensors").exists()


async def test_owner_deletes_finished_job_but_not_a_running_one(store, queue_options):
    done = await finished_job(store, queue_options, "done", T0, status=JobStatus.FAILED)
    assert await delete_job_files(store, done.id) == 2 * MB
    assert not Path(done.job_dir).exists()
    job = await store.enqueue(
        JobSpec(owner_id=1, config={}, job_dir=str(queue_options.jobs_dir / "x")), NO_LIMITS
    )
    with pytest.raises(JobStateError, match="cancel it first"):
        await delete_job_files(store, job.id)
