"""The /caption command group: run a captioner, edit one caption in a modal, upload .txt files, tags."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits, replies
from bot.errors import BotError
from bot.exts._common import dataset_autocomplete, datasets_of, defer
from bot.exts.captions import _service as service
from bot.i18n import L, t
from bot.services import Services, services_of

TOP_TAGS = 20
EXAMPLES = 3


async def image_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    dataset = getattr(interaction.namespace, "dataset", None)
    if not dataset:
        return []
    try:
        info = await datasets_of(interaction).get(interaction.user, str(dataset), modify=True)
    except BotError:
        return []  # not theirs, or no such dataset: nothing to suggest (the command itself will say why)
    names = await asyncio.to_thread(service.stems, info)
    return [app_commands.Choice(name=n, value=n) for n in names if current.lower() in n.lower()][
        : limits.AUTOCOMPLETE_CHOICES_MAX
    ]


class CaptionModal(discord.ui.Modal):
    def __init__(self, dataset_id: str, stem: str, text: str, locale: Any) -> None:
        super().__init__(
            title=limits.clip(t(locale, "captions.modal_title", image=stem), limits.MODAL_TITLE_MAX)
        )
        self.dataset_id = dataset_id
        self.stem = stem
        self.caption: discord.ui.TextInput[CaptionModal] = discord.ui.TextInput(
            label=limits.clip(t(locale, "captions.modal_label"), limits.TEXT_INPUT_LABEL_MAX),
            style=discord.TextStyle.paragraph,
            default=limits.clip(text, limits.TEXT_INPUT_VALUE_MAX),
            max_length=limits.TEXT_INPUT_VALUE_MAX,
            custom_id="caption",
        )
        self.add_item(self.caption)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        info = await datasets_of(interaction).get(interaction.user, self.dataset_id, modify=True)
        final = await asyncio.to_thread(service.edit, info, self.stem, self.caption.value)
        await interaction.response.send_message(
            t(interaction.locale, "captions.edited", image=self.stem, caption=limits.clip(final, 1500)),
            ephemeral=True,
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await services_of(interaction).errors.handle(interaction, error)


def summary_text(summary: dict[str, Any], locale: Any, examples: dict[str, str]) -> str:
    lines = [
        t(
            locale,
            "captions.done",
            captioned=len(summary.get("captioned", [])),
            kept=len(summary.get("kept_human_captions", [])),
            missing=summary.get("captions", {}).get("missing", 0),
        )
    ]
    coverage = summary.get("trigger_coverage")
    if summary.get("trigger_word") and coverage is not None:
        lines.append(t(locale, "captions.coverage", trigger=summary["trigger_word"], share=f"{coverage:.0%}"))
    for name, problem in list(summary.get("failed", {}).items())[:5]:
        lines.append(f"• {name}: {problem}")
    for stem, text in list(examples.items())[:EXAMPLES]:
        lines.append(f"`{stem}`: {limits.clip(text, 200)}")
    return limits.clip("\n".join(lines), limits.CONTENT_MAX)


class Captions(commands.GroupCog, group_name=L("cmd.caption.name"), group_description=L("cmd.caption.desc")):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name=L("cmd.caption.run.name"), description=L("cmd.caption.run.desc"))
    @app_commands.rename(
        dataset=L("opt.dataset.name"), method=L("opt.method.name"), trigger=L("opt.trigger.name")
    )
    @app_commands.describe(
        dataset=L("opt.dataset.desc"), method=L("opt.method.desc"), trigger=L("opt.trigger.desc")
    )
    @app_commands.autocomplete(dataset=dataset_autocomplete)
    async def run(
        self,
        interaction: discord.Interaction,
        dataset: str,
        method: Literal["blip", "wd14", "manual"],
        trigger: str | None = None,
    ) -> None:
        await defer(interaction)
        info = await datasets_of(interaction).get(interaction.user, dataset, modify=True)
        await datasets_of(interaction).require_images(info)
        async with datasets_of(interaction).lock(info.record.id):
            summary = await service.run_captioner(self.services, info, method, trigger)
        examples = await asyncio.to_thread(service._current, info)
        # Captioning may outlive the 15-minute token: `answer` switches to the bot token then.
        await replies.answer(interaction, summary_text(summary, interaction.locale, examples), ephemeral=True)

    @app_commands.command(name=L("cmd.caption.edit.name"), description=L("cmd.caption.edit.desc"))
    @app_commands.rename(dataset=L("opt.dataset.name"), image=L("opt.image.name"))
    @app_commands.describe(dataset=L("opt.dataset.desc"), image=L("opt.image.desc"))
    @app_commands.autocomplete(dataset=dataset_autocomplete, image=image_autocomplete)
    async def edit(self, interaction: discord.Interaction, dataset: str, image: str) -> None:
        info = await datasets_of(interaction).get(interaction.user, dataset, modify=True)
        known = await asyncio.to_thread(service.stems, info)
        stem = service.resolve_stem(image, known)
        if stem is None:
            await interaction.response.send_message(
                t(interaction.locale, "captions.no_image", image=image), ephemeral=True
            )
            return
        text = await asyncio.to_thread(service.current, info, stem)
        await interaction.response.send_modal(CaptionModal(info.record.id, stem, text, interaction.locale))

    @app_commands.command(name=L("cmd.caption.upload.name"), description=L("cmd.caption.upload.desc"))
    @app_commands.rename(
        dataset=L("opt.dataset.name"), file1=L("opt.file1.name"), file2=L("opt.file2.name"),
        file3=L("opt.file3.name"), file4=L("opt.file4.name"),
    )  # fmt: skip
    @app_commands.describe(
        dataset=L("opt.dataset.desc"), file1=L("opt.txt.desc"), file2=L("opt.txt.desc"),
        file3=L("opt.txt.desc"), file4=L("opt.txt.desc"),
    )  # fmt: skip
    @app_commands.autocomplete(dataset=dataset_autocomplete)
    async def upload(
        self,
        interaction: discord.Interaction,
        dataset: str,
        file1: discord.Attachment,
        file2: discord.Attachment | None = None,
        file3: discord.Attachment | None = None,
        file4: discord.Attachment | None = None,
    ) -> None:
        await defer(interaction)
        info = await datasets_of(interaction).get(interaction.user, dataset, modify=True)
        files: list[tuple[str, bytes]] = []
        too_big: list[tuple[str, str]] = []
        for att in (f for f in (file1, file2, file3, file4) if f is not None):
            # Checked before downloading: a caption file is small text.
            if att.size > service.MAX_CAPTION_BYTES:
                too_big.append((att.filename, "txt_too_large"))
            else:
                files.append((att.filename, await att.read()))
        async with datasets_of(interaction).lock(info.record.id):
            done, refused = await asyncio.to_thread(service.upload_texts, info, files)
        refused = too_big + refused
        lines = [t(interaction.locale, "captions.uploaded", count=len(done), dataset=info.label)]
        lines += [f"• {t(interaction.locale, f'captions.refused_{why}', name=name)}" for name, why in refused]
        await interaction.followup.send(limits.clip("\n".join(lines), limits.CONTENT_MAX))

    @app_commands.command(name=L("cmd.caption.tags.name"), description=L("cmd.caption.tags.desc"))
    @app_commands.rename(dataset=L("opt.dataset.name"))
    @app_commands.describe(dataset=L("opt.dataset.desc"))
    @app_commands.autocomplete(dataset=dataset_autocomplete)
    async def tags(self, interaction: discord.Interaction, dataset: str) -> None:
        await defer(interaction, ephemeral=True)
        info = await datasets_of(interaction).get(interaction.user, dataset, modify=False)
        stats = await asyncio.to_thread(service.tag_frequency, info)
        freq = list(stats["tag_frequency"].items())[:TOP_TAGS]
        total = stats["captions"]["count"] + stats["captions"]["missing"]
        embed = discord.Embed(
            title=limits.clip(t(interaction.locale, "captions.tags_title", dataset=info.label), 256)
        )
        if freq:
            embed.description = "\n".join(f"`{count:>3}/{total}` {tag}" for tag, count in freq)
        else:
            embed.description = t(interaction.locale, "captions.no_captions")
        embed.set_footer(
            text=t(interaction.locale, "captions.tags_footer", missing=stats["captions"]["missing"])
        )
        await interaction.followup.send(embed=embed, ephemeral=True)
