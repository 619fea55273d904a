"""Queue benchmark: `python -m bench.bench_queue [--jobs 10000] [--overhead-runs 3]`.

1. Enqueue: 10,000 jobs one by one into a fresh SQLite store (WAL) with the sharing limits checked in
   the same transaction, as the bot does: throughput and per-call latency.
2. Claim with 10,000 jobs in the store: per-claim latency in one process (lease reaping + the fair
   pick + the update, one transaction each), and throughput with 4 processes claiming at once.
3. Worker overhead per job: time from the claim to the first training step of a tiny-model job run by
   the worker, against the bare `loracord train` of the same config (process start to first step),
   as a ratio.

Prints a Markdown report (and JSON with --json PATH).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from trainer.queue.backends import open_store
from trainer.queue.options import QueueLimits, QueueOptions, WorkerOptions
from trainer.queue.types import JobSpec

LIMITS = QueueLimits(
    max_queued_jobs_per_user=100,
    max_running_jobs_per_user=1,
    max_queued_jobs_per_guild=100_000,
    daily_gpu_minutes_per_user=240,
)
CONFIG = {
    "name": "bench",
    "max_train_steps": 1000,
    "model_arch": "sd15",
    "resolution": 512,
    "config_version": 1,
}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _latency(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": 1000 * statistics.median(values),
        "p95_ms": 1000 * _pct(values, 0.95),
        "p99_ms": 1000 * _pct(values, 0.99),
        "max_ms": 1000 * max(values),
    }


async def bench_enqueue(options: QueueOptions, jobs: int, users: int) -> dict[str, Any]:
    lat = []
    async with open_store(options) as store:
        start = time.perf_counter()
        for i in range(jobs):
            spec = JobSpec(owner_id=i % users, guild_id=i % 10, config=CONFIG, job_dir=f"/jobs/{i}")
            t = time.perf_counter()
            await store.enqueue(spec, LIMITS)
            lat.append(time.perf_counter() - t)
        total = time.perf_counter() - start
    return {"jobs": jobs, "seconds": total, "per_s": jobs / total, **_latency(lat)}


async def bench_claim(options: QueueOptions, claims: int) -> dict[str, Any]:
    lat = []
    async with open_store(options) as store:
        queued = await store.count_jobs()
        start = time.perf_counter()
        for _ in range(claims):
            t = time.perf_counter()
            job = await store.claim("bench", 600, LIMITS)
            lat.append(time.perf_counter() - t)
            if job is None:
                raise RuntimeError("the store ran out of claimable jobs; raise --jobs or lower --claims")
        total = time.perf_counter() - start
    return {
        "jobs_in_store": queued,
        "claims": claims,
        "seconds": total,
        "per_s": claims / total,
        **_latency(lat),
    }


def _claim_process(data_dir: str, worker: str, claims: int, out: Any) -> None:
    async def run() -> list[str]:
        got = []
        # Every user already runs a job after the single-process part: no running limit here.
        free = QueueLimits(0, 0, 0, 0)
        async with open_store(QueueOptions(data_dir=Path(data_dir))) as store:
            for _ in range(claims):
                job = await store.claim(worker, 600, free)
                if job is not None:
                    got.append(job.id)
        return got

    out.put(asyncio.run(run()))


def bench_parallel_claims(options: QueueOptions, processes: int, claims_each: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_claim_process, args=(str(options.data_dir), f"p{i}", claims_each, out))
        for i in range(processes)
    ]
    start = time.perf_counter()
    for p in procs:
        p.start()
    got = [job_id for _ in procs for job_id in out.get(timeout=600)]
    for p in procs:
        p.join()
    total = time.perf_counter() - start  # includes interpreter start-up of each process
    return {
        "processes": processes,
        "claims": len(got),
        "distinct": len(set(got)),
        "seconds": total,
        "per_s": len(got) / total,
    }


# --- worker overhead ------------------------------------------------------------------------------------


def _tiny_setup(root: Path) -> dict[str, Any]:
    import numpy as np
    from PIL import Image

    from trainer.models.tiny import build_tiny_pipeline

    model = build_tiny_pipeline(root / "model", "sd15")
    data = root / "images"
    data.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(data / f"{i}.png")
        (data / f"{i}.txt").write_text("sks pattern")
    return {
        "pretrained_model": str(model),
        "model_arch": "sd15",
        "data_dir": str(data),
        "name": "tiny",
        "max_train_steps": 3,
        "resolution": 64,
        "min_bucket_reso": 64,
        "max_bucket_reso": 128,
        "network_dim": 4,
        "network_alpha": 4.0,
        "sample_every_n_steps": 0,
        "sample_steps": 1,
        "save_every_n_steps": 0,
    }


def _first_step_time(events: Path) -> float | None:
    if not events.exists():
        return None
    for line in events.read_text().splitlines():
        event = json.loads(line)
        if event.get("type") == "step":
            return float(event["time"])
    return None


def bare_train(config_file: Path, out: Path) -> float:
    """Seconds from starting `loracord train` to its first step event."""
    loracord = Path(sys.executable).with_name("loracord")
    start = time.time()
    proc = subprocess.Popen(
        [str(loracord), "train", str(config_file), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if proc.wait(timeout=600) != 0:
        raise RuntimeError(f"loracord train failed; see {out}")
    first = _first_step_time(out / "events.jsonl")
    if first is None:
        raise RuntimeError(f"no step event in {out}/events.jsonl")
    return first - start


async def worker_train(root: Path, config: dict[str, Any], run: int) -> tuple[float, float]:
    """Seconds from the worker's claim to the job's first step event, and to the child's start."""
    from config.training import from_dict
    from trainer.queue.jobdir import submit_job
    from trainer.queue.worker import Worker

    options = WorkerOptions(
        queue=QueueOptions(data_dir=root / f"worker-data-{run}", limits=QueueLimits(0, 0, 0, 0)),
        min_free_disk_gb=0.0,
        heartbeat_seconds=5.0,
    )
    async with open_store(options.queue) as store:
        job = await submit_job(store, options.queue, from_dict(config), owner_id=1)
        await Worker(store, options).run_until_empty()
        events = await store.events_since(job.id)
        claimed = next(e.time for e in events if e.type == "claimed")
        spawned = next(e.time for e in events if e.type == "spawned")
        if (await store.get_job(job.id)).status.value != "succeeded":
            raise RuntimeError(f"benchmark job failed; see {job.job_dir}/train.log")
    first = _first_step_time(Path(job.job_dir) / "events.jsonl")
    if first is None:
        raise RuntimeError("no step event")
    return first - claimed, spawned - claimed


