"""Channel permissions with overwrites and the invalid-request ban, against discord.py (issue 16)."""

from __future__ import annotations

import io

import discord
import pytest


def png() -> discord.File:
    return discord.File(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * 64), "a.png")


async def test_overwrites_refuse_what_discord_refuses(standin, start_bot, bot):
    room = standin.add_channel("results")
    hidden = standin.add_channel("staff")
    helpers = standin.add_role(standin.guild, "bots")
    standin.give_role(standin.bot_user, helpers)
    async with start_bot(bot):
        channel = bot.get_channel(room.id)
        sent = await channel.send("progress 1/3", file=png(), embed=discord.Embed(title="x"))
        standin.set_overwrite(room, standin.guild, deny=("attach_files",))  # @everyone: no files
        with pytest.raises(discord.Forbidden) as err:
            await channel.send("result", file=png())
        assert err.value.code == 50013
        await channel.send("text still goes")
        standin.set_overwrite(room, helpers, allow=("attach_files",))  # a role's allow beats @everyone's deny
        await channel.send("files again", file=png())
        standin.set_overwrite(room, standin.bot_user, deny=("embed_links", "read_message_history"))
        with pytest.raises(discord.Forbidden) as err:
            await channel.send(embed=discord.Embed(title="result"))
        assert err.value.code == 50013
        with pytest.raises(discord.Forbidden):
            await channel.send("reply", reference=sent)
        assert [m async for m in channel.history(limit=10)] == []  # no history without the permission
        await sent.edit(content="progress 2/3")  # editing one's own text needs none of them
        standin.set_overwrite(hidden, standin.guild, deny=("view_channel",))
        for call in (bot.get_partial_messageable(hidden.id).send("x"), bot.fetch_channel(hidden.id)):
            with pytest.raises(discord.Forbidden) as err:
                await call
            assert err.value.code == 50001
        standin.set_overwrite(room, standin.guild, deny=("send_messages",))
        with pytest.raises(discord.Forbidden) as err:
            await channel.send("no")
        assert err.value.code == 50013
        standin.set_overwrite(room, standin.guild, deny=("send_messages", "create_public_threads"))
        with pytest.raises(discord.Forbidden) as err:
            await channel.create_thread(name="t", type=discord.ChannelType.public_thread)
        assert err.value.code == 50013


async def test_the_invalid_request_ban_answers_every_route_with_cloudflares_page(standin, start_bot, bot):
    standin.set_invalid_request_ban(5, window_s=600, ban_s=3600)
    hidden = standin.add_channel("staff")
    standin.set_overwrite(hidden, standin.guild, deny=("view_channel",))
    async with start_bot(bot):
        target = bot.get_partial_messageable(hidden.id)
        for _ in range(5):
            with pytest.raises(discord.Forbidden):
                await target.send("x")
        assert standin.invalid_requests == 5
        with pytest.raises(discord.Forbidden) as err:  # a good request, on another route: banned too
            await bot.get_channel(standin.channels["general"].id).send("hello")
        assert "Error 1015" in err.value.text and err.value.code == 0
