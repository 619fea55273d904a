"""/train: start a job from a preset or a suggestion (with a confirmation), follow it, cancel, retry with
the advisor's fix, download the LoRA."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.training._buttons import DYNAMIC_ITEMS
from bot.exts.training._cog import Training

if TYPE_CHECKING:
    from bot.app import LoracordBot


async def setup(bot: LoracordBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Training(bot))
