"""Discord soak: `python -m bench soak [--guilds 3] [--members 40] [--jobs 150] [--real-jobs N]
[--workers 2] [--model DIR] [--seed 0]`.

The real bot against the stand-in with faults on (bench/soak_discord.py), every job trained for a few
steps on the tiny SD1.5 model by the project's worker processes (`--real-jobs N`: only N of them, the
others finished at once by a stand-in worker): how many results reached their owners where, whether
each trained job's LoRA, grid and loss curve arrived, duplicates, requests after a permanent error,
invalid requests against Discord's ban limit, RSS and tasks left. Prints a Markdown table;
tests/bot/test_bot_soak.py runs a small one in `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from bench.soak_discord import run_soak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench soak", description=__doc__.splitlines()[0])
    parser.add_argument("--guilds", type=int, default=3)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=150)
    parser.add_argument("--real-jobs", type=int, default=None, help="jobs trained for real (default: all)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (one training child each)")
    parser.add_argument("--model", type=Path, default=None, help="the tiny model's folder (default: built)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="loracord-soak-") as work:
        report = asyncio.run(run_soak(Path(work), **vars(args)))  # each option is run_soak's keyword
    print("| measure | value |\n|---|---|")
    for name, value in report.rows():
        print(f"| {name} | {value} |")
    ok = not (
        report.undelivered
        or report.duplicates
        or report.repeats_after_permanent
        or report.real_failed
        or report.real_incomplete
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
