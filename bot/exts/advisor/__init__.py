"""/advisor: suggested training parameters with reasons (accept or change), and troubleshooting Q&A."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.advisor._cog import AdvisorCog

if TYPE_CHECKING:
    from bot.app import LoracordBot


async def setup(bot: LoracordBot) -> None:
    await bot.add_cog(AdvisorCog(bot))
