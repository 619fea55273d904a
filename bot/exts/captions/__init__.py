"""/caption: BLIP, WD14 or manual captions with a trigger word; edit one caption; .txt uploads; tags."""

from __future__ import annotations

from discord.ext import commands

from bot.exts.captions._cog import Captions
from bot.services import Services


async def setup(bot: commands.Bot, services: Services) -> None:
    """Add the command group to `bot`; called by LoracordBot.setup_hook with the services."""
    await bot.add_cog(Captions(services))
