"""/admin status lists the registered workers (layout 2) the way `loracord queue workers` does."""

from __future__ import annotations

import time

from standin.driver import StandIn
from tests.bot.botkit import command, text_of
from trainer.queue.workers import WorkerInfo


async def test_admin_status_lists_the_workers(standin: StandIn, make_bot, settings) -> None:
    async with make_bot(settings) as bot:
        _, before = await command(standin, standin.owner, "admin", "status")
        assert "Workers" not in text_of(before)  # one host, no registry: no field
        now = time.time()
        await bot.services.store.register_worker(
            WorkerInfo("gpu-host:7:gpu0", "gpu-host", "0", "NVIDIA H100", 80.0, 61.5, ("sdxl",), now, now)
        )
        _, after = await command(standin, standin.owner, "admin", "status")
        text = text_of(after)
        assert "Workers" in text and "`gpu-host:7:gpu0` idle" in text
        assert "NVIDIA H100" in text and "61.5/80.0 GB" in text
        # A worker whose jobs may train on several GPUs shows how many, as `loracord queue workers` does.
        await bot.services.store.register_worker(
            WorkerInfo("big:1:all", "big", None, "NVIDIA A100", 80.0, 79.0, (), now, now, gpu_count=4)
        )
        _, again = await command(standin, standin.owner, "admin", "status")
        assert "4x NVIDIA A100" in text_of(again)
