"""Login and command sync through the real discord.py client; schema validation as Discord does it."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from standin.schemas import check_command_list


async def test_login_and_global_sync_store_commands(standin, start_bot, bot):
    async with start_bot(bot):
        assert bot.user.id == standin.bot_user.id
        assert bot.application_id == standin.application_id
        synced = await bot.tree.sync()
        assert {c.name for c in synced} == {
            "echo",
            "upload",
            "dataset",
            "slow",
            "report",
            "panel",
            "caption",
            "model",
        }
        stored = standin.commands()
        assert stored["dataset"]["options"][0]["options"][0]["name"] == "add"
        assert stored["echo"]["options"][1]["max_value"] == 3
        # Syncing again keeps the ids (Discord keeps ids of unchanged commands).
        again = await bot.tree.sync()
        assert {c.id for c in again} == {c.id for c in synced}
        fetched = await bot.tree.fetch_commands()
        assert {c.name for c in fetched} == {c.name for c in synced}


async def test_guild_sync_with_localizations(standin, start_bot):
    class Ko(app_commands.Translator):
        async def translate(self, string, locale, context):
            if locale is discord.Locale.korean:
                return {"Train a LoRA": "LoRA 학습", "train": "학습"}.get(string.message)
            return None

    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())

    @bot.tree.command(name="train", description="Train a LoRA")
    async def train(inter: discord.Interaction) -> None:
        await inter.response.send_message("queued")

    guild = discord.Object(id=standin.guild.id)
    bot.tree.copy_global_to(guild=guild)
    async with start_bot(bot):
        await bot.tree.set_translator(Ko())
        synced = await bot.tree.sync(guild=guild)
        assert synced[0].guild_id == standin.guild.id
        stored = standin.commands(guild=True)["train"]
        assert stored["name_localizations"]["ko"] == "학습"
        assert stored["description_localizations"]["ko"] == "LoRA 학습"
        alice = standin.add_user("alice", locale="ko")
        inter = await standin.send_slash_command(alice, "train")
        assert inter.data["guild_id"] == str(standin.guild.id)
        assert (await standin.wait_for_message()).content == "queued"


BAD_COMMANDS = [
    ({"name": "Train", "description": "x"}, ("0", "name"), "APPLICATION_COMMAND_INVALID_NAME"),
    ({"name": "train now", "description": "x"}, ("0", "name"), "APPLICATION_COMMAND_INVALID_NAME"),
    ({"name": "x" * 33, "description": "x"}, ("0", "name"), "BASE_TYPE_BAD_LENGTH"),
    ({"name": "train", "description": ""}, ("0", "description"), "BASE_TYPE_BAD_LENGTH"),
    ({"name": "train", "description": "d" * 101}, ("0", "description"), "BASE_TYPE_BAD_LENGTH"),
    (
        {"name": "t", "description": "d", "options": [
            {"type": 3, "name": "a", "description": "a"},
            {"type": 3, "name": "b", "description": "b", "required": True}]},
        ("0", "options", "1", "required"), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
    ),
    (
        {"name": "t", "description": "d", "options": [{"type": 3, "name": "a", "description": "a",
            "choices": [{"name": str(i), "value": str(i)} for i in range(26)]}]},
        ("0", "options", "0", "choices"), "BASE_TYPE_MAX_LENGTH",
    ),
    (
        {"name": "t", "description": "d", "options": [{"type": 4, "name": "n", "description": "n",
            "choices": [{"name": "one", "value": "1"}]}]},
        ("0", "options", "0", "choices", "0", "value"), "BASE_TYPE_CHOICES",
    ),
    (
        {"name": "t", "description": "d", "options": [{"type": 3, "name": "a", "description": "a",
            "autocomplete": True, "choices": [{"name": "x", "value": "x"}]}]},
        ("0", "options", "0", "autocomplete"), "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
    ),
    ({"name": "t", "description": "d", "name_localizations": {"kr": "학습"}},
     ("0", "name_localizations", "kr"), "ENUM_TYPE_COERCE"),
    ({"name": "t", "description": "d", "name_localizations": {"ko": "학 습"}},
     ("0", "name_localizations", "ko"), "APPLICATION_COMMAND_INVALID_NAME"),
    (
        {"name": "t", "description": "d", "options": [
            {"type": 1, "name": "s", "description": "s"}, {"type": 3, "name": "a", "description": "a"}]},
        ("0", "options"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
    ),
    (
        {"name": "t", "description": "d", "options": [{"type": 2, "name": "g", "description": "g", "options": [
            {"type": 2, "name": "h", "description": "h"}]}]},
        ("0", "options", "0", "options"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
    ),
    ({"type": 3, "name": "Flag message", "description": "not allowed"}, ("0", "description"),
     "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "path", "code"), BAD_COMMANDS)
def test_invalid_commands_are_refused_with_the_path(command, path, code):
    errors = check_command_list([command]).tree
    node = errors
    for part in path:
        assert part in node, f"expected an error at {path}, got {errors}"
        node = node[part]
    assert code in [e["code"] for e in node["_errors"]]


def test_valid_commands_pass_including_korean_and_hindi_names():
    good = [
        {"name": "학습", "description": "LoRA 학습", "options": [
            {"type": 11, "name": "image", "description": "a picture", "required": True},
            {"type": 3, "name": "preset", "description": "p", "choices": [{"name": "fast", "value": "fast"}]},
            {"type": 4, "name": "steps", "description": "s", "min_value": 1, "max_value": 10000}]},
        {"name": "प्रशिक्षण", "description": "train"},
        {"type": 2, "name": "Show Profile", "description": ""},
    ]  # fmt: skip
    assert not check_command_list(good)


def test_duplicate_names_and_total_size_are_refused():
    dup = check_command_list([{"name": "a", "description": "x"}, {"name": "a", "description": "y"}]).tree
    assert dup["1"]["name"]["_errors"][0]["code"] == "APPLICATION_COMMANDS_DUPLICATE_NAME"
    big = {"name": "big", "description": "d" * 100, "options": [
        {"type": 3, "name": f"o{i}", "description": "d" * 100, "choices": [
            {"name": "n" * 100, "value": "v" * 100} for _ in range(2)]} for i in range(10)]}  # fmt: skip
    assert "APPLICATION_COMMAND_TOO_LARGE" in str(check_command_list([big]).tree)


async def test_sync_of_an_invalid_payload_raises_discords_error(standin, start_bot, bot):
    async with start_bot(bot):
        bad = [{"name": "Bad Name", "description": "x", "type": 1}]
        with pytest.raises(discord.HTTPException) as info:
            await bot.http.bulk_upsert_global_commands(bot.application_id, bad)
        assert info.value.status == 400
        assert info.value.code == 50035
        assert "In 0.name: Command name is invalid" in info.value.text
        assert standin.commands() == {}  # nothing stored from a refused overwrite
