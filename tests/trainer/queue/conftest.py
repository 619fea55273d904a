"""Fixtures for the queue tests: a real SQLite store in a temporary folder."""

from __future__ import annotations

import pytest

from trainer.queue.options import QueueLimits, QueueOptions
from trainer.queue.store import open_store

#: Limits that never refuse; tests that exercise a limit build their own.
NO_LIMITS = QueueLimits(
    max_queued_jobs_per_user=0,
    max_running_jobs_per_user=0,
    max_queued_jobs_per_guild=0,
    daily_gpu_minutes_per_user=0,
)


@pytest.fixture
def queue_options(tmp_path):
    return QueueOptions(data_dir=tmp_path / "data", limits=NO_LIMITS)


@pytest.fixture
async def store(queue_options):
    async with open_store(queue_options) as s:
        yield s
