"""Fixtures for the queue tests: a real store — SQLite in a temporary folder, and in the store
contract modules also a real PostgreSQL database (`backend` is parametrized there)."""

from __future__ import annotations

import pytest

from trainer.queue.backends import open_store
from trainer.queue.options import QueueLimits, QueueOptions

#: Limits that never refuse; tests that exercise a limit build their own.
NO_LIMITS = QueueLimits(
    max_queued_jobs_per_user=0,
    max_running_jobs_per_user=0,
    max_queued_jobs_per_guild=0,
    daily_gpu_minutes_per_user=0,
)


#: The store contract: these modules run every test on each backend (unless marked sqlite_only).
CONTRACT_MODULES = {"test_queue_store", "test_queue_guild_limit", "test_queue_workers"}
BACKENDS = ["sqlite", "postgresql"]


def pytest_generate_tests(metafunc):
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if (
        module in CONTRACT_MODULES
        and "backend" in metafunc.fixturenames
        and metafunc.definition.get_closest_marker("sqlite_only") is None
    ):
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture
def backend():
    """The store backend; SQLite outside the contract modules."""
    return "sqlite"


@pytest.fixture
def queue_options(tmp_path, backend, request):
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else ""
    return QueueOptions(data_dir=tmp_path / "data", database_url=url, limits=NO_LIMITS)


@pytest.fixture
async def store(queue_options):
    async with open_store(queue_options) as s:
        yield s


# --- jobs run by the worker ------------------------------------------------------------------------------

import json  # noqa: E402 - grouped with the helpers that use it
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from config.training import TrainConfig  # noqa: E402
from trainer.queue.jobdir import submit_job  # noqa: E402
from trainer.queue.options import WorkerOptions  # noqa: E402

FAKE_TRAINER = Path(__file__).with_name("fake_trainer.py")
# A 1x1 PNG: the queue only checks that images exist; the fake trainer never decodes them.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture
def dataset_dir(tmp_path):
    folder = tmp_path / "prepared"
    folder.mkdir()
    for i in range(2):
        (folder / f"{i}.png").write_bytes(PNG_1PX)
        (folder / f"{i}.txt").write_text("sks thing")
    return folder


@pytest.fixture
def fake_python(tmp_path):
    """An 'interpreter' that runs fake_trainer.py whatever module it is asked for."""
    script = tmp_path / "fake-python"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_TRAINER}" "$@"\n')
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def worker_options(queue_options, fake_python):
    return WorkerOptions(
        queue=queue_options,
        lease_seconds=3.0,
        heartbeat_seconds=0.2,
        cancel_grace_seconds=1.0,
        min_free_disk_gb=0.0,
        poll_seconds=0.05,
        idle_seconds=0.1,
        python=fake_python,
    )


async def submit_fake(store, options, dataset_dir, plan, *, owner=1, **kw):
    """Queue a job whose (fake) training follows `plan`."""
    config = TrainConfig(pretrained_model="/models/tiny", data_dir=str(dataset_dir), max_train_steps=5)
    job = await submit_job(store, options, config, owner_id=owner, **kw)
    (Path(job.job_dir) / "fake.json").write_text(json.dumps(plan))
    return job
