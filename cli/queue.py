"""`loracord worker` and `loracord queue submit/submit-sample/list/show/cancel/pause/resume`.

Every `queue` action takes `--json` for scripts; the plain output is for people.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from cli import job_delivery, queue_store
from cli.errors import CommandError
from trainer.queue import eta
from trainer.queue.options import QueueLimits, QueueOptions, WorkerOptions, parse_gpus
from trainer.queue.types import Job, JobStatus


def register(subparsers: argparse._SubParsersAction) -> None:
    w = subparsers.add_parser(
        "worker", help="run trainer workers (one per GPU) that take jobs from the queue"
    )
    w.add_argument(
        "--gpus", default=None, help="GPUs to use, one worker each, e.g. 0,1 (default: worker.gpus)"
    )
    w.add_argument("--burst", action="store_true", help="run the queued jobs, then exit")
    w.set_defaults(func=cmd_worker)

    q = subparsers.add_parser("queue", help="submit, inspect and control training jobs without Discord")
    qs = q.add_subparsers(dest="queue_command", metavar="ACTION")
    qs.required = True
    s = qs.add_parser("submit", help="queue a training job from a config file")
    s.add_argument("config_file", type=Path, metavar="CONFIG.toml")
    s.add_argument("--user", type=int, required=True, help="owner: a Discord user id")
    s.add_argument("--guild", type=int, default=None, help="Discord server id (for per-server limits)")
    s.add_argument("--priority", action="store_true", help="admin priority: start before everyone else")
    s.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config value")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_submit)
    ss = qs.add_parser(
        "submit-sample",
        help="queue a sample job: the prompts across a finished job's checkpoints x LoRA strengths",
    )
    ss.add_argument("source_job_id", metavar="RUN_JOB_ID", help="the finished training job to sample")
    ss.add_argument("--user", type=int, required=True, help="owner: must own the training job")
    ss.add_argument("--guild", type=int, default=None, help="Discord server id (for per-server limits)")
    ss.add_argument(
        "--prompt", action="append", default=[], help="a prompt (up to 4; default: the run's sample prompts)"
    )
    ss.add_argument("--strengths", default="0.6,0.8,1.0", help="LoRA strengths, e.g. 0.6,0.8,1.0")
    ss.add_argument(
        "--checkpoints", default="", help="steps to sample, e.g. 500,1000 (default: every saved one)"
    )
    ss.add_argument("--seed", type=int, default=None, help="first seed (default: the run's sample_seed)")
    ss.add_argument("--steps", type=int, default=None, help="denoising steps (default: the run's)")
    ss.add_argument("--guidance", type=float, default=None, help="guidance scale (default: the run's)")
    ss.add_argument("--json", action="store_true")
    ss.set_defaults(func=cmd_submit_sample)
    ls = qs.add_parser("list", help="queued and running jobs (--all: finished ones too)")
    ls.add_argument("--all", action="store_true")
    ls.add_argument("--user", type=int, default=None)
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    sh = qs.add_parser("show", help="everything about one job")
    sh.add_argument("job_id", metavar="ID")
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(func=cmd_show)
    c = qs.add_parser("cancel", help="cancel a queued job, or stop a running one")
    c.add_argument("job_id", metavar="ID")
    c.set_defaults(func=cmd_cancel)
    d = qs.add_parser("delete-files", help="delete a finished job's files now (LoRA, samples, checkpoints)")
    d.add_argument("job_id", metavar="ID")
    d.set_defaults(func=cmd_delete_files)
    qs.add_parser("pause", help="start no new jobs (running ones go on)").set_defaults(func=cmd_pause)
    qs.add_parser("resume", help="start jobs again").set_defaults(func=cmd_resume)
    queue_store.register_actions(qs)  # migrate-store, workers


def _with_store(settings: Any, action: Callable[[Any, QueueOptions], Awaitable[int]]) -> int:
    from trainer.queue.backends import open_store
    from trainer.queue.fairness import QueueRefused
    from trainer.queue.store import StoreConfigError, StoreUnavailable
    from trainer.queue.types import JobNotFound, JobStateError

    options = QueueOptions.from_settings(settings)

    async def run() -> int:
        async with open_store(options) as store:
            return await action(store, options)

    try:
        return asyncio.run(run())
    except (QueueRefused, JobNotFound, JobStateError, StoreConfigError, StoreUnavailable) as exc:
        raise CommandError(str(exc)) from None


def cmd_worker(args: argparse.Namespace, settings: Any) -> int:
    from advisor.diagnose import diagnose
    from trainer.queue.launcher import run_worker, supervise

    try:
        gpus = parse_gpus(args.gpus if args.gpus is not None else settings.worker.gpus)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if len(gpus) <= 1:
        options = WorkerOptions.from_settings(settings, gpu=gpus[0] if gpus else None)
        return asyncio.run(run_worker(options, burst=args.burst, diagnose=diagnose))
    return supervise([WorkerOptions.from_settings(settings, gpu=g) for g in gpus], burst=args.burst)


def cmd_submit(args: argparse.Namespace, settings: Any) -> int:
    from advisor.vram import job_needs
    from config.training import ConfigError, load_train_config, parse_set_args
    from trainer.queue.jobdir import JobDirError, submit_job

    try:
        config = load_train_config(args.config_file, overrides=parse_set_args(args.set))
    except ConfigError as exc:
        raise CommandError(str(exc)) from None

    async def action(store: Any, options: QueueOptions) -> int:
        try:
            job = await submit_job(
                store,
                options,
                config,
                owner_id=args.user,
                guild_id=args.guild,
                priority=args.priority,
                vram_gb=job_needs(config)[0],  # workers with less free VRAM leave it to others
            )
        except JobDirError as exc:
            raise CommandError(str(exc)) from None
        await _print_queued(store, settings, args, job, f"job {job.id}")
        return 0

    return _with_store(settings, action)


async def _print_queued(store: Any, settings: Any, args: argparse.Namespace, job: Any, what: str) -> None:
    """Report a new job with its queue position (JSON with --json)."""
    estimate = (await _estimates(store, settings)).get(job.id)
    if args.json:
        print(json.dumps(_job_dict(job, estimate)))
    else:
        where = f"position {estimate.position}, starts in ~{eta.format_duration(estimate.starts_in_s)}"
        if estimate.no_worker:
            where = f"position {estimate.position}; no live worker can run it yet (GPUs, VRAM or model)"
        print(f"queued {what} ({where}); folder {job.job_dir}")


def cmd_submit_sample(args: argparse.Namespace, settings: Any) -> int:
    from trainer.queue.samplejob import SampleRefused, submit_sample_job
    from trainer.queue.samplereq import SampleRequestError, parse_strengths

    try:
        strengths = parse_strengths(args.strengths)
        steps = [int(p) for p in args.checkpoints.replace(" ", ",").split(",") if p]
    except SampleRequestError as exc:
        raise CommandError(str(exc)) from None
    except ValueError:
        raise CommandError(f"--checkpoints: {args.checkpoints!r} is not a list of step numbers") from None

    async def action(store: Any, options: QueueOptions) -> int:
        try:
            job = await submit_sample_job(
                store,
                options,
                args.source_job_id,
                owner_id=args.user,
                guild_id=args.guild,
                prompts=args.prompt,
                strengths=strengths,
                checkpoints=steps,
                seed=args.seed,
                steps=args.steps,
                guidance=args.guidance,
            )
        except (SampleRefused, SampleRequestError) as exc:
            raise CommandError(str(exc)) from None
        await _print_queued(store, settings, args, job, f"sample job {job.id} of job {args.source_job_id}")
        return 0

    return _with_store(settings, action)


def cmd_list(args: argparse.Namespace, settings: Any) -> int:
    async def action(store: Any, options: QueueOptions) -> int:
        statuses = None if args.all else [JobStatus.QUEUED, JobStatus.RUNNING]
        jobs = await store.list_jobs(statuses=statuses, owner_id=args.user, limit=args.limit)
        estimates = await _estimates(store, settings)
        paused = await store.is_paused()
        rank = {JobStatus.RUNNING: 0, JobStatus.QUEUED: 1}
        jobs.sort(key=lambda j: (rank.get(j.status, 2), estimates[j.id].position if j.id in estimates else 0))
        if args.json:
            print(json.dumps({"paused": paused, "jobs": [_job_dict(j, estimates.get(j.id)) for j in jobs]}))
            return 0
        if paused:
            print("the queue is PAUSED: no new job starts (`loracord queue resume`)")
        if not jobs:
            print("no jobs" if args.all else "no queued or running jobs")
            return 0
        print(f"{'ID':22} {'STATUS':10} {'USER':>20} {'POS':>4} {'PROGRESS':>12} {'ETA':>10}  NAME")
        for job in jobs:
            print(_job_line(job, estimates.get(job.id)))
        return 0

    return _with_store(settings, action)


def cmd_show(args: argparse.Namespace, settings: Any) -> int:
    async def action(store: Any, options: QueueOptions) -> int:
        job = await store.get_job(args.job_id)
        estimate = (await _estimates(store, settings)).get(job.id)
        data = _job_dict(job, estimate)
        data.update(job_delivery.delivery_fields(job, settings))
        if args.json:
            data["config"] = dict(job.config)
            data["events"] = [dataclasses.asdict(e) for e in await store.events_since(job.id)]
            print(json.dumps(data))
            return 0
        files = data.pop("files", [])
        for key, value in data.items():
            if value not in (None, "", [], ()):
                print(f"{key:>14}: {str(value).rstrip()}")
        job_delivery.print_files(files)
        return 0

    return _with_store(settings, action)


def cmd_cancel(args: argparse.Namespace, settings: Any) -> int:
    async def action(store: Any, options: QueueOptions) -> int:
        job = await store.request_cancel(args.job_id)
        if job.status == JobStatus.CANCELLED:
            print(f"cancelled job {job.id}")
        else:
            print(f"asked the worker to stop job {job.id}; it stops after its current step")
        return 0

    return _with_store(settings, action)


def cmd_delete_files(args: argparse.Namespace, settings: Any) -> int:
    from trainer.queue.retention import delete_job_files

    async def action(store: Any, options: QueueOptions) -> int:
        freed = await delete_job_files(store, args.job_id)
        print(f"deleted the files of job {args.job_id} ({freed / 1e6:.1f} MB freed); the job stays listed")
        return 0

    return _with_store(settings, action)


def cmd_pause(args: argparse.Namespace, settings: Any) -> int:
    async def action(store: Any, options: QueueOptions) -> int:
        await store.set_paused(True)
        print("queue paused: running jobs go on, no new job starts")
        return 0

    return _with_store(settings, action)


def cmd_resume(args: argparse.Namespace, settings: Any) -> int:
    async def action(store: Any, options: QueueOptions) -> int:
        await store.set_paused(False)
        print("queue resumed")
        return 0

    return _with_store(settings, action)


async def _estimates(store: Any, settings: Any) -> dict[str, eta.Estimate]:
    # The configured limits, so positions match the order the workers will really claim in.
    return await eta.estimate_queue(store, _workers(settings), QueueLimits.from_settings(settings))


def _workers(settings: Any) -> int:
    try:
        return max(1, len(parse_gpus(settings.worker.gpus)))
    except (AttributeError, ValueError):
        return 1


def _job_dict(job: Job, estimate: eta.Estimate | None) -> dict[str, Any]:
    r = job.result
    return {
        "id": job.id,
        "status": job.status.value,
        "kind": job.kind.value,
        "source_job_id": job.source_job_id,
        "name": job.name,
        "owner_id": job.owner_id,
        "guild_id": job.guild_id,
        "priority": job.priority,
        # GPUs it trains on at once (train.num_processes): only a worker with that many claims it.
        "gpus": job.num_gpus,
        "position": estimate.position if estimate and job.status == JobStatus.QUEUED else None,
        "starts_in_s": estimate.starts_in_s if estimate and job.status == JobStatus.QUEUED else None,
        # Queued and no live worker can run it: more GPUs, VRAM or a model than any worker has.
        "no_worker": bool(estimate and estimate.no_worker),
        "done_in_s": estimate.done_in_s if estimate else None,
        "step": job.progress.step,
        "total": job.progress.total,
        "loss": job.progress.loss,
        "attempts": f"{job.attempts}/{job.max_attempts}",
        "worker": job.worker_id if job.status == JobStatus.RUNNING else None,
        "created": _when(job.created_at),
        "started": _when(job.started_at),
        "finished": _when(job.finished_at),
        "gpu_minutes": round(job.gpu_seconds / 60, 2),
        "job_dir": job.job_dir,
        "output": r.output if r else None,
        "error_kind": r.error_kind if r else None,
        "error": r.error_message if r else None,
        "cause": r.cause if r else None,
        "fix": r.fix if r else None,
        "log_tail": (r.log_tail or "")[-1500:] if r and job.status == JobStatus.FAILED else None,
    }


def _when(t: float | None) -> str | None:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(t)) if t else None


def _job_line(job: Job, estimate: eta.Estimate | None) -> str:
    pos = str(estimate.position) if estimate and job.status == JobStatus.QUEUED else "-"
    progress = f"{job.progress.step}/{job.progress.total}" if job.progress.total else "-"
    if job.status == JobStatus.QUEUED and estimate:
        left = f"+{eta.format_duration(estimate.starts_in_s)}"
    elif job.status == JobStatus.RUNNING and estimate:
        left = eta.format_duration(estimate.done_in_s)
    else:
        left = "-"
    return (
        f"{job.id:22} {job.status.value:10} {job.owner_id:>20} {pos:>4} {progress:>12} {left:>10}  {job.name}"
    )
