"""/admin: the base-model allowlist, limits, a user's quota, pausing the queue (Manage Server or the
configured admin role)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.admin._cog import Admin

if TYPE_CHECKING:
    from bot.app import LoracordBot


async def setup(bot: LoracordBot) -> None:
    await bot.add_cog(Admin(bot))
