"""/dataset: create, add images (attachments, zips, or posts in the dataset's thread), list, show, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.datasets._cog import Datasets
from bot.exts.datasets._service import DatasetService

if TYPE_CHECKING:
    from bot.app import LoracordBot


async def setup(bot: LoracordBot) -> None:
    bot.datasets = DatasetService(bot)  # type: ignore[attr-defined]
    await bot.datasets.load_threads()  # type: ignore[attr-defined]
    await bot.add_cog(Datasets(bot))
