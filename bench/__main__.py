"""`python -m bench` (`make bench`): every benchmark in turn, each printing its own table.

Run on an otherwise idle machine: heavy torch work slows ~60x beside a compile or another torch job.
Results and how they were measured are collected in docs/benchmarks.md.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("bench.bench_queue", "bench.bench_advisor", "bench.bench_train", "bench.bench_concept")


def main(argv: list[str] | None = None) -> int:
    names = argv if argv else [name.split(".")[-1] for name in BENCHMARKS]
    status = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n=== {name} ===", flush=True)
        status |= int(module.main([]) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
