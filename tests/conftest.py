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
