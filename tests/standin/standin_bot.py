"""The tests' own small bot: real discord.py app commands, views and modals, nothing mocked."""

from __future__ import annotations

import asyncio
import hashlib
import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands


class Approve(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Approve", custom_id="approve", style=discord.ButtonStyle.success)
    async def approve(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content=f"approved by {interaction.user.name}", view=None)

    @discord.ui.select(
        custom_id="preset", options=[discord.SelectOption(label=x, value=x) for x in ("fast", "good")]
    )
    async def preset(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"preset {select.values[0]}", ephemeral=True)


class Caption(discord.ui.Modal, title="Caption"):
    text = discord.ui.TextInput(label="Caption", custom_id="caption_text", max_length=200)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"caption saved: {self.text.value}")


def build_bot(*, intents: discord.Intents | None = None) -> commands.Bot:
    """A bot with one command per kind of interaction the stand-in must carry."""
    if intents is None:
        intents = discord.Intents.default()
        intents.message_content = True
    bot = commands.Bot(command_prefix="!", intents=intents)
    bot.seen: dict[str, Any] = {}  # type: ignore[attr-defined]
    bot.gate = asyncio.Event()  # type: ignore[attr-defined]

    @bot.tree.command(name="echo", description="Repeat text")
    @app_commands.describe(text="What to say")
    async def echo(inter: discord.Interaction, text: str, times: app_commands.Range[int, 1, 3] = 1) -> None:
        bot.seen["echo"] = inter
        bot.seen["echo_callback"] = await inter.response.send_message(" ".join([text] * times))

    @bot.tree.command(name="upload", description="Hash an uploaded file")
    async def upload(inter: discord.Interaction, image: discord.Attachment) -> None:
        data = await image.read()
        await inter.response.send_message(
            f"{image.filename} {len(data)} {hashlib.sha256(data).hexdigest()[:12]}"
        )

    dataset = app_commands.Group(name="dataset", description="Datasets")
    tags = app_commands.Group(name="tags", description="Tags", parent=dataset)

    @tags.command(name="add", description="Add a tag")
    async def tags_add(inter: discord.Interaction, tag: str) -> None:
        await inter.response.send_message(f"tag {tag} added ({inter.locale.value})")

    bot.tree.add_command(dataset)

    @bot.tree.command(name="slow", description="Defer, then follow up")
    async def slow(inter: discord.Interaction, ephemeral: bool = False) -> None:
        bot.seen["slow"] = inter
        await inter.response.defer(thinking=True, ephemeral=ephemeral)
        await bot.gate.wait()
        await inter.followup.send("done", file=discord.File(io.BytesIO(b"x" * 100), "result.txt"))

    @bot.tree.command(name="report", description="Answer with a file")
    async def report(inter: discord.Interaction) -> None:
        await inter.response.send_message("report", file=discord.File(io.BytesIO(b"loss 0.08"), "report.txt"))

    @bot.tree.command(name="panel", description="Buttons")
    async def panel(inter: discord.Interaction) -> None:
        await inter.response.send_message("choose", view=Approve())

    @bot.tree.command(name="caption", description="Open a modal")
    async def caption(inter: discord.Interaction) -> None:
        await inter.response.send_modal(Caption())

    @bot.tree.command(name="model", description="Pick a base model")
    async def model(inter: discord.Interaction, name: str) -> None:
        await inter.response.send_message(f"model {name}")

    @model.autocomplete("name")
    async def model_complete(inter: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = ["sd15-tiny", "sd2-tiny", "sdxl-tiny"]
        return [app_commands.Choice(name=n, value=n) for n in names if current in n]

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author.bot:
            return
        bot.seen.setdefault("messages", []).append(message)

    return bot
