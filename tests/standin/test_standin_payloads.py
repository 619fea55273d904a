"""Every payload the stand-in sends must be parseable by discord.py: each one is turned into the
discord.py model object the client would build, and the static schema (schemas_out) must agree."""

from __future__ import annotations

import copy
import io

import discord
import pytest
from discord import app_commands
from discord.interactions import InteractionCallbackResponse

from standin.schemas_out import check_outgoing


def _channel_for(bot, data):
    channel = bot.get_channel(int(data["channel_id"]))
    return channel or discord.PartialMessageable(state=bot._connection, id=int(data["channel_id"]))


def build_model(bot, kind, data, interactions):
    """The discord.py object for one outgoing payload (raises if discord.py cannot parse it)."""
    state = bot._connection
    guild = bot.guilds[0]
    if kind == "READY":
        return discord.ClientUser(state=state, data=data["user"])
    if kind == "RESUMED":
        return dict(data)
    if kind == "GUILD_CREATE":
        return discord.Guild(data=copy.deepcopy(data), state=state)
    if kind == "INTERACTION_CREATE":
        inter = discord.Interaction(data=copy.deepcopy(data), state=state)
        interactions[inter.id] = inter
        return inter
    if kind in ("MESSAGE_CREATE", "MESSAGE_UPDATE", "message"):
        return discord.Message(state=state, channel=_channel_for(bot, data), data=copy.deepcopy(data))
    if kind == "messages":
        return [build_model(bot, "message", m, interactions) for m in data]
    if kind == "MESSAGE_DELETE":
        return discord.RawMessageDeleteEvent(data)
    if kind in ("THREAD_CREATE", "channel"):
        if data["type"] in (11, 12):
            return discord.Thread(guild=guild, state=state, data=data)
        if data["type"] == 1:
            return discord.DMChannel(me=bot.user, state=state, data=data)
        return discord.TextChannel(state=state, guild=guild, data=data)
    if kind == "callback":
        parent = interactions[int(data["interaction"]["id"])]
        rtype = discord.InteractionResponseType(data.get("resource", {}).get("type", 9))
        return InteractionCallbackResponse(data=data, parent=parent, state=state, type=rtype)
    if kind in ("commands", "command"):
        return [
            app_commands.AppCommand(data=c, state=state) for c in (data if kind == "commands" else [data])
        ]
    if kind == "application":
        return discord.AppInfo(state=state, data=data)
    if kind == "user":
        return discord.User(state=state, data=data)
    if kind == "GUILD_MEMBERS_CHUNK":
        return [discord.Member(data=m, guild=guild, state=state) for m in data["members"]]
    if kind in ("gateway", "guild", "channels"):
        return data
    raise AssertionError(f"no discord.py model known for {kind}")


async def test_every_payload_of_a_full_session_parses_in_discord_py(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        bot.gate.set()
        await standin.send_slash_command(alice, "echo", options={"text": "hi"})
        await standin.wait_for_message()
        await standin.send_slash_command(alice, "upload", attachments=[("a.png", b"png")])
        await standin.wait_for_message()
        await standin.send_slash_command(alice, "slow")
        await standin.wait_for_message(predicate=lambda m: m.content == "done")
        await standin.send_slash_command(alice, "report")
        report = await standin.wait_for_message()
        assert report.attachments[0].data == b"loss 0.08" and report.interaction_id
        await standin.send_slash_command(alice, "panel")
        panel = await standin.wait_for_message()
        await standin.wait_for_response(await standin.click(alice, panel, "approve"))
        opener = await standin.send_slash_command(alice, "caption")
        await standin.wait_for_response(opener)
        await standin.submit_modal(alice, opener, opener.modal["custom_id"], {"caption_text": "x"})
        await standin.wait_for_message()
        await standin.autocomplete(alice, "model", "name", "sd")
        posted = await standin.post_message(alice, "general", "hello", files=[("b.txt", b"b")])
        channel = bot.get_channel(standin.channels["general"].id)
        thread = await channel.get_partial_message(posted.id).create_thread(name="t")
        sent = await thread.send("in thread", file=discord.File(io.BytesIO(b"f"), "f.txt"))
        await sent.edit(content="edited")
        await sent.delete()
        await (await bot.fetch_user(alice.id)).send("dm")
        await channel.fetch_message(posted.id)
        await bot.application_info()  # gateway events are recorded when sent, before REST answers
        interactions: dict[int, discord.Interaction] = {}
        kinds = set()
        for kind, data in standin.outgoing:
            assert check_outgoing(kind, data) == [], kind
            build_model(bot, kind, data, interactions)
            kinds.add(kind)
        expected = {
            "READY", "GUILD_CREATE", "INTERACTION_CREATE", "MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE",
            "THREAD_CREATE", "callback", "message", "channel", "commands", "application", "user",
        }  # fmt: skip
        assert expected <= kinds


@pytest.mark.parametrize(
    ("kind", "drop"),
    [
        ("INTERACTION_CREATE", "attachment_size_limit"),
        ("MESSAGE_CREATE", "content"),
        ("READY", "resume_gateway_url"),
        ("GUILD_CREATE", "id"),
    ],
)
async def test_a_payload_discord_py_cannot_parse_fails_the_schema(standin, start_bot, bot, kind, drop):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        await standin.send_slash_command(alice, "echo", options={"text": "hi"})
        await standin.wait_for_message()
        data = copy.deepcopy(next(d for k, d in standin.outgoing if k == kind))
        del data[drop]
        problems = check_outgoing(kind, data)
        assert problems == [f"{kind}: missing {drop!r}"]
        if kind != "READY":  # discord.py reads resume_gateway_url in the gateway, not a model
            with pytest.raises(KeyError):
                build_model(bot, kind, data, {})


def test_resumed_with_null_is_flagged():
    assert check_outgoing("RESUMED", None) == ["RESUMED: d must be an object ({}), not null"]
    assert check_outgoing("SOMETHING_NEW", {}) != []
