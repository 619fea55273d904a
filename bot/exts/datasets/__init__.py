"""/dataset: create, add images (attachments, zips, or posts in the dataset's thread), list, show, delete."""

from __future__ import annotations

from discord.ext import commands

from bot.exts.datasets._cog import Datasets
from bot.services import Services


async def setup(bot: commands.Bot, services: Services) -> None:
    """Add the command group to `bot`; called by LoracordBot.setup_hook with the services."""
    await services.datasets.load_threads()
    await bot.add_cog(Datasets(services))
