"""Getting a result file to a user: as an attachment when it fits, otherwise as a signed link.

The size that fits is the interaction's `attachment_size_limit` (Discord says per interaction what
this guild allows: 10 MiB unboosted, more on boosted servers), never a guess. Files posted to a channel
without an interaction use the default limit.
"""

from __future__ import annotations

import logging
from pathlib import Path

import discord

from bot import limits
from bot.files import LinkSigner
from bot.i18n import t

log = logging.getLogger(__name__)


def human_size(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def fits(path: Path, limit: int) -> bool:
    return path.stat().st_size <= limit


def link_text(signer: LinkSigner, job_id: str, path: Path, locale: object, *, refused: bool = False) -> str:
    """A signed link to one of the job's files: because it is too big for Discord, or (`refused`)
    because the channel takes no files."""
    hours = max(1, round(signer.ttl_seconds / 3600))
    url = signer.url(job_id, path.name)
    key = "delivery.link_no_files" if refused else "delivery.link"
    return t(locale, key, name=path.name, size=human_size(path.stat().st_size), url=url, hours=hours)


async def send_to_interaction(
    interaction: discord.Interaction, signer: LinkSigner, job_id: str, path: Path
) -> str:
    """Answer (ephemerally) with the file or its link; returns "file" or "link". The interaction must be
    deferred or unanswered."""
    limit = interaction.filesize_limit or limits.DEFAULT_ATTACHMENT_SIZE_LIMIT
    locale = interaction.locale
    send = interaction.followup.send if interaction.response.is_done() else interaction.response.send_message
    if fits(path, limit):
        text = t(locale, "delivery.file", name=path.name, size=human_size(path.stat().st_size))
        await send(text, file=discord.File(path), ephemeral=True)
        return "file"
    await send(link_text(signer, job_id, path, locale), ephemeral=True)
    return "link"


async def send_to_user(
    user: discord.abc.User, signer: LinkSigner, job_id: str, path: Path, max_bytes: int, locale: object
) -> str:
    """A direct message with the file (when under `max_bytes` and the default limit) or its link."""
    if max_bytes and fits(path, min(max_bytes, limits.DEFAULT_ATTACHMENT_SIZE_LIMIT)):
        text = t(locale, "delivery.file", name=path.name, size=human_size(path.stat().st_size))
        await user.send(text, file=discord.File(path))
        return "file"
    await user.send(link_text(signer, job_id, path, locale))
    return "link"
