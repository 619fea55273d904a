"""The /advisor command group: suggested parameters (accept or change them with buttons), and ask."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from advisor.answer import Advisor
from advisor.suggest import Suggestion, suggest_config
from bot import limits
from bot.errors import BadValue
from bot.exts._common import OwnerView, dataset_autocomplete, datasets_of, defer
from bot.exts.training import _service as training
from bot.exts.training._cog import model_autocomplete
from bot.exts.training._views import confirmation, params_embed
from bot.i18n import L, language_of, t
from bot.services import Services, services_of
from config.training import ConfigError, TrainConfig, load_train_config
from trainer.dataset.stats import dataset_stats

VIEW_TIMEOUT_S = 900.0
QUESTION_MAX = 1000


def suggestion_embed(suggestion: Suggestion, config: TrainConfig, title: str, locale: Any) -> discord.Embed:
    """The suggested values with the advisor's reasons; a value the user changed says so instead."""
    reasons = dict(suggestion.reasons)
    original, current = suggestion.config.to_dict(), config.to_dict()
    for key, value in current.items():
        if original.get(key) != value:
            reasons[key] = t(locale, "advisor.changed", old=original.get(key))
    embed = params_embed(title, config, locale, reasons)
    for finding in suggestion.findings[:5]:
        text = f"{finding.text.problem} {finding.text.recommendation}"
        embed.add_field(
            name=f"⚠ {finding.id}", value=limits.clip(text, limits.EMBED_FIELD_VALUE_MAX), inline=False
        )
    return embed


class ChangeModal(discord.ui.Modal):
    def __init__(self, view: SuggestView, locale: Any) -> None:
        super().__init__(title=limits.clip(t(locale, "advisor.change_title"), limits.MODAL_TITLE_MAX))
        self.view = view
        self.values_input: discord.ui.TextInput[ChangeModal] = discord.ui.TextInput(
            label=limits.clip(t(locale, "advisor.change_label"), limits.TEXT_INPUT_LABEL_MAX),
            style=discord.TextStyle.paragraph,
            placeholder="network_dim=16\nlearning_rate=5e-5",
            custom_id="changes",
            max_length=1000,
        )
        self.add_item(self.values_input)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        changes = training.parse_overrides(self.values_input.value)
        try:
            config = load_train_config(overrides={**self.view.config.to_dict(), **changes})
        except ConfigError as exc:
            raise BadValue(exc.field or "config", str(exc)) from None
        self.view.config = config
        embed = suggestion_embed(self.view.suggestion, config, self.view.title, interaction.locale)
        await interaction.response.edit_message(embed=embed, view=self.view)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await services_of(interaction).errors.handle(interaction, error)


class SuggestView(OwnerView):
    def __init__(
        self, suggestion: Suggestion, dataset_id: str, label: str, owner_id: int, title: str, locale: Any
    ) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_S)
        self.label = label
        self.suggestion = suggestion
        self.config = suggestion.config
        self.dataset_id = dataset_id
        self.owner_id = owner_id
        self.title = title
        self.accept.label = t(locale, "buttons.accept")
        self.change.label = t(locale, "buttons.change")

    @discord.ui.button(label="Train", style=discord.ButtonStyle.success, custom_id="lc:suggest:accept")
    async def accept(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        title = t(interaction.locale, "training.confirm_title", dataset=self.label)
        embed, view = await confirmation(interaction, self.config, self.dataset_id, title)
        self.stop()
        await interaction.response.edit_message(embed=embed, view=view)

    @discord.ui.button(label="Change", style=discord.ButtonStyle.secondary, custom_id="lc:suggest:change")
    async def change(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(ChangeModal(self, interaction.locale))


class AdvisorCog(
    commands.GroupCog, group_name=L("cmd.advisor.name"), group_description=L("cmd.advisor.desc")
):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @property
    def advisor(self) -> Advisor:
        return self.services.advisor.advisor

    @app_commands.command(name=L("cmd.advisor.suggest.name"), description=L("cmd.advisor.suggest.desc"))
    @app_commands.rename(dataset=L("opt.dataset.name"), kind=L("opt.kind.name"), model=L("opt.model.name"))
    @app_commands.describe(dataset=L("opt.dataset.desc"), kind=L("opt.kind.desc"), model=L("opt.model.desc"))
    @app_commands.autocomplete(dataset=dataset_autocomplete, model=model_autocomplete)
    async def suggest(
        self,
        interaction: discord.Interaction,
        dataset: str,
        kind: Literal["character", "style", "object"] = "character",
        model: str | None = None,
    ) -> None:
        await defer(interaction, ephemeral=True)
        info = await datasets_of(interaction).get(interaction.user, dataset, modify=True)
        await datasets_of(interaction).require_images(info)
        base = training.base_fields(self.services, model)
        fields = training.dataset_fields(info)
        stats = await asyncio.to_thread(dataset_stats, info.prepared)
        try:
            suggestion = await asyncio.to_thread(
                lambda: suggest_config(
                    stats, kind=kind, arch=base["model_arch"], pretrained_model=base["pretrained_model"],
                    resolution=base["resolution"], data_dir=fields["data_dir"], name=fields["name"],
                    lang=language_of(interaction.locale),
                )
            )  # fmt: skip
        except ValueError as exc:
            raise BadValue("dataset", str(exc)) from None
        title = t(interaction.locale, "advisor.suggest_title", dataset=info.label)
        view = SuggestView(
            suggestion, info.record.id, info.label, interaction.user.id, title, interaction.locale
        )
        embed = suggestion_embed(suggestion, suggestion.config, title, interaction.locale)
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name=L("cmd.advisor.ask.name"), description=L("cmd.advisor.ask.desc"))
    @app_commands.rename(question=L("opt.question.name"))
    @app_commands.describe(question=L("opt.question.desc"))
    async def ask(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 2, QUESTION_MAX]
    ) -> None:
        await defer(interaction, ephemeral=False)
        # The rule search runs in a thread, the LLM in its child process, within the advisor's
        # concurrency and time limits; a failed child only costs this answer its wording.
        answer = await asyncio.to_thread(self.advisor.ask, question)
        text = answer.text
        if answer.rule_ids and not all(r in text for r in answer.rule_ids):
            text += "\n-# " + t(interaction.locale, "advisor.sources", rules=", ".join(answer.rule_ids))
        quoted = limits.clip(question, 200)
        # A long answer goes out whole, as several messages cut between its lines (up to four).
        for part in limits.split_content(f"> {quoted}\n{text}"):
            await interaction.followup.send(part)
