"""Run by test_queue_processes.py in separate processes: enqueue N jobs, then claim until empty."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from trainer.queue.backends import open_store
from trainer.queue.options import QueueLimits, QueueOptions
from trainer.queue.types import JobSpec

NO_LIMITS = QueueLimits(0, 0, 0, 0)


async def main(data_dir: str, tag: str, count: int, out: str) -> None:
    async with open_store(QueueOptions(data_dir=Path(data_dir))) as store:
        for i in range(count):
            cfg = {"name": f"{tag}-{i}", "config_version": 1}
            await store.enqueue(JobSpec(owner_id=i % 5, config=cfg, job_dir=f"/j/{tag}-{i}"), NO_LIMITS)
        claimed = []
        while (job := await store.claim(tag, 60, NO_LIMITS)) is not None:
            claimed.append(job.id)
    Path(out).write_text(json.dumps(claimed))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
