"""`migrate-store`: a SQLite store copied into PostgreSQL keeps every job, event and dataset record."""

from __future__ import annotations

import pytest
from conftest import NO_LIMITS

from trainer.queue.migrate_store import MigrateError, migrate_store
from trainer.queue.pg_store import PgJobStore
from trainer.queue.sqlite_store import SqliteJobStore
from trainer.queue.types import Dataset, DatasetImage, JobResult, JobSpec, JobStatus, Progress

T0 = 1_800_000_000.0


def spec(owner, guild=None, name="j", priority=False):
    return JobSpec(
        owner_id=owner,
        guild_id=guild,
        config={"name": name},
        job_dir=f"/j/{name}",
        name=name,
        priority=priority,
    )


async def _fill(store):
    """Jobs in every state, events, usage, datasets, images, captions, step times, a paused queue."""
    for i in range(9):
        await store.enqueue(spec(owner=i % 3 + 1, guild=(i % 2) or None, name=f"j{i}"), NO_LIMITS, now=T0 + i)
    done = await store.claim("w1", 60, NO_LIMITS, now=T0 + 10)
    await store.heartbeat(done.id, "w1", 60, now=T0 + 70)
    await store.finish(
        done.id, "w1", JobStatus.SUCCEEDED, JobResult(output="o.safetensors", files=("a",)), now=T0 + 80
    )
    failed = await store.claim("w1", 60, NO_LIMITS, now=T0 + 81)
    await store.finish(
        failed.id, "w1", JobStatus.FAILED, JobResult(error_kind="oom", error_message="boom", rule_ids=("r1",))
    )
    running = await store.claim("w2", 60, NO_LIMITS, now=T0 + 90)
    await store.update_progress(running.id, "w2", Progress(step=3, total=10, loss=0.25, updated_at=T0 + 91))
    await store.add_event(
        running.id, "checkpoint", {"step": 3, "path": "checkpoints/step_000003"}, time=T0 + 92
    )
    await store.request_cancel((await store.list_jobs(statuses=[JobStatus.QUEUED], oldest_first=True))[-1].id)
    await store.add_dataset(Dataset("ds-1", 1, 5, "cat", "/d/prepared", T0))
    await store.add_dataset_images(
        [DatasetImage("ds-1", f"{i:064x}", f"{i}.png", 64, 64, 10 + i, T0) for i in range(3)]
    )
    await store.add_caption_version("ds-1", "manual", {"0.png": "sks cat"}, trigger_word="sks")
    await store.record_step_time("sd15@512", 0.5)
    await store.set_paused(True)


async def _everything(store):
    jobs = await store.list_jobs(limit=1000, oldest_first=True)
    return {
        "jobs": jobs,
        "events": {j.id: await store.events_since(j.id) for j in jobs},
        "order": await store.queue_order(NO_LIMITS),
        "usage": await store.gpu_seconds_today(1, now=T0 + 100),
        "datasets": await store.list_datasets(1),
        "images": await store.list_dataset_images("ds-1"),
        "captions": await store.latest_caption_version("ds-1"),
        "step_times": await store.step_times(),
        "paused": await store.is_paused(),
    }


async def test_every_record_survives_and_the_queue_goes_on(tmp_path, pg_url):
    path = tmp_path / "loracord.db"
    async with SqliteJobStore(path) as old:
        await _fill(old)
        before = await _everything(old)
    report = await migrate_store(path, pg_url)
    assert report.counts["jobs"] == 9 and report.counts["job_events"] == len(
        [e for events in before["events"].values() for e in events]
    )
    async with PgJobStore(pg_url) as new:
        assert await _everything(new) == before
        await new.set_paused(False)
        # The fair order carries on where it was: the same next job as on SQLite, new ids never clash.
        assert (await new.claim("w9", 60, NO_LIMITS, now=T0 + 200)).id == before["order"][0]
        added = await new.enqueue(spec(owner=7, name="after"), NO_LIMITS)
        assert added.id not in {j.id for j in before["jobs"]}
        assert len(await new.list_jobs(limit=1000)) == 10


async def test_refuses_a_destination_that_holds_jobs(tmp_path, pg_url):
    path = tmp_path / "loracord.db"
    async with SqliteJobStore(path) as old:
        await old.enqueue(spec(owner=1), NO_LIMITS)
    async with PgJobStore(pg_url) as new:
        await new.enqueue(spec(owner=2), NO_LIMITS)
    with pytest.raises(MigrateError, match="already holds jobs"):
        await migrate_store(path, pg_url)
    with pytest.raises(MigrateError, match="not found"):
        await migrate_store(tmp_path / "nope.db", pg_url)
