"""Every command, in English and in Korean: each answer comes in the user's language, quickly."""

from __future__ import annotations

import pytest

from config.settings import AdvisorSettings
from standin.driver import StandIn
from tests.bot.botkit import answer_to, command, korean, make_dataset, text_of
from trainer.queue.types import JobStatus

ANSWER_S = 3.0


def check(msg, locale: str, what: str) -> None:
    text = text_of(msg)
    assert text, what
    assert korean(text) == (locale == "ko"), f"{what} answered in the wrong language: {text!r}"


@pytest.mark.parametrize("locale", ["en-US", "ko"])
async def test_every_command_in_the_users_language(
    standin: StandIn, make_bot, settings_factory, locale: str
) -> None:
    settings = settings_factory(advisor=AdvisorSettings(llm_enabled=False))
    user = standin.add_user("minsu" if locale == "ko" else "alice", locale=locale)
    async with make_bot(settings) as bot:
        dataset = await make_dataset(standin, user, "cats", images=3)

        async def run(name: str, sub: str, options: dict | None = None, **kw) -> object:
            who = kw.pop("user", user)
            inter, msg = await command(standin, who, name, sub, options, locale=locale, **kw)
            assert inter.response_time is not None and inter.response_time < ANSWER_S, f"/{name} {sub}"
            check(msg, locale, f"/{name} {sub}")
            return msg

        await run("dataset", "list")
        shown = await run("dataset", "show", {"dataset": dataset})
        assert [a.filename for a in shown.attachments] == ["thumbnails.png"]
        stems = sorted(p.stem for p in (await bot.services.datasets.find(dataset)).prepared.glob("*.png"))
        captions = [(f"img{i}.txt", f"a cat, number {i}".encode()) for i in range(3)] + [("x.txt", b"dog")]
        uploaded = await run("caption", "upload", {"dataset": dataset}, attachments=captions)
        assert "x.txt" in uploaded.content
        await run("caption", "run", {"dataset": dataset, "method": "manual", "trigger": "sks"})
        tags = await run("caption", "tags", {"dataset": dataset})
        assert "sks" in text_of(tags)

        inter = await standin.send_slash_command(
            user, "caption", subcommand="edit", options={"dataset": dataset, "image": stems[0]}, locale=locale
        )
        await standin.wait_for_response(inter)
        assert inter.modal is not None
        submitted = await standin.submit_modal(
            user, inter, inter.modal["custom_id"], {"caption": "a grey cat"}
        )
        msg = await answer_to(standin, submitted)
        check(msg, locale, "caption modal")
        assert "sks, a grey cat" in msg.content

        question = (
            "학습률이 너무 높으면 어떻게 되나요?" if locale == "ko" else "my loss is nan, what should I do?"
        )
        await run("advisor", "ask", {"question": question})
        suggestion = await run("advisor", "suggest", {"dataset": dataset, "kind": "character"}, timeout=60)
        clicked = await standin.click(user, suggestion, "lc:suggest:change", locale=locale)
        await standin.wait_for_response(clicked)
        changed = await standin.submit_modal(
            user, clicked, clicked.modal["custom_id"], {"changes": "network_dim=4"}
        )
        await standin.wait_for_response(changed)
        assert "`network_dim` = **4**" in text_of(standin.message(suggestion.id))

        confirm = await run("train", "start", {"dataset": dataset, "steps": 5})
        aborted = await standin.click(user, confirm, "lc:confirm:abort", locale=locale)
        await standin.wait_for_response(aborted)
        check(standin.message(confirm.id), locale, "confirmation cancelled")
        confirm = await run("train", "start", {"dataset": dataset, "steps": 5})
        started = await standin.click(user, confirm, "lc:confirm:start", locale=locale)
        check(await answer_to(standin, started), locale, "job queued")
        job = (await bot.services.store.list_jobs(owner_id=user.id))[0]
        await run("train", "status")
        await run("train", "queue")
        await run("train", "download", {"job": job.id})
        await run("train", "sample", {"job": job.id})  # refused: the job is not running
        await run("train", "cancel", {"job": job.id})
        assert (await bot.services.store.get_job(job.id)).status is JobStatus.CANCELLED
        await run("train", "retry", {"job": job.id})
        for sub in ("models", "limits", "pause", "resume", "status"):
            await run("admin", sub, user=standin.owner)
        await run("admin", "quota", {"user": user}, user=standin.owner)
        refused = await run("admin", "pause")  # not an admin: refused, in the user's language
        assert refused.ephemeral
        await run("dataset", "delete", {"dataset": dataset})
        assert not bot.services.errors.unexpected


async def test_rate_limit(standin: StandIn, make_bot, settings_factory) -> None:
    from config.settings import LimitsSettings

    settings = settings_factory(limits=LimitsSettings(commands_per_minute_per_user=3))
    alice = standin.add_user("alice")
    async with make_bot(settings):
        for _ in range(3):
            _, msg = await command(standin, alice, "dataset", "list")
            assert "Slow down" not in msg.content
        _, msg = await command(standin, alice, "dataset", "list")
        assert "Slow down" in msg.content and "3 commands a minute" in msg.content and msg.ephemeral
