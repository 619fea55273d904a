import os

# One torch/OpenMP thread per process in tests: the suite runs the bot, a worker and its training child
# side by side on 2 cores, and torch's spinning threads made a tiny step 12x slower when processes
# outnumbered cores (docs/benchmarks.md, "Threads on a shared CPU"). Children inherit this.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

pytest_plugins = [
    "standin.pytest_plugin",
    "trainer.queue.pg_pytest_plugin",
    "trainer.artifacts.s3_pytest_plugin",
]

# `make test` runs the suite on two processes (pytest-xdist, `--dist loadfile`: each file's tests, and so its
# module fixtures, stay in one process). Files are handed out in collection order (`--no-loadscope-reorder`:
# otherwise xdist puts the files with the most tests first), so the longest go first:
# left to the end, the concept training alone kept one process busy for minutes while the other sat idle.
# Seconds per file on 2 cores with two workers (2026-12-08): concept ~340, demo ~150, DDP ~110, prefilter ~105,
# bank ~95, everyday ~70, two hosts ~55, queue acceptance ~50, resilience ~40.
LONGEST_FIRST = (
    "tests/trainer/tinybase/test_concept.py",
    "tests/bot/test_demo_learns.py",
    "tests/trainer/engine/test_engine_ddp.py",
    "tests/advisor/test_prefilter.py",
    "tests/advisor/test_advisor_bank.py",
    "tests/advisor/test_everyday.py",
    "tests/trainer/queue/test_queue_two_hosts.py",
    "tests/trainer/queue/test_queue_acceptance.py",
    "tests/bot/test_bot_resilience.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
