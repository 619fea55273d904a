"""A bot that runs no worker beside it (layout 2) still expires the job folders it made."""

from __future__ import annotations

import asyncio
import time

from standin.driver import StandIn
from trainer.queue.options import QueueLimits
from trainer.queue.types import JobResult, JobSpec, JobStatus

DAY = 86400.0
ANY = QueueLimits(0, 0, 0, 0)


async def test_the_bot_expires_old_job_folders_when_no_worker_runs_beside_it(
    standin: StandIn, make_bot, settings
) -> None:
    assert not settings.worker.embedded
    async with make_bot(settings, retention_every_s=0.2) as bot:
        store, jobs_dir = bot.services.store, bot.services.queue_options.jobs_dir
        folders = {}
        for name, age_days in (("old", 31), ("recent", 2)):
            folder = jobs_dir / name
            (folder / "output").mkdir(parents=True)
            (folder / "output" / "cat.safetensors").write_bytes(b"lora")
            finished_at = time.time() - age_days * DAY
            await store.enqueue(JobSpec(owner_id=1, config={}, job_dir=str(folder), job_id=name), ANY)
            await store.claim("w", 60, ANY, now=finished_at - 10)
            await store.finish(name, "w", JobStatus.SUCCEEDED, JobResult(output="x"), now=finished_at)
            folders[name] = folder
        for _ in range(100):
            if not folders["old"].exists():
                break
            await asyncio.sleep(0.1)
        assert not folders["old"].exists() and (await store.get_job("old")).files_deleted_at is not None
        assert (folders["recent"] / "output" / "cat.safetensors").is_file()
        assert (await store.get_job("recent")).files_deleted_at is None
