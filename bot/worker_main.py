"""`python -m bot.worker_main SETTINGS.toml`: the worker process the bot starts (see worker_proc.py).

Runs one `trainer.queue.worker.Worker` until SIGTERM/SIGINT, which asks it to stop after checkpointing
the job in hand. It imports no torch itself; each job still trains in its own `trainer.run` child.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from config.settings import load_settings
from trainer.queue.options import WorkerOptions, parse_gpus
from trainer.queue.store import open_store
from trainer.queue.worker import Worker


async def run(settings_file: Path) -> int:
    settings = load_settings(settings_file)
    gpus = parse_gpus(settings.worker.gpus)
    options = WorkerOptions.from_settings(settings, gpu=gpus[0] if gpus else None)
    async with open_store(options.queue) as store:
        worker = Worker(store, options)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, worker.request_shutdown)
        await worker.run_forever()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bot.worker_main SETTINGS.toml", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return asyncio.run(run(Path(args[0])))


if __name__ == "__main__":
    sys.exit(main())
