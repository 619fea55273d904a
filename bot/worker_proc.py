"""The embedded workers: with worker.embedded on, `loracord bot` runs the trainer workers as child
processes (one per GPU in worker.gpus, else one), started by the queue's own launcher.

Child processes, not tasks in the bot's loop, so that the workers' database writes, event parsing and
supervision of training children never compete with the 3-second interaction deadline, and a worker
crash never takes the bot down.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from config.settings import Settings
from trainer.queue.launcher import start_worker_processes
from trainer.queue.options import WorkerOptions, parse_gpus

log = logging.getLogger(__name__)


def worker_options(settings: Settings) -> list[WorkerOptions]:
    gpus = parse_gpus(settings.worker.gpus)
    return [WorkerOptions.from_settings(settings, gpu=g) for g in gpus] or [
        WorkerOptions.from_settings(settings)
    ]


class EmbeddedWorker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self) -> None:
        self.processes = await start_worker_processes(worker_options(self.settings))
        log.info("embedded worker(s) started: pids %s", [p.pid for p in self.processes])

    @property
    def running(self) -> bool:
        return any(p.returncode is None for p in self.processes)

    async def stop(self) -> None:
        """SIGTERM: each worker stops its job at the next step, checkpoints it and re-queues it."""
        live = [p for p in self.processes if p.returncode is None]
        for proc in live:
            proc.send_signal(signal.SIGTERM)
        grace = self.settings.worker.cancel_grace_seconds + 10
        for proc in live:
            try:
                await asyncio.wait_for(proc.wait(), grace)
            except TimeoutError:
                log.warning("worker %s did not stop within %ss; killing it", proc.pid, grace)
                proc.kill()
                await proc.wait()
