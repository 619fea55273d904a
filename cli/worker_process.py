"""One worker process: `python -m cli.worker_process --options JSON [--burst]`.

What `loracord worker --gpus 0,1` starts once per GPU and what the bot starts for its embedded workers
(trainer.queue.launcher.worker_argv). It runs exactly the options given (no settings file is read; the
database URL, which may hold a password, comes in the environment the parent sets, never on the
command line) and hands the worker the advisor's diagnoser, so a failed job is
explained once, here, and the bot only shows the stored explanation.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from advisor.diagnose import diagnose
from trainer.queue.launcher import options_from_json, run_worker


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli.worker_process", description=__doc__.split("\n")[0])
    parser.add_argument("--options", required=True, help="WorkerOptions as JSON (see options_to_json)")
    parser.add_argument("--burst", action="store_true", help="run until the queue is empty, then exit")
    parser.add_argument("--worker-id", default=None, help="name of this worker in the store")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = options_from_json(args.options)
    return asyncio.run(run_worker(options, burst=args.burst, worker_id=args.worker_id, diagnose=diagnose))


if __name__ == "__main__":
    sys.exit(main())
