"""Running workers: in this process, or one child process per GPU.

`python -m cli.worker_process --options JSON [--burst]` (WORKER_MODULE) runs one worker with exactly
the options given (no settings file is read; the one variable read is the database URL the parent
puts in its environment, DATABASE_URL_ENV): it is what `loracord
worker --gpus 0,1` starts once per GPU and what the bot starts when `worker.embedded` is on
(`start_worker_processes`), so a training crash can never take the bot's event loop down. That entry
point lives in `cli/` because it hands the worker the advisor's diagnoser (`run_worker(diagnose=...)`):
the trainer never imports the advisor.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from config.secrets import Secret
from trainer.artifacts.base import ArtifactOptions
from trainer.queue.backends import open_store
from trainer.queue.failures import Diagnoser
from trainer.queue.options import QueueLimits, QueueOptions, WorkerOptions
from trainer.queue.worker import Worker

log = logging.getLogger(__name__)

#: A worker process that exits by itself this soon after starting is not restarted in a tight loop.
RESTART_DELAY_S = 5.0
#: The module run (`python -m`) as one worker process: it wires in the advisor's diagnoser.
WORKER_MODULE = "cli.worker_process"
#: How a worker process gets `storage.database_url` from its parent: in its environment, never on its
#: command line (which every user of the host can read in `ps`). The settings' own variable name.
DATABASE_URL_ENV = "LORACORD__STORAGE__DATABASE_URL"


def options_to_json(options: WorkerOptions) -> str:
    def plain(value: Any) -> Any:
        return str(value) if isinstance(value, Path) else value

    data = dataclasses.asdict(options)
    # The database URL (it may hold a password) travels in the child's environment too (child_env).
    data["queue"] = {k: plain(v) for k, v in data["queue"].items() if k != "database_url"}
    # The S3 key pair travels in the child's environment (child_env), never on a command line.
    data["queue"]["artifacts"] = {
        k: plain(v)
        for k, v in data["queue"]["artifacts"].items()
        if k not in ("access_key_id", "secret_access_key")
    }
    return json.dumps(data, sort_keys=True)


def child_env(options: WorkerOptions) -> dict[str, str] | None:
    """The environment of a worker process: this one's, plus the database URL (DATABASE_URL_ENV, so
    the child uses exactly the parent's) and the S3 key pair under the names boto3 reads
    (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) when one is configured. None: this one's as it is."""
    url = options.queue.database_url.reveal()
    artifacts = options.queue.artifacts
    if not artifacts.access_key_id and os.environ.get(DATABASE_URL_ENV, "") == url:
        return None
    env = dict(os.environ)
    env[DATABASE_URL_ENV] = url
    if artifacts.access_key_id:
        env["AWS_ACCESS_KEY_ID"] = artifacts.access_key_id
        env["AWS_SECRET_ACCESS_KEY"] = artifacts.secret_access_key
    return env


def options_from_json(text: str) -> WorkerOptions:
    data = json.loads(text)
    queue = dict(data.pop("queue"))
    queue["limits"] = QueueLimits(**queue["limits"])
    queue["data_dir"] = Path(queue["data_dir"])
    artifacts = dict(queue.get("artifacts") or {})
    artifacts["data_dir"] = Path(artifacts.get("data_dir", queue["data_dir"]))
    queue["artifacts"] = ArtifactOptions(**artifacts)
    queue["database_url"] = Secret(os.environ.get(DATABASE_URL_ENV, ""))
    data["archs"] = tuple(data.get("archs") or ())
    return WorkerOptions(queue=QueueOptions(**queue), **data)


def worker_argv(options: WorkerOptions, *, burst: bool = False) -> list[str]:
    """The command line of one worker process with these options."""
    argv = [sys.executable, "-m", WORKER_MODULE, "--options", options_to_json(options)]
    return [*argv, "--burst"] if burst else argv


async def run_worker(
    options: WorkerOptions,
    *,
    burst: bool = False,
    worker_id: str | None = None,
    diagnose: Diagnoser | None = None,
) -> int:
    """Run one worker until SIGTERM/SIGINT (or, in burst mode, until the queue is drained).
    `diagnose` explains failed jobs (see trainer.queue.failures); without it, built-in texts do."""
    async with open_store(options.queue, worker=options) as store:
        worker = Worker(store, options, worker_id=worker_id, diagnose=diagnose)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, worker.request_shutdown)
        if burst:
            handled = await worker.run_until_empty()
            log.info("worker %s drained the queue: %d job(s)", worker.worker_id, len(handled))
        else:
            await worker.run_forever()
        if worker.disk_blocked:
            log.error("%s", worker.disk_blocked)
            return 1
    return 0


async def start_worker_processes(
    options: Sequence[WorkerOptions], *, burst: bool = False
) -> list[asyncio.subprocess.Process]:
    """Start one worker process per entry (the bot's embedded workers). Stop them with SIGTERM: each
    stops its job at the next step, checkpoints it and puts it back in the queue."""
    return [
        await asyncio.create_subprocess_exec(*worker_argv(o, burst=burst), env=child_env(o)) for o in options
    ]


def supervise(options: Sequence[WorkerOptions], *, burst: bool = False) -> int:
    """Run one worker process per GPU; restart one that dies (unless draining in burst mode);
    SIGTERM/SIGINT are passed on. Returns the worst exit status."""
    procs: dict[int, subprocess.Popen] = {}
    started: dict[int, float] = {}
    stopping = False

    def start(i: int) -> None:
        procs[i] = subprocess.Popen(worker_argv(options[i], burst=burst), env=child_env(options[i]))
        started[i] = time.monotonic()
        log.info("worker process %d for gpu %s started", procs[i].pid, options[i].gpu)

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    worst = 0
    try:
        for i in range(len(options)):
            start(i)
        running = set(procs)
        while running:
            time.sleep(0.5)
            for i in list(running):
                rc = procs[i].poll()
                if rc is None:
                    continue
                if stopping or burst or rc == 0:
                    running.discard(i)
                    worst = max(worst, abs(rc))
                    continue
                log.error("worker for gpu %s exited with status %s; restarting it", options[i].gpu, rc)
                time.sleep(max(0.0, RESTART_DELAY_S - (time.monotonic() - started[i])))
                start(i)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return worst
