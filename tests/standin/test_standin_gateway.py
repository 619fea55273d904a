"""Gateway lifecycle against the real client: heartbeats, resume with replay, op 7, op 9."""

from __future__ import annotations

import asyncio
import logging
import math

import discord

from standin import limits
from standin.client import pointed_at, running
from standin.driver import StandIn


def _setter(event: asyncio.Event):
    async def listener() -> None:
        event.set()

    return listener


async def _until(cond, timeout=5.0):
    async def loop():
        while not cond():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(loop(), timeout)


async def test_heartbeat_is_acknowledged(standin, start_bot, bot):
    async with start_bot(bot):
        # discord.py heartbeats right after HELLO; the ACK gives it a finite latency.
        await _until(lambda: math.isfinite(bot.latency))
        assert standin.gateway_stats.heartbeats >= 1
        assert bot.guilds[0].id == standin.guild.id
        assert {c.name for c in bot.guilds[0].text_channels} == {"general"}


async def test_resume_after_a_drop_replays_missed_events(standin, start_bot, bot):
    resumed = asyncio.Event()
    bot.add_listener(_setter(resumed), "on_resumed")
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        await standin.drop_connection(hold=True)
        assert not standin.connected()
        missed = await standin.send_slash_command(alice, "echo", options={"text": "while you were away"})
        await standin.post_message(alice, "general", "also missed")
        standin.release_connection()
        await asyncio.wait_for(resumed.wait(), 5)
        await standin.wait_for_response(missed)
        assert (
            await standin.wait_for_message(predicate=lambda m: m.interaction_id == missed.id)
        ).content == ("while you were away")
        await _until(lambda: [m.content for m in bot.seen.get("messages", [])] == ["also missed"])
        assert standin.gateway_stats.identifies == 1
        assert standin.gateway_stats.resumes == [2]  # the interaction and the message
        assert ("RESUMED", {}) in standin.outgoing


async def test_reconnect_request_resumes_the_session(standin, start_bot, bot):
    resumed = asyncio.Event()
    bot.add_listener(_setter(resumed), "on_resumed")
    async with start_bot(bot):
        await bot.tree.sync()
        await standin.request_reconnect()
        await asyncio.wait_for(resumed.wait(), 5)
        assert standin.gateway_stats.identifies == 1 and len(standin.gateway_stats.resumes) == 1
        alice = standin.add_user("alice")
        await standin.send_slash_command(alice, "echo", options={"text": "still here"})
        assert (await standin.wait_for_message()).content == "still here"


async def test_invalidated_session_identifies_again(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        ready_again = asyncio.Event()
        bot.add_listener(_setter(ready_again), "on_ready")
        await standin.invalidate_session(resumable=False)
        await asyncio.wait_for(ready_again.wait(), 5)
        assert standin.gateway_stats.identifies == 2
        alice = standin.add_user("alice")
        await standin.send_slash_command(alice, "echo", options={"text": "fresh session"})
        assert (await standin.wait_for_message()).content == "fresh session"


async def test_bad_token_is_a_login_failure(standin):
    client = discord.Client(intents=discord.Intents.default())
    try:
        try:
            await asyncio.wait_for(client.login("not-the-token"), 5)
        except discord.LoginFailure:
            pass
        else:
            raise AssertionError("login with a wrong token succeeded")
    finally:
        await client.close()


async def test_privileged_members_intent_needs_the_portal_switch(standin, start_bot):
    intents = discord.Intents.default()
    intents.members = True
    client = discord.Client(intents=intents)
    try:
        async with start_bot(client):
            raise AssertionError("IDENTIFY with GUILD_MEMBERS was accepted")
    except discord.PrivilegedIntentsRequired:
        pass
    finally:
        await client.close()
    assert standin.gateway_stats.refused == [limits.CLOSE_DISALLOWED_INTENTS]


async def test_members_intent_when_allowed_chunks_the_guild(standin, start_bot):
    standin.allow_privileged_intents(members=True)
    alice = standin.add_user("alice")
    intents = discord.Intents.default()
    intents.members = True
    client = discord.Client(intents=intents)
    async with start_bot(client):
        guild = client.guilds[0]
        assert guild.chunked and {m.id for m in guild.members} >= {alice.id, standin.bot_user.id}
        found = await guild.query_members(query="ali")  # op 8 REQUEST_GUILD_MEMBERS → GUILD_MEMBERS_CHUNK
        assert [m.id for m in found] == [alice.id]
        assert "GUILD_MEMBERS_CHUNK" in {kind for kind, _ in standin.outgoing}


async def test_a_bot_that_never_gets_ready_fails_within_the_timeout(standin, start_bot, bot):
    await standin.drop_connection(hold=True)  # no HELLO will come
    started = asyncio.get_running_loop().time()
    try:
        async with start_bot(bot, ready_timeout=0.5):
            raise AssertionError("the bot became ready without a HELLO")
    except TimeoutError as exc:
        assert "not ready within 0.5 s" in str(exc)
    assert asyncio.get_running_loop().time() - started < 5
    assert bot.is_closed()


async def test_resumable_invalid_session_resumes(standin, start_bot, bot):
    resumed = asyncio.Event()
    bot.add_listener(_setter(resumed), "on_resumed")
    async with start_bot(bot):
        await standin.invalidate_session(resumable=True)
        await asyncio.wait_for(resumed.wait(), 5)
        assert standin.gateway_stats.identifies == 1 and standin.gateway_stats.resumes == [0]


async def test_heartbeat_latency_is_measured_from_the_send(caplog):
    # discord.py stamps a heartbeat's send time in its keep-alive thread after the send completes; an
    # ACK that beats that stamp is measured against the previous beat (41.25 s on the default interval,
    # with a "Can't keep up" warning). Discord's ACK comes a network round trip later.
    interval_ms = 1500
    stand = StandIn(heartbeat_ms=interval_ms).start()
    client = discord.Client(intents=discord.Intents.default())
    try:
        with pointed_at(stand), caplog.at_level(logging.WARNING, logger="discord.gateway"):
            async with running(client, stand):
                # The first beat goes out with HELLO; the next two come from the keep-alive thread.
                await _until(lambda: stand.gateway_stats.heartbeats >= 3, timeout=3 * interval_ms / 1000)
                await asyncio.sleep(0.3)  # the last ACK is on its way
                latency = client.latency
    finally:
        stand.stop()
    assert latency < 1.0 and latency < interval_ms / 1000 / 4, latency
    assert not [r.getMessage() for r in caplog.records if r.name == "discord.gateway"]
