"""Discord soak: `python -m bench soak [--guilds 3] [--members 40] [--jobs 150] [--seed 0]`.

The real bot against the stand-in with faults on (bench/soak_discord.py): how many results reached
their owners where, duplicates, requests after a permanent error, invalid requests against Discord's
ban limit, RSS growth and tasks left. Prints a Markdown table; tests/bot/test_bot_soak.py runs a small
one in `make test`.
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
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="loracord-soak-") as work:
        report = asyncio.run(
            run_soak(Path(work), guilds=args.guilds, members=args.members, jobs=args.jobs, seed=args.seed)
        )
    print("| measure | value |\n|---|---|")
    for name, value in report.rows():
        print(f"| {name} | {value} |")
    ok = not report.undelivered and not report.duplicates and not report.repeats_after_permanent
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
