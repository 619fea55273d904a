"""Slash commands, attachments, subcommands, locales, deferral, followups, components, modals,
autocomplete, and Discord's timing rules — all through real discord.py handlers."""

from __future__ import annotations

import asyncio
import hashlib
import io

import aiohttp
import discord
import pytest

from standin import limits


async def _seen(bot, key: str, timeout: float = 10.0):
    """What the bot stored under `key`, waiting for it (the bot's coroutine may still be finishing)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while key not in bot.seen:
        assert loop.time() < deadline, f"the bot never stored {key!r}"
        await asyncio.sleep(0.01)
    return bot.seen[key]


async def test_slash_command_carries_every_field_discord_sends(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        inter = await standin.send_slash_command(alice, "echo", options={"text": "hi", "times": 2})
        assert (await standin.wait_for_message()).content == "hi hi"
        got: discord.Interaction = bot.seen["echo"]
        assert got.user.id == alice.id and isinstance(got.user, discord.Member)
        assert got.filesize_limit == limits.DEFAULT_ATTACHMENT_SIZE_LIMIT
        assert got.app_permissions.send_messages and got.app_permissions.attach_files
        assert got.context.guild and got.guild_locale is discord.Locale.american_english
        assert got.channel.id == standin.channels["general"].id
        assert got.entitlements == []
        assert 0 <= inter.response_time < limits.INTERACTION_FIRST_RESPONSE_S
        # Parsed from the ?with_response=1 body; the bot stores it once its HTTP call returns, which can be a
        # moment after the stand-in has already delivered the message to us.
        callback = await _seen(bot, "echo_callback")
        assert callback.message_id == inter.original_message_id and callback.resource.content == "hi hi"
        # The @original routes, as discord.py's Interaction uses them.
        original = await got.original_response()
        assert original.id == inter.original_message_id and original.content == "hi hi"
        await got.edit_original_response(content="hi hi hi")
        assert standin.message(original.id).content == "hi hi hi"
        await got.delete_original_response()
        assert standin.message(original.id).deleted


async def test_slash_command_in_a_dm_sees_only_global_commands(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        await standin.send_slash_command(
            alice, "echo", options={"text": "dm"}, channel=standin.dm_channel(alice)
        )
        msg = await standin.wait_for_message()
        assert msg.content == "dm" and msg.channel_id == standin.dm_channel(alice).id
        got: discord.Interaction = bot.seen["echo"]
        assert got.guild is None and isinstance(got.channel, discord.DMChannel) and got.context.dm_channel


async def test_attachment_option_is_served_from_the_cdn(standin, start_bot, bot):
    data = bytes(range(256)) * 400
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        await standin.send_slash_command(alice, "upload", attachments=[("cat.png", data)])
        msg = await standin.wait_for_message()
        assert msg.content == f"cat.png {len(data)} {hashlib.sha256(data).hexdigest()[:12]}"


async def test_subcommand_group_path_and_korean_locale(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        minji = standin.add_user("minji", locale="ko")
        await standin.send_slash_command(minji, "dataset", subcommand="tags add", options={"tag": "sks"})
        assert (await standin.wait_for_message()).content == "tag sks added (ko)"
        with pytest.raises(ValueError, match="needs a subcommand"):
            await standin.send_slash_command(minji, "dataset", subcommand="tags")
        with pytest.raises(ValueError, match="no option"):
            await standin.send_slash_command(minji, "echo", options={"text": "a", "colour": "red"})
        with pytest.raises(ValueError, match="outside max_value"):
            await standin.send_slash_command(minji, "echo", options={"text": "a", "times": 9})


async def test_defer_followup_with_file_then_edit_and_delete_original(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        inter = await standin.send_slash_command(alice, "slow")
        await standin.wait_for_response(inter)
        assert inter.response_type == 5
        loading = standin.message(inter.original_message_id)
        assert loading.flags & limits.FLAG_LOADING
        bot.gate.set()
        done = await standin.wait_for_message(predicate=lambda m: m.content == "done")
        assert done.id == inter.original_message_id  # the first followup fills the "thinking…" message
        assert [a.filename for a in done.attachments] == ["result.txt"]
        assert standin.attachment_bytes(done.attachments[0].url) == b"x" * 100
        # Edit and delete the original through discord.py's own webhook paths.
        live = discord.Webhook.partial(standin.application_id, inter.token, client=bot)
        edited = await live.edit_message(inter.original_message_id, content="done (edited)")
        assert edited.content == "done (edited)" and edited.channel.id == standin.channels["general"].id
        second = await live.send("more", wait=True)
        assert second.channel.id == inter.channel_id and second.id in inter.followup_ids
        await live.delete_message(inter.original_message_id)
        assert standin.message(inter.original_message_id).deleted


async def test_ephemeral_defer_stays_ephemeral(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        bot.gate.set()
        inter = await standin.send_slash_command(alice, "slow", options={"ephemeral": True})
        msg = await standin.wait_for_message(predicate=lambda m: m.content == "done")
        assert msg.ephemeral and msg.id == inter.original_message_id
        assert "(only alice sees this)" in standin.transcript()


@pytest.mark.parametrize("ephemeral", [False, True])
async def test_followup_after_the_original_is_deleted_is_a_new_message(standin, start_bot, bot, ephemeral):
    # Discord: once @original is gone, a followup cannot fill it; it is a message of its own, and it
    # is ephemeral only when the followup itself asks to be.
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        inter = await standin.send_slash_command(alice, "slow", options={"ephemeral": ephemeral})
        await standin.wait_for_response(inter)
        got: discord.Interaction = bot.seen["slow"]
        await got.delete_original_response()
        assert standin.message(inter.original_message_id).deleted
        bot.gate.set()
        done = await standin.wait_for_message(predicate=lambda m: m.content == "done")
        assert done.id != inter.original_message_id and done.id in inter.followup_ids
        assert not done.ephemeral and not done.flags & limits.FLAG_LOADING
        secret = await got.followup.send("just for you", ephemeral=True, wait=True)
        assert secret.flags.ephemeral and standin.message(secret.id).ephemeral
        deleted = standin.message(inter.original_message_id)
        assert deleted.deleted and deleted.content == "" and deleted.flags & limits.FLAG_LOADING
        assert deleted.ephemeral == ephemeral
        with pytest.raises(discord.NotFound):
            await got.original_response()
        assert "done" in standin.transcript()


async def test_button_click_updates_the_message_and_select_answers(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice, bob = standin.add_user("alice"), standin.add_user("bob")
        await standin.send_slash_command(alice, "panel")
        panel = await standin.wait_for_message()
        assert panel.components[0]["components"][0]["custom_id"] == "approve"
        pick = await standin.click(bob, panel, "preset", values=["good"])
        reply = await standin.wait_for_message()
        assert reply.content == "preset good" and reply.ephemeral and reply.interaction_id == pick.id
        click = await standin.click(bob, panel, "approve")
        await standin.wait_for_response(click)
        assert click.response_type == 7
        assert panel.content == "approved by bob" and panel.components == []
        with pytest.raises(ValueError, match="no component"):
            await standin.click(bob, panel, "approve")


async def test_modal_opens_and_its_submission_reaches_the_bot(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        opener = await standin.send_slash_command(alice, "caption")
        await standin.wait_for_response(opener)
        assert opener.response_type == 9 and opener.modal["title"] == "Caption"
        with pytest.raises(ValueError, match="required"):
            await standin.submit_modal(alice, opener, opener.modal["custom_id"], {})
        await standin.submit_modal(alice, opener, opener.modal["custom_id"], {"caption_text": "a red sks"})
        assert (await standin.wait_for_message()).content == "caption saved: a red sks"


async def test_autocomplete_returns_the_bots_choices(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        choices = await standin.autocomplete(alice, "model", "name", "xl")
        assert choices == [{"name": "sdxl-tiny", "value": "sdxl-tiny"}]


async def test_late_first_response_is_refused_as_unknown_interaction(standin, start_bot, bot):
    errors = []

    @bot.tree.command(name="late", description="Answers too late")
    async def late(inter: discord.Interaction) -> None:
        await bot.gate.wait()
        try:
            await inter.response.send_message("too late")
        except discord.NotFound as exc:
            errors.append(exc)

    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        inter = await standin.send_slash_command(alice, "late")
        await asyncio.sleep(0.05)
        standin.clock.advance(limits.INTERACTION_FIRST_RESPONSE_S + 0.5)
        bot.gate.set()
        await standin.wait_for_response(inter)
        assert inter.late and not inter.acknowledged
        await asyncio.wait_for(_until(lambda: errors), 5)
        assert errors[0].code == 10062
        assert "did not respond" in standin.transcript()


async def test_token_expires_after_15_minutes(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        inter = await standin.send_slash_command(alice, "slow")
        await standin.wait_for_response(inter)
        standin.clock.advance(limits.INTERACTION_TOKEN_LIFETIME_S + 1)
        hook = discord.Webhook.partial(standin.application_id, inter.token, client=bot)
        with pytest.raises(discord.HTTPException) as info:
            await hook.send("too late", wait=True)
        assert info.value.status == 401 and info.value.code == 50027


async def test_double_acknowledgement_and_oversized_replies_are_refused(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        inter = await standin.send_slash_command(alice, "echo", options={"text": "hi"})
        await standin.wait_for_response(inter)
        url = f"{standin.api_base}/interactions/{inter.id}/{inter.token}/callback"
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, json={"type": 4, "data": {"content": "again"}}) as r,
        ):
            assert r.status == 400 and r.headers["Content-Type"] == "application/json"
            assert (await r.json())["code"] == 40060
        hook = discord.Webhook.partial(standin.application_id, inter.token, client=bot)
        with pytest.raises(discord.HTTPException) as info:
            await hook.send("x" * (limits.CONTENT_MAX + 1), wait=True)
        assert info.value.code == 50035 and "content" in info.value.text
        big = discord.File(io.BytesIO(b"\0" * (limits.DEFAULT_ATTACHMENT_SIZE_LIMIT + 1)), "big.bin")
        with pytest.raises(discord.HTTPException) as info:
            await hook.send(file=big, wait=True)
        assert info.value.status == 413 and info.value.code == 40005
        embeds = [discord.Embed(title="t", description="d" * 4000) for _ in range(2)]
        with pytest.raises(discord.HTTPException) as info:
            await hook.send(embeds=embeds, wait=True)
        assert info.value.code == 50035 and "6000" in info.value.text


async def _until(cond):
    while not cond():
        await asyncio.sleep(0.01)


async def test_boosted_guild_raises_the_interactions_upload_limit(standin, start_bot, bot):
    standin.set_premium_tier(2)
    async with start_bot(bot):
        await bot.tree.sync()
        alice = standin.add_user("alice")
        inter = await standin.send_slash_command(alice, "echo", options={"text": "hi"})
        await standin.wait_for_response(inter)
        assert bot.seen["echo"].filesize_limit == limits.ATTACHMENT_SIZE_LIMIT_BY_TIER[2]
        hook = discord.Webhook.partial(standin.application_id, inter.token, client=bot)
        size = limits.DEFAULT_ATTACHMENT_SIZE_LIMIT + 1  # too big unboosted, fine at tier 2
        msg = await hook.send(file=discord.File(io.BytesIO(b"\1" * size), "lora.safetensors"), wait=True)
        assert msg.attachments[0].size == size
        with pytest.raises(ValueError, match=r"premium tier must be 0\.\.3"):
            standin.set_premium_tier(4)
