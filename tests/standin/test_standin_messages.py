"""Channel messages with files, edits, deletes, threads, DMs, and the Message Content intent."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest
from discord.ext import commands
from standin_bot import build_bot


async def _until(cond, timeout=5.0):
    async def loop():
        while not cond():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(loop(), timeout)


async def test_uploads_reach_on_message_and_bot_answers_in_a_thread(standin, start_bot, bot):
    async with start_bot(bot):
        alice = standin.add_user("alice")
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 500
        posted = await standin.post_message(
            alice, "general", "my dataset", files=[("a.png", png), ("b.txt", b"cap")]
        )
        await _until(lambda: bot.seen.get("messages"))
        got: discord.Message = bot.seen["messages"][0]
        assert got.content == "my dataset" and got.id == posted.id
        assert [a.filename for a in got.attachments] == ["a.png", "b.txt"]
        assert got.attachments[0].content_type == "image/png"
        assert await got.attachments[0].read() == png
        thread = await got.create_thread(name="dataset review")
        assert thread.id == posted.id and standin.threads["dataset review"].parent_id == got.channel.id
        sent = await thread.send("2 files received", file=discord.File(io.BytesIO(b"report"), "report.txt"))
        msg = await standin.wait_for_message(channel=standin.threads["dataset review"])
        assert msg.id == sent.id and msg.attachments[0].filename == "report.txt"
        assert standin.attachment_bytes(msg.attachments[0].url) == b"report"


async def test_bot_edits_deletes_and_reads_history(standin, start_bot, bot):
    async with start_bot(bot):
        channel = bot.get_channel(standin.channels["general"].id)
        sent = await channel.send("step 1/3", embed=discord.Embed(title="training", description="loss 0.1"))
        stored = await standin.wait_for_message()
        assert stored.embeds[0]["title"] == "training"
        await sent.edit(content="step 3/3")
        assert standin.message(sent.id).content == "step 3/3" and standin.message(sent.id).edited
        fetched = await channel.fetch_message(sent.id)
        assert fetched.content == "step 3/3" and fetched.edited_at is not None
        history = [m.id async for m in channel.history(limit=5)]
        assert history == [sent.id]
        await sent.delete()
        assert standin.message(sent.id).deleted
        with pytest.raises(discord.NotFound):
            await channel.fetch_message(sent.id)
        alice = standin.add_user("alice")
        theirs = await standin.post_message(alice, "general", "mine")
        with pytest.raises(discord.Forbidden) as info:
            await channel.get_partial_message(theirs.id).edit(content="hijack")
        assert info.value.code == 50005


async def test_thread_in_channel_and_direct_messages(standin, start_bot, bot):
    async with start_bot(bot):
        alice = standin.add_user("alice")
        channel = bot.get_channel(standin.channels["general"].id)
        thread = await channel.create_thread(name="job 7", type=discord.ChannelType.public_thread)
        await thread.send("job 7 started")
        assert (await standin.wait_for_message(channel="job 7")).content == "job 7 started"
        user = await bot.fetch_user(alice.id)
        dm = await user.send("your LoRA is ready")
        stored = await standin.wait_for_message(channel=standin.dm_channel(alice))
        assert stored.id == dm.id and "DM:alice loracord says" in standin.transcript()
        await standin.post_message(alice, standin.dm_channel(alice), "thanks")
        await _until(lambda: bot.seen.get("messages"))
        assert isinstance(bot.seen["messages"][0].channel, discord.DMChannel)
        assert bot.seen["messages"][0].content == "thanks"


async def test_without_message_content_intent_content_is_blank_unless_mentioned(standin, start_bot):
    bot = build_bot(intents=discord.Intents.default())  # message_content off
    async with start_bot(bot):
        alice = standin.add_user("alice")
        await standin.post_message(alice, "general", "secret words", files=[("a.png", b"png")])
        await standin.post_message(
            alice, "general", f"<@{standin.bot_user.id}> hello", files=[("b.png", b"png")]
        )
        await _until(lambda: len(bot.seen.get("messages", [])) == 2)
        plain, mention = bot.seen["messages"]
        assert plain.content == "" and plain.attachments == []
        assert mention.content.endswith("hello") and len(mention.attachments) == 1
        assert bot.user in mention.mentions


async def test_message_content_intent_not_allowed_closes_with_4014(standin, start_bot):
    standin.allow_message_content(False)
    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.Bot(command_prefix="!", intents=intents)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with start_bot(bot):
            pass
    assert standin.gateway_stats.refused == [4014]
    await bot.close()


async def test_history_pages_with_before_and_after(standin, start_bot, bot):
    alice = standin.add_user("alice")
    posted = [await standin.post_message(alice, "general", f"m{i}") for i in range(120)]
    async with start_bot(bot):
        channel = bot.get_channel(standin.channels["general"].id)
        newest_first = [m.content async for m in channel.history(limit=None)]
        assert newest_first == [f"m{i}" for i in reversed(range(120))]
        after = [m.content async for m in channel.history(limit=None, after=discord.Object(posted[9].id))]
        assert after == [f"m{i}" for i in range(10, 120)]  # discord.py puts `after` pages oldest first


async def test_a_resent_message_with_the_same_enforced_nonce_is_not_created_twice(standin, start_bot, bot):
    """discord.py sends `enforce_nonce` with a nonce: Discord returns the first message again."""
    async with start_bot(bot):
        channel = bot.get_channel(standin.channels["general"].id)
        first = await channel.send("result of job 7", nonce="job7-result")
        again = await channel.send("result of job 7", nonce="job7-result")
        other = await channel.send("result of job 8", nonce="job8-result")
        assert again.id == first.id and other.id != first.id
        assert [m.content for m in standin.messages()] == ["result of job 7", "result of job 8"]
        standin.clock.advance(6 * 60)  # Discord checks uniqueness for a few minutes only
        later = await channel.send("result of job 7", nonce="job7-result")
        assert later.id != first.id
        with pytest.raises(discord.HTTPException) as err:
            await channel.send("x", nonce="n" * 26)
        assert err.value.code == 50035


async def test_deleted_channels_and_messages_and_closed_dms_fail_as_on_discord(standin, start_bot, bot):
    """Mid-session deletes answer 10003/10008 afterwards; a closed DM answers 50007 (discord.py raises)."""
    async with start_bot(bot):
        extra = standin.add_channel("results")
        alice = standin.add_user("alice")
        general = bot.get_channel(standin.channels["general"].id)
        progress = await general.send("step 1/3")
        await standin.delete_message(standin.message(progress.id))
        with pytest.raises(discord.NotFound) as err:
            await progress.edit(content="step 2/3")
        assert err.value.code == 10008
        channel = bot.get_partial_messageable(extra.id)
        await standin.delete_channel(extra)
        with pytest.raises(discord.NotFound) as err:
            await channel.send("done")
        assert err.value.code == 10003
        await _until(lambda: bot.get_channel(extra.id) is None)  # CHANNEL_DELETE reached the cache
        standin.close_dms(alice)
        user = await bot.fetch_user(alice.id)
        with pytest.raises(discord.Forbidden) as err:
            await user.send("your LoRA")
        assert err.value.code == 50007
        standin.close_dms(alice, closed=False)
        await user.send("your LoRA")
