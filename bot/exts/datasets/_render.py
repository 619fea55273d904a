"""Pictures and embeds for datasets: the thumbnails grid and the quality report (built in a thread)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import discord
from PIL import Image, ImageOps

from bot import limits
from bot.i18n import t
from trainer.dataset.stats import list_images

THUMB_PX = 128
GRID_COLUMNS = 4
#: A 4x4 grid of 128-px tiles stays far below every upload limit and is readable on a phone.
GRID_MAX_IMAGES = 16


def thumbnails_png(folder: Path) -> bytes | None:
    """A grid of the first images of a prepared folder as PNG bytes; None when it holds none."""
    paths = list_images(folder)[:GRID_MAX_IMAGES]
    if not paths:
        return None
    rows = (len(paths) + GRID_COLUMNS - 1) // GRID_COLUMNS
    cols = min(GRID_COLUMNS, len(paths))
    sheet = Image.new("RGB", (cols * THUMB_PX, rows * THUMB_PX), "white")
    for i, path in enumerate(paths):
        with Image.open(path) as img:
            # Scaled to the tile either way: images prepared for a small model are shown at a readable size.
            tile = ImageOps.contain(img.convert("RGB"), (THUMB_PX, THUMB_PX))
        x = (i % GRID_COLUMNS) * THUMB_PX + (THUMB_PX - tile.width) // 2
        y = (i // GRID_COLUMNS) * THUMB_PX + (THUMB_PX - tile.height) // 2
        sheet.paste(tile, (x, y))
    buf = io.BytesIO()
    sheet.save(buf, "PNG")
    return buf.getvalue()


def _names(items: list[str], locale: Any) -> str:
    return limits.clip(", ".join(items), limits.EMBED_FIELD_VALUE_MAX) if items else t(locale, "common.none")


def report_embed(title: str, report: dict[str, Any] | None, images: int, locale: Any) -> discord.Embed:
    """The quality report's summary as an embed (the full table stays in report.json)."""
    embed = discord.Embed(title=limits.clip(title, limits.EMBED_TITLE_MAX))
    if report is None:
        embed.description = t(locale, "datasets.no_report", images=images)
        return embed
    s = report["summary"]
    res = s["resolution"]
    embed.description = t(locale, "datasets.report_count", images=s["num_images"])
    embed.add_field(
        name=t(locale, "datasets.report_resolution"),
        value=t(
            locale, "datasets.report_sides", low=res["min_side"], high=res["max_side"], target=res["target"]
        ),
        inline=False,
    )
    embed.add_field(
        name=t(locale, "datasets.report_small"), value=_names(res["too_small"], locale), inline=False
    )
    embed.add_field(name=t(locale, "datasets.report_blurry"), value=_names(s["blurry"], locale), inline=False)
    dupes = [" = ".join(c) for c in s["near_duplicate_clusters"]]
    embed.add_field(name=t(locale, "datasets.report_dupes"), value=_names(dupes, locale), inline=False)
    return embed
