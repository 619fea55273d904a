"""PostgreSQL itself: migrations, clear messages for a bad URL or server, parallel claims that keep
every limit, a dropped connection. (The shared store contract runs on it in test_queue_store.py.)"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

import asyncpg
import pytest
from conftest import NO_LIMITS

from trainer.queue.options import QueueLimits
from trainer.queue.pg_base import pg_migration_files
from trainer.queue.pg_store import PgJobStore
from trainer.queue.sqlite_base import migration_files
from trainer.queue.store import StoreConfigError, StoreUnavailable
from trainer.queue.types import JobResult, JobSpec, JobStatus


def spec(owner=1, guild=None, name="lora"):
    return JobSpec(owner_id=owner, guild_id=guild, config={"name": name}, job_dir=f"/j/{name}", name=name)


async def test_schema_matches_sqlite_numbers_and_newer_schema_is_refused(pg_url):
    async with PgJobStore(pg_url) as store:
        assert await store.schema_version() == len(pg_migration_files()) == len(migration_files())
        await store.enqueue(spec(), NO_LIMITS)
    async with PgJobStore(pg_url) as store:  # reopening applies nothing again and keeps the job
        assert await store.count_jobs() == 1
    con = await asyncpg.connect(pg_url)
    await con.execute("UPDATE schema_version SET version = 99")
    await con.close()
    with pytest.raises(RuntimeError, match="newer than this loracord"):
        async with PgJobStore(pg_url):
            pass


@pytest.mark.parametrize(
    ("make_url", "error", "words"),
    [
        (
            lambda url: url.replace("postgresql://loracord@", "postgresql://nobody:s3cret@"),
            StoreConfigError,
            "user name or password",
        ),
        (lambda url: url.replace("@/", "@/missing_", 1), StoreConfigError, "does not exist"),
        (
            lambda url: url.split("?", 1)[0] + "?host=/nonexistent&port=1",
            StoreUnavailable,
            "cannot reach PostgreSQL",
        ),
        (lambda url: "postgresql://a:b@host:notaport/db", StoreConfigError, "not a valid PostgreSQL URL"),
    ],
)
async def test_bad_url_or_server_gives_one_message_naming_the_setting(pg_url, make_url, error, words):
    url = make_url(pg_url)
    with pytest.raises(error) as caught:
        async with PgJobStore(url):
            pass
    message = str(caught.value)
    assert message.startswith("storage.database_url:") and words in message
    assert "s3cret" not in message  # never the password


async def test_parallel_claims_from_many_connections_keep_every_limit(pg_url):
    limits = QueueLimits(0, 1, 0, 0, max_running_jobs_per_guild=2)  # 1 per user, 2 per guild
    stores = [PgJobStore(pg_url, pool_size=2) for _ in range(6)]
    for s in stores:
        await s.open()
    try:
        for i in range(36):
            await stores[0].enqueue(spec(owner=i % 6, guild=i % 3, name=f"j{i}"), limits)
        finished = []
        while True:
            got = await asyncio.gather(*(s.claim(f"w{k}", 60, limits) for k, s in enumerate(stores)))
            running = await stores[0].list_jobs(statuses=[JobStatus.RUNNING], limit=100)
            assert max(Counter(j.owner_id for j in running).values(), default=0) <= 1
            assert max(Counter(j.guild_id for j in running).values(), default=0) <= 2
            jobs = [j for j in got if j is not None]
            if not jobs and not running:
                break
            for job in running:  # every running job ends; the next round claims again
                await stores[0].finish(job.id, job.worker_id, JobStatus.SUCCEEDED, JobResult(output="o"))
                finished.append(job.id)
        assert len(finished) == len(set(finished)) == 36  # each job ran exactly once
    finally:
        for s in stores:
            await s.close()


async def _drop_connections(url):
    killer = await asyncpg.connect(url)
    await killer.execute(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    await killer.close()


async def test_a_dropped_connection_is_unavailable_then_recovers(pg_url):
    async with PgJobStore(pg_url, pool_size=1) as store:
        job = await store.enqueue(spec(), NO_LIMITS)
        with pytest.raises(StoreUnavailable, match="job store"):
            async with store.tx() as con:  # the server goes away in the middle of a transaction
                await _drop_connections(pg_url)
                await con.fetchval("SELECT 1")
        await _drop_connections(pg_url)  # between calls: at most one call fails, then the pool reconnects
        with contextlib.suppress(StoreUnavailable):
            await store.get_job(job.id)
        assert (await store.get_job(job.id)).status is JobStatus.QUEUED
