"""Workers on any host, on both backends: the registry, and claims that take only jobs that fit."""

from __future__ import annotations

import sqlite3

import asyncpg
from conftest import NO_LIMITS

from trainer.queue.backends import open_store, sqlite_path
from trainer.queue.types import JobSpec, JobStatus
from trainer.queue.workers import WorkerCapacity, WorkerInfo, fit_clause

T0 = 1_800_000_000.0


def spec(name, vram=None, arch=None, owner=1, gpus=1):
    return JobSpec(
        owner_id=owner,
        config={"name": name},
        job_dir=f"/j/{name}",
        name=name,
        vram_gb=vram,
        arch=arch,
        num_gpus=gpus,
    )


def worker(wid, free=None, archs=(), host="h1", now=T0):
    return WorkerInfo(
        wid, host, "0", "RTX 4090" if free else None, 24.0 if free else None, free, archs, now, now
    )


async def test_a_worker_claims_only_jobs_that_fit_its_free_vram_and_models(store):
    big = await store.enqueue(spec("sdxl-batch4", vram=24.0, arch="sdxl"), NO_LIMITS)
    small = await store.enqueue(spec("sd15", vram=6.0, arch="sd15"), NO_LIMITS)
    anywhere = await store.enqueue(spec("unknown"), NO_LIMITS)
    home_8gb = WorkerCapacity(vram_free_gb=8.0, archs=("sd15", "sdxl"))
    assert (await store.claim("home", 60, NO_LIMITS, capacity=home_8gb)).id == small.id  # big is skipped
    assert (await store.claim("home2", 60, NO_LIMITS, capacity=home_8gb)).id == anywhere.id
    assert await store.claim("home3", 60, NO_LIMITS, capacity=home_8gb) is None  # only big is left
    sd15_only = WorkerCapacity(vram_free_gb=80.0, archs=("sd15",))
    assert await store.claim("a100-sd15", 60, NO_LIMITS, capacity=sd15_only) is None  # no SDXL model there
    a100 = WorkerCapacity(vram_free_gb=80.0, archs=("sdxl",))
    assert (await store.claim("a100", 60, NO_LIMITS, capacity=a100)).id == big.id


async def test_fair_order_holds_among_the_jobs_that_fit(store):
    a1 = await store.enqueue(spec("a1", vram=40.0, owner=1), NO_LIMITS)
    a2 = await store.enqueue(spec("a2", vram=6.0, owner=1), NO_LIMITS)
    b1 = await store.enqueue(spec("b1", vram=6.0, owner=2), NO_LIMITS)
    small = WorkerCapacity(vram_free_gb=12.0)
    assert (await store.claim("w1", 60, NO_LIMITS, capacity=small)).id == a2.id  # a1 does not fit
    assert (await store.claim("w2", 60, NO_LIMITS, capacity=small)).id == b1.id
    assert (await store.claim("w3", 60, NO_LIMITS)).id == a1.id  # a worker without limits takes it


async def test_registry_shows_gpu_job_and_last_heartbeat(store):
    await store.register_worker(worker("h1:gpu0", free=22.5, archs=("sd15",)))
    await store.register_worker(worker("h2:cpu", host="h2"))
    await store.worker_seen("h1:gpu0", job_id="job-1", vram_free_gb=3.0, now=T0 + 10)
    await store.worker_stopped("h2:cpu", now=T0 + 20)
    listed = {w.id: w for w in await store.list_workers()}
    gpu = listed["h1:gpu0"]
    assert (gpu.gpu_name, gpu.vram_total_gb, gpu.vram_free_gb, gpu.archs) == (
        "RTX 4090",
        24.0,
        3.0,
        ("sd15",),
    )
    assert (gpu.job_id, gpu.heartbeat_at, gpu.state(T0 + 30)) == ("job-1", T0 + 10, "busy")
    assert gpu.state(T0 + 10 + 121) == "lost"  # silent for longer than the lease-based limit
    assert listed["h2:cpu"].state(T0 + 30) == "stopped"
    await store.register_worker(worker("h2:cpu", host="h2", now=T0 + 40))  # restarted: alive again
    assert {w.id: w for w in await store.list_workers()}["h2:cpu"].state(T0 + 41) == "idle"


