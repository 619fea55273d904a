"""Queue limits reach the user as clear replies in their language; the queue view hides others' names."""

from __future__ import annotations

import time

from config.settings import DiscordSettings, LimitsSettings
from standin.driver import StandIn
from tests.bot.botkit import answer_to, command, korean, make_dataset
from trainer.queue.workers import WorkerInfo


async def queue_job(standin: StandIn, user, dataset: str, locale: str | None = None):
    _, confirm = await command(
        standin, user, "train", "start", {"dataset": dataset, "steps": 5}, locale=locale
    )
    clicked = await standin.click(user, confirm, "lc:confirm:start", locale=locale)
    return await answer_to(standin, clicked)


async def test_queue_full_and_queue_view(standin: StandIn, make_bot, settings_factory) -> None:
    # The guild's owner is also the bot's operator here: pausing the queue acts on every server.
    settings = settings_factory(
        limits=LimitsSettings(max_queued_jobs_per_user=1),
        discord=DiscordSettings(operator_ids=[standin.owner.id]),
    )
    alice = standin.add_user("alice")
    minsu = standin.add_user("minsu", locale="ko")
    async with make_bot(settings) as bot:
        dataset = await make_dataset(standin, alice, "a", images=1)
        first = await queue_job(standin, alice, dataset)
        assert first.content.startswith("Queued as")
        second = await queue_job(standin, alice, dataset)
        assert "You already have 1 jobs waiting (the limit is 1)" in second.content and second.ephemeral
        assert len(await bot.services.store.list_jobs(owner_id=alice.id)) == 1

        ko_dataset = await make_dataset(standin, minsu, "b", images=1)
        await queue_job(standin, minsu, ko_dataset)
        refused = await queue_job(standin, minsu, ko_dataset)
        assert korean(refused.content) and "1" in refused.content and refused.ephemeral

        _, view = await command(standin, minsu, "train", "queue")
        assert korean(view.content) and "다른 사람의 작업" in view.content and " a " not in view.content
        _, paused = await command(standin, standin.owner, "admin", "pause")
        assert (
            await bot.services.store.is_paused()
            and "paused the queue" in paused.content
            and not paused.ephemeral
        )
        _, view = await command(standin, alice, "train", "queue")
        assert "paused by an admin" in view.content


async def test_queue_view_says_when_no_live_worker_can_take_a_job(
    standin: StandIn, make_bot, settings_factory
) -> None:
    """A job that needs more than every live worker has (here: VRAM) is not promised a start time."""
    alice = standin.add_user("alice")
    minsu = standin.add_user("minsu", locale="ko")
    async with make_bot(settings_factory()) as bot:
        store = bot.services.store
        now = time.time()
        await store.register_worker(
            WorkerInfo("h1:0", "h1", "0", "GT 710", 1.0, 0.9, (), now, now, gpu_count=1)
        )
        await queue_job(standin, alice, await make_dataset(standin, alice, "a", images=1))
        (job,) = await store.list_jobs(owner_id=alice.id)
        assert job.vram_gb is not None and job.vram_gb > 0.9  # the advisor's estimate for the run

        _, view = await command(standin, alice, "train", "queue")
        assert "no running worker can take it yet" in view.content and "starts in" not in view.content
        _, ko_view = await command(standin, minsu, "train", "queue")
        assert "받을 수 있는 워커가 없어요" in ko_view.content

        # A worker with enough memory comes up: the job gets its start time again.
        await store.register_worker(
            WorkerInfo("h2:0", "h2", "0", "RTX 4090", 24.0, 23.5, (), now, now, gpu_count=1)
        )
        _, view = await command(standin, alice, "train", "queue")
        assert "starts in" in view.content and "no running worker" not in view.content
