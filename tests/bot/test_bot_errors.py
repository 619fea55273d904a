"""The one error handler: domain errors become short replies in the user's language; anything else an
apology with an error id that is also in the log line, with the user and the command."""

from __future__ import annotations

import logging

from bot.errors import AttachmentRejected, NotOwner, user_message
from standin.driver import StandIn
from tests.bot.botkit import command, korean
from trainer.queue.fairness import QueueFull, QuotaExceeded


def test_domain_errors_in_both_languages() -> None:
    quota = QuotaExceeded(limit=240, current=250.4, reset_at=86400 * 3)
    assert user_message(quota, "en-US") == (
        "You used your GPU time for today: 250 of 240 minutes. It resets at 00:00 UTC."
    )
    assert korean(user_message(quota, "ko")) and "00:00 UTC" in user_message(quota, "ko")
    full = QueueFull("guild", 20, 20)
    assert "This server already has 20 jobs waiting" in user_message(full, "en-GB")
    rejected = AttachmentRejected(["a.txt: not an image"])
    assert user_message(rejected, "ko").endswith("• a.txt: not an image")
    assert "`ds-1`" in user_message(NotOwner("dataset", "ds-1"), "en-US")
    assert user_message(RuntimeError("boom"), "en-US") is None


async def test_unexpected_error_gets_an_id(standin: StandIn, make_bot, settings, caplog) -> None:
    alice = standin.add_user("alice", locale="ko")
    async with make_bot(settings) as bot:

        async def broken(owner_id: int) -> list:
            raise RuntimeError("database on fire")

        bot.services.store.list_datasets = broken  # a fault in the store, as a disk error would cause
        with caplog.at_level(logging.ERROR, logger="bot.errors"):
            _, msg = await command(standin, alice, "dataset", "list")
        assert msg.ephemeral and korean(msg.content)
        (error_id,) = bot.services.errors.unexpected
        assert f"`{error_id}`" in msg.content and "database on fire" not in msg.content
        logged = [r for r in caplog.records if error_id in r.getMessage()]
        assert logged and str(alice.id) in logged[0].getMessage() and "dataset list" in logged[0].getMessage()
        assert logged[0].exc_info is not None
