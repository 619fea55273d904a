"""Queue positions and ETAs from measured step times."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from conftest import NO_LIMITS

from trainer.queue import eta
from trainer.queue.types import JobSpec, JobStatus, Progress
from trainer.queue.workers import WorkerInfo


def spec(owner, steps, arch="sd15", resolution=512):
    cfg = {"max_train_steps": steps, "model_arch": arch, "resolution": resolution}
    return JobSpec(owner_id=owner, config=cfg, job_dir=f"/j/{owner}-{steps}")


async def test_positions_and_times_follow_the_fair_order_and_measured_speed(store):
    await store.record_step_time("sd15@512", 0.5)
    await store.record_step_time("sdxl@1024", 2.0)
    running = await store.enqueue(spec(1, 1000), NO_LIMITS)
    await store.claim("w", 60, NO_LIMITS)
    await store.update_progress(running.id, "w", Progress(step=400, total=1000, eta_s=300.0, s_per_step=0.5))
    a2 = await store.enqueue(spec(1, 200), NO_LIMITS)  # user 1 was just served: goes after user 2
    b1 = await store.enqueue(spec(2, 100, arch="sdxl", resolution=1024), NO_LIMITS)
    unknown_arch = await store.enqueue(spec(3, 10, arch="auto", resolution=768), NO_LIMITS)

    one = await eta.estimate_queue(store, workers=1)
    assert one[running.id].position == 0 and one[running.id].done_in_s == 300.0
    assert one[b1.id].position == 1 and one[b1.id].starts_in_s == 300.0 and one[b1.id].done_in_s == 500.0
    assert one[unknown_arch.id].position == 2 and one[unknown_arch.id].starts_in_s == 500.0
    assert one[unknown_arch.id].done_in_s == pytest.approx(510.0)  # no measurement: the 1 s/step fallback
    assert one[a2.id].position == 3 and one[a2.id].done_in_s == pytest.approx(610.0)

    two = await eta.estimate_queue(store, workers=2)
    assert two[b1.id].starts_in_s == 0.0 and two[unknown_arch.id].starts_in_s == 200.0
    assert (await store.get_job(a2.id)).status is JobStatus.QUEUED


async def test_epoch_based_job_makes_later_starts_unknown(store):
    first = await store.enqueue(
        JobSpec(owner_id=1, config={"max_train_steps": 0, "max_train_epochs": 3}, job_dir="/a"), NO_LIMITS
    )
    second = await store.enqueue(spec(2, 100), NO_LIMITS)
    est = await eta.estimate_queue(store)
    assert est[first.id].starts_in_s == 0.0 and est[first.id].done_in_s is None
    assert est[second.id].starts_in_s is None
    assert eta.format_duration(None) == "unknown"
    assert [eta.format_duration(s) for s in (42, 600, 7500)] == ["42s", "10 min", "2 h 5 min"]


def _worker(wid, gpus, vram=24.0, archs=(), now=None):
    now = time.time() if now is None else now
    return WorkerInfo(wid, "h1", None, "RTX 4090", vram, vram, archs, now, now, gpu_count=gpus)


async def test_a_job_waits_for_a_live_worker_that_can_run_it(store):
    """With workers registered, each queued job starts on the first worker that would claim it: a job on
    two GPUs does not start on a one-GPU worker, and a job no live worker can run gets no start time."""
    await store.record_step_time("sd15@512", 0.5)
    await store.register_worker(_worker("one", 1))
    await store.register_worker(_worker("two", 2))
    await store.register_worker(_worker("gone", 4))
    await store.worker_stopped("gone")
    small = await store.enqueue(spec(1, 1000), NO_LIMITS)  # 500 s
    pair = await store.enqueue(replace(spec(2, 200), num_gpus=2), NO_LIMITS)  # 100 s
    four = await store.enqueue(replace(spec(3, 10), num_gpus=4), NO_LIMITS)
    huge = await store.enqueue(replace(spec(4, 10), vram_gb=40.0), NO_LIMITS)
    sdxl_only = await store.enqueue(replace(spec(5, 100), arch="sdxl"), NO_LIMITS)  # 50 s

    est = await eta.estimate_queue(store, workers=1)
    assert est[small.id].starts_in_s == 0.0 and est[pair.id].starts_in_s == 0.0
    # Only the stopped worker had four GPUs; no worker has 40 GB: both wait with no start time, and
    # the jobs behind them are still placed.
    assert est[four.id].position == 3 and est[four.id].starts_in_s is None and est[four.id].no_worker
    assert est[huge.id].starts_in_s is None and est[huge.id].done_in_s is None
    assert est[sdxl_only.id].starts_in_s == 100.0  # on the two-GPU worker, free first

    # Without any live worker, `workers` slots take every job, as before workers registered.
    await store.worker_stopped("one")
    await store.worker_stopped("two")
    alone = await eta.estimate_queue(store, workers=1)
    assert (
        alone[four.id].starts_in_s == pytest.approx(600.0) and not alone[four.id].no_worker
    )  # after the 500 s and 100 s jobs
