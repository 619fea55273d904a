"""The job store contract, on SQLite and PostgreSQL: schema, submissions, claims, leases, cancel, pause,
datasets (conftest parametrizes `backend`; tests about SQLite itself are marked sqlite_only)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from conftest import NO_LIMITS

from trainer.queue.backends import open_store
from trainer.queue.fairness import QueueFull, QuotaExceeded
from trainer.queue.options import QueueLimits
from trainer.queue.sqlite_base import migration_files
from trainer.queue.sqlite_store import SqliteJobStore
from trainer.queue.store import StoreConfigError
from trainer.queue.types import (
    Dataset,
    DatasetImage,
    JobNotFound,
    JobResult,
    JobSpec,
    JobStateError,
    JobStatus,
    Progress,
)

T0 = 1_800_000_000.0  # a fixed clock; the quota day is 2027-01-15 UTC


def spec(owner=1, guild=None, priority=False, name="lora", steps=10):
    return JobSpec(
        owner_id=owner,
        guild_id=guild,
        config={"name": name, "max_train_steps": steps, "config_version": 1},
        job_dir=f"/tmp/jobs/{name}",
        name=name,
        priority=priority,
    )


@pytest.mark.sqlite_only
async def test_schema_is_migrated_once_and_newer_schema_refused(queue_options):
    db_path = queue_options.data_dir / "loracord.db"
    async with open_store(queue_options) as store:
        assert await store.schema_version() == len(migration_files()) >= 1
        await store.enqueue(spec(), NO_LIMITS)
    async with open_store(queue_options) as store:  # reopening keeps the data and re-applies nothing
        assert await store.count_jobs() == 1
    with sqlite3.connect(db_path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        con.execute("UPDATE schema_version SET version = 99")
    refused = open_store(queue_options)
    with pytest.raises(RuntimeError, match="newer than this loracord"):
        async with refused:
            pass
    assert refused._db is None  # no connection (and no worker thread) left behind by the refusal


@pytest.mark.sqlite_only
def test_other_database_urls_are_refused_with_advice(queue_options):
    from dataclasses import replace

    from trainer.queue.pg_store import PgJobStore

    with pytest.raises(StoreConfigError, match="sqlite:///PATH"):
        open_store(replace(queue_options, database_url="mysql://db/loracord"))
    assert isinstance(open_store(replace(queue_options, database_url="postgresql://db/x")), PgJobStore)
    sqlite_url = replace(queue_options, database_url=f"sqlite:///{queue_options.data_dir}/x.db")
    assert isinstance(open_store(sqlite_url), SqliteJobStore)


async def test_job_round_trip_and_unknown_id(store):
    job = await store.enqueue(spec(owner=7, guild=70, name="cat"), NO_LIMITS, max_attempts=4, now=T0)
    again = await store.get_job(job.id)
    assert again == job
    assert job.status is JobStatus.QUEUED and job.finished is False
    assert job.config["max_train_steps"] == 10 and job.config_version == 1
    assert (job.owner_id, job.guild_id, job.max_attempts, job.attempts) == (7, 70, 4, 0)
    with pytest.raises(JobNotFound, match="queue list"):
        await store.get_job("nope")


async def test_priority_first_then_round_robin_between_three_users(store):
    ids = {}
    for owner, n in (("a", 3), ("b", 2), ("c", 1)):
        for i in range(n):
            job = await store.enqueue(spec(owner=ord(owner), name=f"{owner}{i}"), NO_LIMITS)
            ids[job.id] = f"{owner}{i}"
    admin = await store.enqueue(spec(owner=99, priority=True, name="admin"), NO_LIMITS)
    ids[admin.id] = "admin"
    predicted = [ids[i] for i in await store.queue_order()]
    claimed = []
    while (job := await store.claim("w", 60, NO_LIMITS)) is not None:
        claimed.append(ids[job.id])
    assert claimed == ["admin", "a0", "b0", "c0", "a1", "b1", "a2"]
    assert predicted == claimed


async def test_running_limit_lets_other_users_go_first(store):
    limits = QueueLimits(max_queued_jobs_per_user=0, max_running_jobs_per_user=1, max_queued_jobs_per_guild=0)
    a1 = await store.enqueue(spec(owner=1, name="a1"), limits)
    a2 = await store.enqueue(spec(owner=1, name="a2"), limits)
    b1 = await store.enqueue(spec(owner=2, name="b1"), limits)
    assert (await store.claim("w1", 60, limits)).id == a1.id
    assert (await store.claim("w2", 60, limits)).id == b1.id
    assert await store.claim("w3", 60, limits) is None  # a2 waits: its owner already runs a job
    await store.finish(a1.id, "w1", JobStatus.SUCCEEDED, JobResult(output="output/a1.safetensors"))
    assert (await store.claim("w3", 60, limits)).id == a2.id


async def test_queue_limits_per_user_and_guild_refuse_with_numbers(store):
    limits = QueueLimits(max_queued_jobs_per_user=2, max_running_jobs_per_user=0, max_queued_jobs_per_guild=3)
    await store.enqueue(spec(owner=1, guild=5), limits)
    await store.enqueue(spec(owner=1, guild=5), limits)
    with pytest.raises(QueueFull) as err:
        await store.enqueue(spec(owner=1, guild=5), limits)
    assert (err.value.scope, err.value.limit, err.value.current) == ("user", 2, 2)
    assert "2 queued job(s), the limit is 2" in str(err.value)
    await store.enqueue(spec(owner=2, guild=5), limits)
    with pytest.raises(QueueFull) as err:
        await store.enqueue(spec(owner=3, guild=5), limits)
    assert (err.value.scope, err.value.limit, err.value.current) == ("guild", 3, 3)
    await store.enqueue(spec(owner=3, guild=6), limits)  # another server is not affected
    await store.enqueue(spec(owner=1, guild=5, priority=True), limits)  # admins are exempt
    assert await store.count_jobs(JobStatus.QUEUED) == 5


async def test_daily_gpu_quota_counts_heartbeats_and_resets_next_day(store):
    limits = QueueLimits(
        max_queued_jobs_per_user=0, max_running_jobs_per_user=0, daily_gpu_minutes_per_user=10
    )
    job = await store.enqueue(spec(owner=1), limits, now=T0)
    waiting = await store.enqueue(spec(owner=1), limits, now=T0)
    await store.claim("w", 60, limits, now=T0)
    for minute in range(1, 12):  # 11 minutes of heartbeats, one a minute
        reply = await store.heartbeat(job.id, "w", 120, now=T0 + 60 * minute)
        assert reply.lease_held
    await store.finish(job.id, "w", JobStatus.SUCCEEDED, JobResult(output="o"), now=T0 + 11 * 60)
    assert await store.gpu_seconds_today(1, now=T0 + 700) == pytest.approx(660)
    assert (await store.get_job(job.id)).gpu_seconds == pytest.approx(660)
    with pytest.raises(QuotaExceeded) as err:
        await store.enqueue(spec(owner=1), limits, now=T0 + 700)
    assert (err.value.limit, round(err.value.current)) == (10, 11)
    assert err.value.reset_at == pytest.approx(T0 - T0 % 86400 + 86400)
    assert "11 of 10 minutes" in str(err.value) and "resets at 00:00 UTC" in str(err.value)
    assert await store.claim("w", 60, limits, now=T0 + 700) is None  # the queued one waits too
    tomorrow = T0 - T0 % 86400 + 86400 + 5
    assert (await store.claim("w", 60, limits, now=tomorrow)).id == waiting.id


async def test_expired_lease_requeues_then_fails_after_max_attempts(store):
    job = await store.enqueue(spec(), NO_LIMITS, max_attempts=2, now=T0)
    first = await store.claim("dead-1", 30, NO_LIMITS, now=T0)
    assert first.attempts == 1 and first.status is JobStatus.RUNNING
    assert await store.claim("w2", 30, NO_LIMITS, now=T0 + 10) is None  # lease still valid
    second = await store.claim("dead-2", 30, NO_LIMITS, now=T0 + 31)
    assert second.id == job.id and second.attempts == 2 and second.worker_id == "dead-2"
    # The first worker wakes up: its lease is gone, it must not finish the job.
    assert not (await store.heartbeat(job.id, "dead-1", 30, now=T0 + 32)).lease_held
    with pytest.raises(JobStateError):
        await store.finish(job.id, "dead-1", JobStatus.SUCCEEDED, JobResult(output="x"))
    assert await store.claim("w3", 30, NO_LIMITS, now=T0 + 62) is None
    failed = await store.get_job(job.id)
    assert failed.status is JobStatus.FAILED
    assert "stopped renewing its lease" in failed.result.error_message
    assert "gave up after 2 attempt(s)" in failed.result.error_message
    kinds = [e.type for e in await store.events_since(job.id)]
    assert kinds == ["queued", "claimed", "requeued", "claimed", "failed"]


async def test_release_on_shutdown_does_not_use_an_attempt(store):
    job = await store.enqueue(spec(), NO_LIMITS, max_attempts=1)
    await store.claim("w", 30, NO_LIMITS)
    again = await store.release(job.id, "w", reason="worker shutting down", crashed=False)
    assert again.status is JobStatus.QUEUED and again.attempts == 0
    await store.claim("w", 30, NO_LIMITS)
    crashed = await store.release(job.id, "w", reason="training process killed by signal 9", crashed=True)
    assert crashed.status is JobStatus.FAILED and "signal 9" in crashed.result.error_message


async def test_cancel_queued_running_and_finished(store):
    queued = await store.enqueue(spec(name="q"), NO_LIMITS)
    running = await store.enqueue(spec(name="r"), NO_LIMITS)
    cancelled = await store.request_cancel(queued.id)
    assert cancelled.status is JobStatus.CANCELLED and cancelled.finished_at is not None
    claimed = await store.claim("w", 30, NO_LIMITS)
    assert claimed.id == running.id  # a cancelled job is never claimed
    assert (await store.request_cancel(running.id)).status is JobStatus.RUNNING
    assert (await store.heartbeat(running.id, "w", 30)).cancel_requested
    await store.finish(running.id, "w", JobStatus.CANCELLED, JobResult(error_message="stopped on request"))
    with pytest.raises(JobStateError, match="already finished"):
        await store.request_cancel(running.id)


async def test_paused_queue_accepts_but_starts_nothing(store):
    await store.set_paused(True)
    job = await store.enqueue(spec(), NO_LIMITS)
    assert await store.is_paused()
    assert await store.claim("w", 30, NO_LIMITS) is None
    await store.set_paused(False)
    assert (await store.claim("w", 30, NO_LIMITS)).id == job.id


async def test_progress_only_from_the_lease_holder(store):
    job = await store.enqueue(spec(), NO_LIMITS)
    await store.claim("w", 30, NO_LIMITS)
    assert await store.update_progress(
        job.id, "w", Progress(step=5, total=10, loss=0.5, eta_s=3.0, updated_at=1.0)
    )
    assert not await store.update_progress(job.id, "other", Progress(step=9, total=10))
    got = (await store.get_job(job.id)).progress
    assert (got.step, got.total, got.loss, got.eta_s, got.fraction) == (5, 10, 0.5, 3.0, 0.5)


async def test_concurrent_enqueues_and_claims_lose_and_duplicate_nothing(queue_options):
    stores = [open_store(queue_options) for _ in range(4)]
    for s in stores:
        await s.open()
    try:
        jobs = await asyncio.gather(
            *(stores[i % 4].enqueue(spec(owner=i % 7, name=f"j{i}"), NO_LIMITS) for i in range(200))
        )
        assert len({j.id for j in jobs}) == 200

        async def drain(s, worker):
            got = []
            while (job := await s.claim(worker, 60, NO_LIMITS)) is not None:
                got.append(job.id)
            return got

        claimed = await asyncio.gather(*(drain(s, f"w{i}") for i, s in enumerate(stores)))
        flat = [j for part in claimed for j in part]
        assert sorted(flat) == sorted(j.id for j in jobs)
    finally:
        for s in stores:
            await s.close()


async def test_datasets_images_and_caption_versions(store):
    ds = Dataset("ds-1", owner_id=3, guild_id=None, name="cat", prepared_dir="/d/prepared", created_at=T0)
    await store.add_dataset(ds)
    assert await store.get_dataset("ds-1") == ds
    images = [DatasetImage("ds-1", f"{i:064x}", f"{i}.png", 512, 512, 1000 + i, T0 + i) for i in range(3)]
    assert await store.add_dataset_images(images) == 3
    assert await store.add_dataset_images(images[:2]) == 0  # the same upload twice is kept once
    assert [im.filename for im in await store.list_dataset_images("ds-1")] == ["0.png", "1.png", "2.png"]
    assert await store.latest_caption_version("ds-1") is None
    await store.add_caption_version("ds-1", "manual", {"0.png": "sks cat"}, trigger_word="sks")
    v2 = await store.add_caption_version("ds-1", "blip", {"0.png": "sks cat, sitting"}, trigger_word="sks")
    latest = await store.latest_caption_version("ds-1")
    assert (latest.version, latest.method, latest.captions) == (2, "blip", {"0.png": "sks cat, sitting"})
    assert latest == v2
    await store.delete_dataset("ds-1")
    assert await store.list_datasets(3) == []


async def test_a_datasets_private_flag_and_thread_live_with_its_record(store):
    shared = Dataset(
        "ds-2", owner_id=3, guild_id=9, name="dogs", prepared_dir="/d/p", created_at=T0, private=False
    )
    await store.add_dataset(shared)
    await store.add_dataset(
        Dataset("ds-3", owner_id=3, guild_id=9, name="cats", prepared_dir="/d/q", created_at=T0)
    )
    assert (await store.get_dataset("ds-2")).private is False
    assert (await store.get_dataset("ds-3")).private is True  # private unless said otherwise
    assert await store.dataset_by_thread(77) is None
    await store.set_dataset_thread("ds-3", 77)
    found = await store.dataset_by_thread(77)
    assert (found.id, found.thread_id, found.private) == ("ds-3", 77, True)
    assert [d.thread_id for d in await store.list_datasets(3)] == [None, 77]
    await store.delete_dataset("ds-3")
    assert await store.dataset_by_thread(77) is None  # a deleted dataset's thread no longer routes


async def test_step_time_history_is_a_running_average(store):
    await store.record_step_time("sd15@512", 1.0)
    await store.record_step_time("sd15@512", 2.0)
    await store.record_step_time("sd15@512", -1.0)  # nonsense measurements are ignored
    assert (await store.step_times())["sd15@512"] == pytest.approx(1.3)


async def test_predicted_order_matches_claims_for_random_mixes(store):
    import random

    rng = random.Random(7)
    for _ in range(4):  # submissions and claims interleaved, admins mixed in
        for _ in range(rng.randint(3, 12)):
            await store.enqueue(spec(owner=rng.randint(1, 5), priority=rng.random() < 0.15), NO_LIMITS)
        predicted = await store.queue_order()
        for _ in range(rng.randint(1, len(predicted))):
            assert (await store.claim("w", 60, NO_LIMITS)).id == predicted.pop(0)
        assert await store.queue_order() == predicted


@pytest.mark.sqlite_only
async def test_locked_database_is_reported_as_unavailable_not_corrupted(queue_options):
    from trainer.queue.store import StoreUnavailable

    path = queue_options.data_dir / "loracord.db"
    async with SqliteJobStore(path, busy_timeout_s=0.2) as store:
        await store.enqueue(spec(name="before"), NO_LIMITS)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another process holding the write lock for too long
        try:
            with pytest.raises(StoreUnavailable, match="locked"):
                await store.enqueue(spec(name="while-locked"), NO_LIMITS)
        finally:
            other.execute("ROLLBACK")
            other.close()
        await store.enqueue(spec(name="after"), NO_LIMITS)  # the store recovers by itself
        assert sorted(j.name for j in await store.list_jobs()) == ["after", "before"]
