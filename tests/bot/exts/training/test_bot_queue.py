"""Queue limits reach the user as clear replies in their language; the queue view hides others' names."""

from __future__ import annotations

from config.settings import DiscordSettings, LimitsSettings
from standin.driver import StandIn
from tests.bot.botkit import answer_to, command, korean, make_dataset


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
