"""/caption: BLIP, WD14 or manual captions with a trigger word; edit one caption; .txt uploads; tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.captions._cog import Captions

if TYPE_CHECKING:
    from bot.app import LoracordBot


async def setup(bot: LoracordBot) -> None:
    await bot.add_cog(Captions(bot))
