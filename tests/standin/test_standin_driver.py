"""The driver's own promises: measurements, transcript, clear errors, and no hanging waits."""

from __future__ import annotations

import asyncio
import time

import discord
import pytest

from standin import limits
from standin.clock import Clock
from standin.driver import StandIn
from standin.state import Command


async def test_response_times_are_measured_per_interaction(standin, start_bot, bot):
    @bot.tree.command(name="think", description="Takes a moment")
    async def think(inter: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        await inter.response.send_message("thought")

    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        fast = await standin.send_slash_command(alice, "echo", options={"text": "quick"})
        slow = await standin.send_slash_command(alice, "think")
        await standin.wait_for_response(fast)
        await standin.wait_for_response(slow)
        times = standin.response_times()
        assert times[fast.id] < 0.3 <= times[slow.id] < limits.INTERACTION_FIRST_RESPONSE_S


async def test_a_bot_that_blocks_its_loop_misses_the_deadline(standin, start_bot, bot):
    failures = []

    @bot.tree.command(name="block", description="Blocks the event loop")
    async def block(inter: discord.Interaction) -> None:
        time.sleep(limits.INTERACTION_FIRST_RESPONSE_S + 0.2)  # the mistake the stand-in must expose
        try:
            await inter.response.send_message("finally")
        except discord.NotFound as exc:
            failures.append(exc.code)

    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        inter = await standin.send_slash_command(alice, "block")
        await standin.wait_for_response(inter, timeout=10)
        assert inter.late and inter.response_time is None
        await asyncio.wait_for(_until(lambda: failures), 5)
        assert failures == [10062]


async def test_transcript_reads_like_the_channel(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        panel_cmd = await standin.send_slash_command(alice, "panel")
        panel = await standin.wait_for_message()
        await standin.wait_for_response(await standin.click(alice, panel, "approve"))
        await standin.post_message(alice, "general", "thanks", files=[("x.png", b"12345")])
        text = standin.transcript()
        assert "#general alice uses /panel" in text
        assert "#general loracord says: 'choose' [Approve<approve>, <preset>]" in text
        assert "#general alice clicks 'approve'" in text
        assert "#general loracord edits: 'approved by alice'" in text
        assert "#general alice says: 'thanks' [file x.png 5 B]" in text
        assert panel_cmd.response_type == 4


async def test_waits_time_out_with_the_transcript_and_mistakes_are_named(standin, start_bot, bot):
    alice = standin.add_user("alice")
    await standin.post_message(alice, "general", "before the bot")  # stored; no session to dispatch to
    async with start_bot(bot):
        with pytest.raises(ValueError, match="did the bot sync"):
            await standin.send_slash_command(alice, "echo", options={"text": "x"})
        await bot.tree.sync()
        with pytest.raises(TimeoutError, match=r"timed out after 0\.3 s waiting for a message") as info:
            await standin.wait_for_message(predicate=lambda m: m.content == "never", timeout=0.3)
        assert "alice says: 'before the bot'" in str(info.value)
        with pytest.raises(ValueError, match="no channel named"):
            await standin.post_message(alice, "nowhere", "x")
        await standin.send_slash_command(alice, "panel")
        panel = await standin.wait_for_message()
        with pytest.raises(ValueError, match=r"takes 1\.\.1 values"):
            await standin.click(alice, panel, "preset", values=["fast", "good"])


async def test_interactions_need_a_connected_bot():
    with StandIn() as stand:
        data = {"name": "x", "description": "x", "type": 1}
        stand.world.store.global_commands["1:x"] = Command(id=1, data=data, guild_id=None, version=1)
        alice = stand.add_user("alice")
        with pytest.raises(RuntimeError, match="No bot session"):
            await stand.send_slash_command(alice, "x")


def test_clock_only_moves_forward():
    clock = Clock()
    before = clock.now()
    clock.advance(900)
    assert clock.now() - before >= 900
    with pytest.raises(ValueError, match="non-negative"):
        clock.advance(-1)


async def _until(cond):
    while not cond():
        await asyncio.sleep(0.01)


async def test_a_bug_in_the_stand_in_fails_fast_and_is_recorded(monkeypatch, bot):
    from standin import rest
    from standin.client import pointed_at, running

    async def broken(self, request):
        raise RuntimeError("typing handler is broken")

    monkeypatch.setattr(rest.Routes, "typing", broken)  # the stand-in's own code, not discord.py
    with StandIn() as stand, pointed_at(stand):
        async with running(bot, stand):
            with pytest.raises(discord.HTTPException, match="stand-in internal error"):
                await bot.http.send_typing(stand.channels["general"].id)
            typing = [r.status for r in stand.requests if r.path.endswith("/typing")]
            assert typing == [400]  # answered once with a 400: no 5xx retry loop in discord.py
        assert stand.world.internal_errors == [
            f"POST /channels/{stand.channels['general'].id}/typing: RuntimeError('typing handler is broken')"
        ]