def test_fit_clause_spells_parameters_for_each_backend():
    cap = WorkerCapacity(vram_free_gb=8, archs=("sd15", "sdxl"), gpus=2)
    assert fit_clause(None, str) == ("", [])
    sql, params = fit_clause(cap, lambda n: f"${n + 1}")
    assert params == [8.0, "sd15", "sdxl", 2] and "vram_gb <= $2" in sql and "IN ($3, $4)" in sql
    assert "num_gpus <= $5" in sql


async def test_a_job_needing_several_gpus_waits_for_a_worker_that_has_them(store):
    ddp = await store.enqueue(spec("two-gpus", gpus=2, owner=1), NO_LIMITS)
    single = await store.enqueue(spec("one-gpu", owner=1), NO_LIMITS)
    assert (await store.get_job(ddp.id)).num_gpus == 2 and single.num_gpus == 1
    one_gpu = WorkerCapacity(gpus=1)
    # The 2-GPU job is older and its owner's turn, but a 1-GPU worker takes the job it can run...
    assert (await store.claim("pinned-0", 60, NO_LIMITS, capacity=one_gpu)).id == single.id
    # ... and leaves the other queued rather than claiming it only to fail.
    assert await store.claim("pinned-1", 60, NO_LIMITS, capacity=one_gpu) is None
    assert (await store.get_job(ddp.id)).status is JobStatus.QUEUED
    two_gpus = WorkerCapacity(vram_free_gb=80.0, gpus=2)
    claimed = await store.claim("host-with-2", 60, NO_LIMITS, capacity=two_gpus)
    assert claimed.id == ddp.id and claimed.num_gpus == 2


async def test_a_worker_that_does_not_know_its_gpus_takes_any_job(store):
    ddp = await store.enqueue(spec("four-gpus", gpus=4), NO_LIMITS)
    assert await store.claim("two", 60, NO_LIMITS, capacity=WorkerCapacity(gpus=2)) is None
    assert (await store.claim("cpu", 60, NO_LIMITS, capacity=WorkerCapacity())).id == ddp.id


async def test_the_registry_keeps_how_many_gpus_a_worker_has(store):
    await store.register_worker(worker("h1:all", free=70.0))
    await store.register_worker(WorkerInfo("h2:all", "h2", None, "A100", 80.0, 78.0, (), T0, T0, gpu_count=4))
    listed = {w.id: w for w in await store.list_workers()}
    assert listed["h1:all"].gpu_count is None
    assert listed["h2:all"].gpu_count == 4 and listed["h2:all"].capacity.gpus == 4


async def _downgrade_to_schema_5(queue_options, backend):
    """Make the store what loracord before `num_gpus` left behind: schema 5, without the new columns."""
    statements = (
        "ALTER TABLE jobs DROP COLUMN num_gpus",
        "ALTER TABLE workers DROP COLUMN gpu_count",
        "UPDATE schema_version SET version = 5",
    )
    if backend == "sqlite":
        with sqlite3.connect(sqlite_path(queue_options)) as con:
            for sql in statements:
                con.execute(sql)
        return
    con = await asyncpg.connect(queue_options.database_url.reveal())
    try:
        for sql in statements:
            await con.execute(sql)
    finally:
        await con.close()


async def test_an_older_store_opens_and_its_jobs_need_one_gpu(queue_options, backend):
    async with open_store(queue_options) as store:
        old = await store.enqueue(spec("queued-before-the-upgrade"), NO_LIMITS)
        await store.register_worker(worker("h1:gpu0", free=20.0))
    await _downgrade_to_schema_5(queue_options, backend)
    async with open_store(queue_options) as store:  # the migration adds the columns
        assert await store.schema_version() >= 6
        assert (await store.get_job(old.id)).num_gpus == 1
        assert (await store.list_workers())[0].gpu_count is None
        claimed = await store.claim("pinned", 60, NO_LIMITS, capacity=WorkerCapacity(gpus=1))
        assert claimed.id == old.id
