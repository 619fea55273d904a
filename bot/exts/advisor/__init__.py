"""/advisor: suggested training parameters with reasons (accept or change), and troubleshooting Q&A."""

from __future__ import annotations

from discord.ext import commands

from bot.exts.advisor._cog import AdvisorCog
from bot.services import Services


async def setup(bot: commands.Bot, services: Services) -> None:
    """Add the command group to `bot`; called by LoracordBot.setup_hook with the services."""
    await bot.add_cog(AdvisorCog(services))
