"""The confirmation step before a job is queued: final parameters, queue position, ETA; Start/Cancel."""

from __future__ import annotations

from typing import Any

import discord

from bot import limits
from bot.exts._common import OwnerView
from bot.exts.training import _service as service
from bot.i18n import t
from bot.services import services_of
from config.training import TrainConfig
from trainer.queue.eta import format_duration, s_per_step_for

#: The parameters a user checks before spending GPU time (the rest are in the frozen config.toml).
SHOWN = (
    "model_arch",
    "resolution",
    "network_dim",
    "network_alpha",
    "learning_rate",
    "train_batch_size",
    "max_train_steps",
    "trigger_word",
    "train_text_encoder",
    "regularization",
    "mixed_precision",
    "sample_every_n_steps",
)
CONFIRM_TIMEOUT_S = 600.0


def params_embed(
    title: str, config: TrainConfig, locale: Any, reasons: dict[str, str] | None = None
) -> discord.Embed:
    values = config.to_dict()
    lines = []
    for key in SHOWN:
        if key in values:
            line = f"`{key}` = **{values[key]}**"
            if reasons and reasons.get(key):
                line += f"\n  ↳ {reasons[key]}"
            lines.append(line)
    embed = discord.Embed(title=limits.clip(title, limits.EMBED_TITLE_MAX))
    embed.description = limits.clip("\n".join(lines), limits.EMBED_DESCRIPTION_MAX)
    return embed


async def confirmation(
    interaction: discord.Interaction, config: TrainConfig, dataset_id: str | None, title: str
) -> tuple[discord.Embed, ConfirmView]:
    """The embed and view that ask the user to confirm `config`."""
    services = services_of(interaction)
    position, starts_in = await service.queue_estimate(services, config)
    history = await services.store.step_times()
    duration = (
        config.max_train_steps * s_per_step_for(config.to_dict(), history) if config.max_train_steps else None
    )
    locale = interaction.locale
    embed = params_embed(title, config, locale)
    embed.add_field(name=t(locale, "training.position"), value=str(position))
    embed.add_field(name=t(locale, "training.starts_in"), value=format_duration(starts_in))
    embed.add_field(name=t(locale, "training.duration"), value=format_duration(duration))
    return embed, ConfirmView(config, dataset_id, interaction.user.id, locale)


class ConfirmView(OwnerView):
    def __init__(self, config: TrainConfig, dataset_id: str | None, owner_id: int, locale: Any) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT_S)
        self.config = config
        self.dataset_id = dataset_id
        self.owner_id = owner_id
        self.start.label = t(locale, "buttons.start")
        self.abort.label = t(locale, "buttons.cancel")

    @discord.ui.button(label="Start", style=discord.ButtonStyle.success, custom_id="lc:confirm:start")
    async def start(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(view=None)
        self.stop()
        job = await service.submit_and_announce(
            services_of(interaction), interaction, self.config, self.dataset_id
        )
        await interaction.followup.send(t(interaction.locale, "training.queued", job=job.id), ephemeral=True)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="lc:confirm:abort")
    async def abort(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=t(interaction.locale, "training.not_started"), embed=None, view=None
        )
