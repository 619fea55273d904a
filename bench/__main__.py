"""`python -m bench` (`make bench`): every CPU benchmark in turn, each printing its own table.

`python -m bench NAME [ARGS...]` runs one benchmark with its own arguments, e.g.
`python -m bench gpu --smoke` or `python -m bench kohya --sd-scripts DIR --python VENV/bin/python`.
Run on an otherwise idle machine: heavy torch work slows ~60x beside a compile or another torch job.
Results and how they were measured are collected in docs/benchmarks.md.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("bench.bench_queue", "bench.bench_advisor", "bench.bench_train", "bench.bench_concept")
#: Run only when named: they need a GPU, an sd-scripts checkout, or minutes and PostgreSQL (scale),
#: or minutes of Discord traffic through the stand-in (soak).
ON_REQUEST = (
    "bench.bench_gpu", "bench.bench_kohya", "bench.bench_scale", "bench.bench_profile", "bench.bench_soak",
    "bench.bench_advisor_rank",
)  # fmt: skip


def _module(name: str) -> str:
    short = name.removeprefix("bench_")
    for full in BENCHMARKS + ON_REQUEST:
        if full.split(".")[-1].removeprefix("bench_") == short:
            return full
    known = ", ".join(f.split(".")[-1].removeprefix("bench_") for f in BENCHMARKS + ON_REQUEST)
    raise SystemExit(f"unknown benchmark {name!r}; known: {known}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and any(a.startswith("-") for a in argv):
        return int(importlib.import_module(_module(argv[0])).main(argv[1:]) or 0)
    names = argv or [name.split(".")[-1] for name in BENCHMARKS]
    status = 0
    for name in names:
        module = importlib.import_module(_module(name))
        print(f"\n=== {name} ===", flush=True)
        status |= int(module.main([]) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
