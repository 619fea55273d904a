"""The per-guild limit on running jobs: a full guild's jobs wait (never refused) while other guilds'
jobs start, and the predicted order (queue positions, ETAs) is the order the workers really claim in."""

from __future__ import annotations

import random

from conftest import NO_LIMITS

from trainer.queue import eta
from trainer.queue.fairness import QueuedRef, RunningRef, simulate_order
from trainer.queue.options import QueueLimits
from trainer.queue.types import JobResult, JobSpec, JobStatus

T0 = 1_800_000_000.0
GUILD_A, GUILD_B = 100, 200
ONE_PER_GUILD = QueueLimits(0, 0, 0, 0, max_running_jobs_per_guild=1)


def spec(owner, guild=None, name="lora", priority=False):
    return JobSpec(
        owner_id=owner,
        guild_id=guild,
        config={"name": name, "max_train_steps": 10, "config_version": 1},
        job_dir=f"/tmp/jobs/{name}",
        name=name,
        priority=priority,
    )


async def done(store, job):
    await store.finish(job.id, job.worker_id, JobStatus.SUCCEEDED, JobResult(output=f"out/{job.id}"))


async def test_a_full_guild_waits_while_another_guild_is_served(store):
    a1 = await store.enqueue(spec(1, GUILD_A, "a1"), ONE_PER_GUILD, now=T0)
    running_a1 = await store.claim("w1", 60, ONE_PER_GUILD, now=T0 + 1)
    assert running_a1.id == a1.id
    a2 = await store.enqueue(spec(2, GUILD_A, "a2"), ONE_PER_GUILD, now=T0 + 2)  # older than b1
    b1 = await store.enqueue(spec(3, GUILD_B, "b1"), ONE_PER_GUILD, now=T0 + 3)
    # Without the guild limit a2 would go first; with it, b1 does, and the prediction says so.
    assert await store.queue_order() == [a2.id, b1.id]
    predicted = await store.queue_order(ONE_PER_GUILD)
    assert predicted == [b1.id, a2.id]
    estimates = await eta.estimate_queue(store, workers=3, limits=ONE_PER_GUILD)
    assert (estimates[b1.id].position, estimates[a2.id].position) == (1, 2)

    claimed = [(await store.claim("w2", 60, ONE_PER_GUILD, now=T0 + 4)).id]
    assert await store.claim("w3", 60, ONE_PER_GUILD, now=T0 + 5) is None  # guild A is full
    assert (await store.get_job(a2.id)).status is JobStatus.QUEUED  # waiting, not refused
    await done(store, running_a1)
    claimed.append((await store.claim("w3", 60, ONE_PER_GUILD, now=T0 + 6)).id)
    assert claimed == predicted == [b1.id, a2.id]


async def test_the_owner_s_job_in_another_guild_is_not_held_back(store):
    first = await store.enqueue(spec(1, GUILD_A, "a1"), ONE_PER_GUILD)
    await store.claim("w1", 60, ONE_PER_GUILD)
    older = await store.enqueue(spec(1, GUILD_A, "a2"), ONE_PER_GUILD)
    other_guild = await store.enqueue(spec(1, GUILD_B, "b1"), ONE_PER_GUILD)
    cli_job = await store.enqueue(spec(1, None, "cli"), ONE_PER_GUILD)  # no guild: never counted
    assert await store.queue_order(ONE_PER_GUILD) == [other_guild.id, cli_job.id, older.id]
    assert (await store.claim("w2", 60, ONE_PER_GUILD)).id == other_guild.id
    assert (await store.claim("w3", 60, ONE_PER_GUILD)).id == cli_job.id
    assert await store.claim("w4", 60, ONE_PER_GUILD) is None
    await done(store, await store.get_job(first.id))
    assert (await store.claim("w4", 60, ONE_PER_GUILD)).id == older.id


async def test_admin_priority_is_exempt_but_counts_towards_the_guild(store):
    await store.enqueue(spec(1, GUILD_A, "a1"), ONE_PER_GUILD)
    await store.claim("w1", 60, ONE_PER_GUILD)
    admin = await store.enqueue(spec(9, GUILD_A, "admin", priority=True), ONE_PER_GUILD)
    assert (await store.claim("w2", 60, ONE_PER_GUILD)).id == admin.id
    await store.enqueue(spec(2, GUILD_A, "a2"), ONE_PER_GUILD)
    assert await store.claim("w3", 60, ONE_PER_GUILD) is None


async def test_guild_limit_of_two_runs_two_at_once(store):
    limits = QueueLimits(0, 0, 0, 0, max_running_jobs_per_guild=2)
    jobs = [await store.enqueue(spec(i, GUILD_A, f"a{i}"), limits) for i in range(3)]
    assert (await store.claim("w1", 60, limits)).id == jobs[0].id
    assert (await store.claim("w2", 60, limits)).id == jobs[1].id
    assert await store.claim("w3", 60, limits) is None


async def test_predicted_order_equals_claims_for_random_mixes_under_limits(store):
    """Workers claim until nothing may start; then the longest-running job finishes. The prediction
    made before (with jobs already running) must be exactly the claim order."""
    rng = random.Random(11)
    clock = T0
    for round_ in range(5):
        limits = QueueLimits(
            0,
            rng.choice([0, 1, 2]),
            0,
            0,
            max_running_jobs_per_guild=rng.choice([1, 2, 3]),
        )
        for _ in range(rng.randint(4, 14)):
            job = spec(
                rng.randint(1, 5),
                rng.choice([GUILD_A, GUILD_B, 300, None]),
                f"r{round_}",
                priority=rng.random() < 0.1,
            )
            await store.enqueue(job, NO_LIMITS)
        for _ in range(rng.randint(0, 3)):  # some jobs already running when the prediction is made
            clock += 1
            await store.claim("pre", 60, limits, now=clock)
        predicted = await store.queue_order(limits)
        claimed = []
        while await store.count_jobs(JobStatus.QUEUED):
            clock += 1
            job = await store.claim(f"w{clock}", 600, limits, now=clock)
            if job is not None:
                claimed.append(job.id)
                continue
            running = await store.list_jobs(statuses=[JobStatus.RUNNING], limit=1000)
            assert running, "nothing runs, yet nothing may start"
            oldest = min(running, key=lambda j: (j.started_at, j.created_at))
            await done(store, oldest)
        assert claimed == predicted, f"round {round_}"


def test_simulation_without_limits_keeps_the_plain_round_robin():
    queued = [QueuedRef(1, "a1", 1, False, GUILD_A), QueuedRef(2, "a2", 1, False, GUILD_A)]
    queued.append(QueuedRef(3, "b1", 2, False, GUILD_B))
    running = [RunningRef(1, GUILD_A)]
    assert simulate_order(queued, {}) == ["a1", "b1", "a2"]
    assert simulate_order(queued, {}, ONE_PER_GUILD, running) == ["b1", "a1", "a2"]