def bench_overhead(root: Path, runs: int) -> dict[str, Any]:
    import tomli_w

    config = _tiny_setup(root)
    config_file = root / "tiny.toml"
    config_file.write_text(tomli_w.dumps(config))
    bare, worker, spawn = [], [], []
    for i in range(runs):  # interleaved, so a neighbour's load hits both sides alike
        bare.append(bare_train(config_file, root / f"bare-{i}"))
        to_step, to_spawn = asyncio.run(worker_train(root, config, i))
        worker.append(to_step)
        spawn.append(to_spawn)
    b, w = statistics.median(bare), statistics.median(worker)
    return {
        "runs": runs,
        "bare_s": bare,
        "worker_s": worker,
        "claim_to_spawn_s": spawn,
        "bare_median_s": b,
        "worker_median_s": w,
        "ratio": w / b,
    }


def report(results: dict[str, Any]) -> str:
    e, c = results["enqueue"], results["claim"]
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| enqueue, {e['jobs']:,} jobs one by one | {e['per_s']:.0f} jobs/s; p50 {e['p50_ms']:.2f} ms, "
        f"p95 {e['p95_ms']:.2f} ms, p99 {e['p99_ms']:.2f} ms, max {e['max_ms']:.1f} ms |",
        f"| claim with {c['jobs_in_store']:,} jobs in the store ({c['claims']} claims) | {c['per_s']:.0f} claims/s; "
        f"p50 {c['p50_ms']:.2f} ms, p95 {c['p95_ms']:.2f} ms, p99 {c['p99_ms']:.2f} ms, max {c['max_ms']:.1f} ms |",
    ]
    if "parallel" in results:
        p = results["parallel"]
        lines.append(
            f"| claim, {p['processes']} processes at once | {p['claims']} claims in {p['seconds']:.1f} s "
            f"({p['per_s']:.0f}/s incl. start-up), {p['distinct']} distinct |"
        )
    if "overhead" in results:
        o = results["overhead"]
        lines.append(
            f"| claim → first step, worker (median of {o['runs']}) | {o['worker_median_s']:.1f} s "
            f"({', '.join(f'{v:.1f}' for v in o['worker_s'])}) |"
        )
        lines.append(
            f"| start → first step, bare `loracord train` | {o['bare_median_s']:.1f} s "
            f"({', '.join(f'{v:.1f}' for v in o['bare_s'])}) |"
        )
        lines.append(f"| worker overhead ratio (medians) | {o['ratio']:.2f} |")
        spawn = statistics.median(o["claim_to_spawn_s"]) * 1000
        lines.append(f"| claim → child process started (worker's own work, median) | {spawn:.0f} ms |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_queue", description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--claims", type=int, default=1_000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--overhead-runs", type=int, default=3, help="0 skips the worker-overhead part")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
        root = Path(tmp)
        options = QueueOptions(data_dir=root / "data")
        results["enqueue"] = asyncio.run(bench_enqueue(options, args.jobs, args.users))
        results["claim"] = asyncio.run(bench_claim(options, args.claims))
        if args.processes > 1:
            per = max(1, args.claims // args.processes)
            results["parallel"] = bench_parallel_claims(options, args.processes, per)
        if args.overhead_runs > 0:
            results["overhead"] = bench_overhead(root, args.overhead_runs)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
