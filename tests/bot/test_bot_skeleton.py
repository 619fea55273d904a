"""The bot starts against the stand-in, registers localized commands, and a dataset round trip works."""

from __future__ import annotations

from standin.driver import StandIn
from tests.bot.conftest import png_bytes


async def test_commands_registered_with_korean_names(standin: StandIn, make_bot, settings) -> None:
    async with make_bot(settings):
        commands = standin.commands()
        assert {"dataset", "train"} <= set(commands)
        dataset = commands["dataset"]
        assert dataset["name_localizations"]["ko"] == "데이터셋"
        subs = {o["name"]: o for o in dataset["options"]}
        assert subs["create"]["name_localizations"]["ko"] == "만들기"
        assert {"dataset", "caption", "advisor", "train", "admin"} == set(commands)

        def walk(node: dict, path: str) -> None:
            # Every command, sub-command and option carries a Korean name and description.
            assert node.get("name_localizations", {}).get("ko"), f"{path}: no Korean name"
            assert node.get("description_localizations", {}).get("ko"), f"{path}: no Korean description"
            for child in node.get("options") or []:
                walk(child, f"{path} {child['name']}")

        for name, cmd in commands.items():
            walk(cmd, name)


async def test_create_and_add_images(standin: StandIn, make_bot, settings) -> None:
    alice = standin.add_user("alice")
    async with make_bot(settings):
        inter = await standin.send_slash_command(
            alice, "dataset", subcommand="create", options={"name": "cats"}
        )
        msg = await standin.wait_for_message(predicate=lambda m: "cats" in m.content)
        dataset_id = msg.content.split("(")[1].split(")")[0]
        assert inter.response_time is not None and inter.response_time < 3
        await standin.send_slash_command(
            alice,
            "dataset",
            subcommand="add",
            options={"dataset": dataset_id},
            attachments=[("a.png", png_bytes(1)), ("notes.txt", b"hello")],
        )
        reply = await standin.wait_for_message(predicate=lambda m: "Added" in m.content, timeout=20)
        print(reply.content)
        assert "Added 1 image" in reply.content
        assert "notes.txt" in reply.content


async def test_commands_synced_to_the_configured_guild(standin: StandIn, make_bot, settings_factory) -> None:
    from config.settings import DiscordSettings

    settings = settings_factory(discord=DiscordSettings(sync_guild_ids=[standin.guild.id]))
    async with make_bot(settings):
        assert "dataset" in standin.commands(guild=True)
        assert standin.commands() == {}
