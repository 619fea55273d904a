"""Buttons on job messages that keep working after a restart: their custom_id carries the job id
(`lc:job:<action>:<job id>`), and discord.py rebuilds them from it (DynamicItem)."""

from __future__ import annotations

from typing import Any

import discord

from bot import limits
from bot.exts._common import defer
from bot.exts.training import _service as service
from bot.i18n import t
from bot.services import services_of

JOB_ID = r"(?P<job>[A-Za-z0-9_-]{1,64})"


class _JobButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"lc:job:none:" + JOB_ID):
    action = "none"
    style = discord.ButtonStyle.secondary

    def __init__(self, job_id: str, label: str = "…") -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=limits.clip(label, limits.BUTTON_LABEL_MAX),
            style=self.style,
            custom_id=f"lc:job:{self.action}:{job_id}",
        )
        super().__init__(button)
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any, /
    ) -> _JobButton:
        return cls(match["job"], item.label or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.run(interaction)
        except Exception as exc:  # noqa: BLE001 - handed to the bot's one error handler
            await services_of(interaction).errors.handle(interaction, exc, job_id=self.job_id)

    async def run(self, interaction: discord.Interaction) -> None:
        raise TypeError(f"{type(self).__name__} has no action")


class DownloadButton(_JobButton, template=r"lc:job:download:" + JOB_ID):
    action = "download"
    style = discord.ButtonStyle.primary

    async def run(self, interaction: discord.Interaction) -> None:
        await defer(interaction, ephemeral=True)
        await service.download(services_of(interaction), interaction, self.job_id)


class RetryButton(_JobButton, template=r"lc:job:retry:" + JOB_ID):
    action = "retry"
    style = discord.ButtonStyle.success

    async def run(self, interaction: discord.Interaction) -> None:
        await defer(interaction, ephemeral=True)
        job, changes = await service.retry(services_of(interaction), interaction, self.job_id)
        shown = ", ".join(f"{k}={v}" for k, v in changes.items()) or t(interaction.locale, "common.none")
        await interaction.followup.send(
            t(interaction.locale, "training.retried", job=job.id, old=self.job_id, changes=shown),
            ephemeral=True,
        )


class CancelButton(_JobButton, template=r"lc:job:cancel:" + JOB_ID):
    action = "cancel"
    style = discord.ButtonStyle.danger

    async def run(self, interaction: discord.Interaction) -> None:
        await defer(interaction, ephemeral=True)
        job = await service.cancel(services_of(interaction), interaction.user, self.job_id)
        await interaction.followup.send(
            t(interaction.locale, "training.cancel_requested", job=job.id), ephemeral=True
        )


DYNAMIC_ITEMS = (DownloadButton, RetryButton, CancelButton)
