"""/train: start a job from a preset or a suggestion (with a confirmation), follow it, cancel, retry with
the advisor's fix, download the LoRA."""

from __future__ import annotations

from discord.ext import commands

from bot.exts.training._buttons import DYNAMIC_ITEMS
from bot.exts.training._cog import Training
from bot.services import Services


async def setup(bot: commands.Bot, services: Services) -> None:
    """Add the command group to `bot`; called by LoracordBot.setup_hook with the services."""
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Training(services))
