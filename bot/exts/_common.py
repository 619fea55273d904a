"""Small helpers every command group uses: deferring, the bot's services, dataset autocomplete."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot import limits
from bot.datasets import DatasetService
from bot.i18n import t
from bot.services import services_of


class OwnerView(discord.ui.View):
    """A view only its owner may press; errors in its callbacks go to the bot's one error handler."""

    owner_id: int

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                t(interaction.locale, "errors.not_your_view"), ephemeral=True
            )
            return False
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await services_of(interaction).errors.handle(interaction, error)


def datasets_of(interaction: discord.Interaction) -> DatasetService:
    return services_of(interaction).datasets


async def defer(interaction: discord.Interaction, *, ephemeral: bool = True) -> None:
    """Acknowledge now (Discord's 3-s deadline); the answer follows as a followup.

    Ephemeral by default: an answer (or an error) about someone's own upload or job is for them alone.
    Public only where the answer is meant for the channel (a question's answer, a paused queue)."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)


async def dataset_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The user's own datasets whose name or id contains what was typed."""
    needle = current.lower().strip()
    mine = await datasets_of(interaction).mine(interaction.user.id)
    choices = [
        app_commands.Choice(name=limits.clip(d.label, limits.CHOICE_NAME_MAX), value=d.record.id)
        for d in mine
        if needle in d.record.name.lower() or needle in d.record.id
    ]
    return choices[: limits.AUTOCOMPLETE_CHOICES_MAX]
