"""Scale simulation: many workers claiming short fake jobs from one PostgreSQL store, with crashes.

`python -m bench scale [--workers 100 --jobs 10000 --users 500 --guilds 20 --backend postgresql]`

A scratch PostgreSQL server is started from the installed binaries (trainer/queue/pg_local.py), or a
SQLite file is used (`--backend sqlite`). Every user submits jobs/users jobs, in turns; user u belongs
to guild u mod guilds. Worker processes (`--procs`) each run workers/procs worker loops: claim, then
heartbeat every `--beat` seconds for `--beats` beats, then finish. With probability `--crash` a
worker "dies" mid-job (stops heartbeating and abandons the job, as kill -9 would) and comes back
under a new id; the job returns to the queue when its lease expires. Limits: 1 running job per user,
`--guild-limit` per guild. Then the job events are read back and checked:

- lost: jobs not succeeded at the end; double: a job claimed again while its lease was held (two
  `claimed` events without a `requeued` between) or succeeded twice;
- fairness: among the first `--window` claims (every user still has queued jobs then; a crashed
  job's claim counts, it held a GPU too), each user's share of the claims — of GPU time, as every
  fake job is equally long — against the fair share 1/users (max and p99 relative deviation);
- claim latency p50/p99 (ms) as measured by the workers.

The fake job is `beats` × `beat` seconds (2 s by default) against a 4 s lease: a crashed job holds
its owner's running slot until the lease expires, so the lease must stay short against the job, as
it is in real use (a 120 s lease against training runs of many minutes); with a lease many times the
job length, crashed users fall behind in the window by that many rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from trainer.queue.backends import open_store
from trainer.queue.options import QueueLimits, QueueOptions
from trainer.queue.types import JobResult, JobSpec, JobStateError, JobStatus


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__.split("\n")[0])
    p.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    p.add_argument("--workers", type=int, default=100)
    p.add_argument("--jobs", type=int, default=10_000)
    p.add_argument("--users", type=int, default=500)
    p.add_argument("--guilds", type=int, default=20)
    p.add_argument("--procs", type=int, default=4, help="worker processes (the workers are split among them)")
    p.add_argument("--beats", type=int, default=10, help="heartbeats per fake job")
    p.add_argument("--beat", type=float, default=0.2, help="seconds between heartbeats")
    p.add_argument("--lease", type=float, default=4.0)
    p.add_argument("--crash", type=float, default=0.01, help="chance a worker dies during a job")
    p.add_argument("--guild-limit", type=int, default=10)
    p.add_argument(
        "--window", type=int, default=0, help="claims judged for fairness (0: 80%% of users' rounds)"
    )
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    return p.parse_args(argv)


def limits_of(args: argparse.Namespace) -> QueueLimits:
    return QueueLimits(0, 1, 0, 0, max_running_jobs_per_guild=args.guild_limit)


async def submit_all(options: QueueOptions, args: argparse.Namespace) -> None:
    per_user = args.jobs // args.users
    async with open_store(options) as store:
        specs = [
            JobSpec(
                owner_id=u + 1, guild_id=u % args.guilds + 1, config={}, job_dir=f"/sim/{r}-{u}", name="sim"
            )
            for r in range(per_user)
            for u in range(args.users)
        ]
        for start in range(0, len(specs), 50):
            await asyncio.gather(
                *(store.enqueue(s, limits_of(args), max_attempts=5) for s in specs[start : start + 50])
            )


async def worker_loop(
    store, wid: str, args, rng: random.Random, latencies: list[float], stats: Counter
) -> None:
    limits, generation = limits_of(args), 0
    while True:
        me = f"{wid}.{generation}"
        t0 = time.perf_counter()
        job = await store.claim(me, args.lease, limits)
        latencies.append(time.perf_counter() - t0)
        if job is None:
            if (
                await store.count_jobs(JobStatus.QUEUED) == 0
                and await store.count_jobs(JobStatus.RUNNING) == 0
            ):
                return
            stats["idle_claims"] += 1
            await asyncio.sleep(args.beat)
            continue
        crash_at = rng.randrange(args.beats) if rng.random() < args.crash else None
        crashed = False
        lost = False
        for beat in range(args.beats):
            await asyncio.sleep(args.beat)
            if beat == crash_at:
                crashed = True  # dies: no more heartbeats, no finish; comes back as a new worker
                break
            if not (await store.heartbeat(job.id, me, args.lease)).lease_held:
                lost = True  # too slow to renew (an overloaded host): the job is someone else's now
                break
        if crashed:
            stats["crashes"] += 1
            generation += 1
            continue
        try:
            if not lost:
                await store.finish(job.id, me, JobStatus.SUCCEEDED, JobResult(output="sim"))
                stats["finished"] += 1
                continue
        except JobStateError:
            pass
        stats["leases_lost"] += 1  # as the real worker: stop, leave the job to its new holder


def run_process(
    data_dir: str, url: str, limits: QueueLimits, args: argparse.Namespace, index: int, count: int, out: str
) -> None:
    # The options are rebuilt here: the database URL is a Secret, which refuses to be pickled.
    options = QueueOptions(data_dir=Path(data_dir), database_url=url, limits=limits)

    async def main() -> None:
        latencies: list[float] = []
        stats: Counter = Counter()
        store = open_store(options)
        if hasattr(store, "pool_size"):
            store.pool_size = count  # one connection per worker: a heartbeat never queues behind claims
        async with store:
            rng = random.Random(index)
            await asyncio.gather(
                *(worker_loop(store, f"p{index}w{k}", args, rng, latencies, stats) for k in range(count))
            )
        Path(out).write_text(json.dumps({"latencies": latencies, "stats": dict(stats)}))

    asyncio.run(main())


async def read_back(options: QueueOptions) -> tuple[list, list]:
    async with open_store(options) as store:
        jobs = await store.list_jobs(limit=10**7, oldest_first=True)
        events = []
        for job in jobs:
            events += await store.events_since(job.id)
    return jobs, events


def judge(jobs, events, args: argparse.Namespace) -> dict:
    by_job = defaultdict(list)
    for e in sorted(events, key=lambda e: e.seq):
        by_job[e.job_id].append(e.type)
    double = 0
    for types in by_job.values():
        held = False
        for t in types:
            if t == "claimed":
                double += held
                held = True
            elif t in ("requeued", "succeeded", "failed", "cancelled"):
                held = False
        double += max(0, types.count("succeeded") - 1)
    lost = sum(1 for j in jobs if j.status is not JobStatus.SUCCEEDED)
    owner = {j.id: j.owner_id for j in jobs}
    # Every claim holds a GPU for the same fake job length (a crashed attempt too, until it dies),
    # so a user's share of GPU time in the window is their share of the claims.
    claims = sorted((e for e in events if e.type == "claimed"), key=lambda e: e.seq)
    window = args.window or int(0.8 * (args.jobs // args.users)) * args.users
    counts = Counter(owner[e.job_id] for e in claims[:window])
    fair = window / args.users
    deviations = sorted(abs(counts.get(u + 1, 0) - fair) / fair for u in range(args.users))
    spread = Counter(counts.get(u + 1, 0) for u in range(args.users))
    return {
        "lost": lost,
        "double_claimed": double,
        "window": window,
        "fair_share": fair,
        "max_share_deviation": deviations[-1],
        "p99_share_deviation": deviations[int(0.99 * (len(deviations) - 1))],
        "requeued": sum(1 for e in events if e.type == "requeued"),
        "claims_per_user": dict(sorted(spread.items())),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(argv or [])
    with tempfile.TemporaryDirectory(prefix="loracord-scale-") as tmp:
        os.chmod(tmp, 0o755)  # the server runs as the postgres user
        server = None
        if args.backend == "postgresql":
            from trainer.queue.pg_local import create_database, start_local_postgres

            server = start_local_postgres(Path(tmp) / "pg")
            asyncio.run(create_database(server.url(), "scale"))
            url = server.url("scale")
        else:
            url = f"sqlite:///{tmp}/scale.db"
        options = QueueOptions(data_dir=Path(tmp), database_url=url, limits=limits_of(args))
        try:
            t0 = time.perf_counter()
            asyncio.run(submit_all(options, args))
            submit_s = time.perf_counter() - t0
            per = [args.workers // args.procs + (i < args.workers % args.procs) for i in range(args.procs)]
            ctx = multiprocessing.get_context("spawn")
            outs = [f"{tmp}/w{i}.json" for i in range(args.procs)]
            procs = [
                ctx.Process(target=run_process, args=(tmp, url, options.limits, args, i, n, outs[i]))
                for i, n in enumerate(per)
            ]
            t0 = time.perf_counter()
            for p in procs:
                p.start()
            for p in procs:
                p.join()
            run_s = time.perf_counter() - t0
            jobs, events = asyncio.run(read_back(options))
            parts = [json.loads(Path(o).read_text()) for o in outs if Path(o).exists()]
        finally:
            if server is not None:
                server.stop()
    if len(parts) != args.procs:
        raise SystemExit("a worker process failed; see its traceback above")
    lat = sorted(x for p in parts for x in p["latencies"])
    stats = sum((Counter(p["stats"]) for p in parts), Counter())
    result = {
        "backend": args.backend,
        "workers": args.workers,
        "jobs": args.jobs,
        "users": args.users,
        "guilds": args.guilds,
        "submit_s": round(submit_s, 1),
        "run_s": round(run_s, 1),
        "claims": len(lat),
        "claim_p50_ms": round(1000 * statistics.median(lat), 1),
        "claim_p99_ms": round(1000 * lat[int(0.99 * (len(lat) - 1))], 1),
        "crashes": stats["crashes"],
        "leases_lost": stats["leases_lost"],
        **judge(jobs, events, args),
    }
    for key, value in result.items():
        print(f"{key:22} {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0 if result["lost"] == 0 and result["double_claimed"] == 0 else 1
