"""Answers after the interaction token died (issue 16, defect 1): each command that can outlive the
15-minute token answers with the bot token once the stand-in's clock (and the bot's) is past it."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.exts.captions import _service as caption_service
from standin.driver import StandIn
from tests.bot.botkit import make_dataset
from tests.bot.conftest import png_bytes

LATE_S = 16 * 60


def hold(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, *, fail: Exception | None = None):
    """Make `owner.name` wait for the returned event (and then raise `fail`, if given)."""
    release = asyncio.Event()
    original = getattr(owner, name)

    async def held(*args, **kwargs):
        await release.wait()
        if fail is not None:
            raise fail
        return await original(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    return release


async def expire_token(standin: StandIn, bot, inter, release: asyncio.Event) -> None:
    """Once the command is deferred, jump both clocks past the token's life, then let it finish."""
    await standin.wait_for_response(inter)
    standin.clock.advance(LATE_S)
    bot.clock = lambda: time.time() + LATE_S
    release.set()


def token_refusals(standin: StandIn) -> list:
    return [r for r in standin.requests if r.path.startswith("/webhooks/") and r.status == 401]


async def test_caption_run_after_15_minutes_answers_by_dm(
    standin: StandIn, make_bot, settings, monkeypatch
) -> None:
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes", images=2)
        release = hold(monkeypatch, caption_service, "run_captioner")
        inter = await standin.send_slash_command(
            alice, "caption", subcommand="run", options={"dataset": dataset_id, "method": "manual"}
        )
        await expire_token(standin, bot, inter, release)
        dm = await standin.wait_for_message(channel=standin.dm_channel(alice))
        assert "Captioned 0 image(s)" in dm.content
        assert not [m for m in standin.messages(standin.channels["general"]) if "Captioned" in m.content]
        assert token_refusals(standin) == []  # the dead token was never tried
        assert not bot.services.errors.unexpected


async def test_dataset_add_after_15_minutes_answers_by_dm(
    standin: StandIn, make_bot, settings, monkeypatch
) -> None:
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes", images=0)
        release = hold(monkeypatch, bot.services.datasets, "add")
        inter = await standin.send_slash_command(
            alice, "dataset", subcommand="add", options={"dataset": dataset_id},
            attachments=[("a.png", png_bytes(1))],
        )  # fmt: skip
        await expire_token(standin, bot, inter, release)
        dm = await standin.wait_for_message(channel=standin.dm_channel(alice))
        assert "Added 1 image" in dm.content
        assert token_refusals(standin) == []
        assert not bot.services.errors.unexpected


async def test_an_error_after_15_minutes_reaches_the_user_privately_or_as_a_note(
    standin: StandIn, make_bot, settings, monkeypatch
) -> None:
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes", images=2)
        standin.close_dms(alice)
        release = hold(
            monkeypatch, caption_service, "run_captioner", fail=TimeoutError("captioning took 30 min")
        )
        inter = await standin.send_slash_command(
            alice, "caption", subcommand="run", options={"dataset": dataset_id, "method": "manual"}
        )
        await expire_token(standin, bot, inter, release)
        note = await standin.wait_for_message(channel="general", predicate=lambda m: "DMs" in m.content)
        assert f"<@{alice.id}>" in note.content and "/caption run" in note.content
        assert "30 min" not in note.content  # the error itself stays private
        assert token_refusals(standin) == []
