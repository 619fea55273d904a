"""/admin: the base-model allowlist, limits, a user's quota, pausing the queue (Manage Server or the
configured admin role)."""

from __future__ import annotations

from discord.ext import commands

from bot.exts.admin._cog import Admin
from bot.services import Services


async def setup(bot: commands.Bot, services: Services) -> None:
    """Add the command group to `bot`; called by LoracordBot.setup_hook with the services."""
    await bot.add_cog(Admin(services))
