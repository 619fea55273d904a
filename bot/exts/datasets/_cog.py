"""The /dataset command group and the listener for images posted in a dataset's thread."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits, replies
from bot.datasets import AddOutcome, DatasetService
from bot.errors import BadValue
from bot.exts._common import dataset_autocomplete, defer
from bot.exts.datasets._render import report_embed, thumbnails_png
from bot.i18n import L, t
from bot.services import Services

log = logging.getLogger(__name__)

NAME_MAX = 64
FILE_OPTIONS = ("file1", "file2", "file3", "file4", "file5", "file6")


def outcome_text(outcome: AddOutcome, label: str, locale: Any) -> str:
    """What happened to every file of one upload: kept, merged, or refused and why."""
    r = outcome.result
    lines = [t(locale, "datasets.added", added=len(r.accepted), dataset=label, total=outcome.images_total)]
    if r.duplicates:
        lines.append(t(locale, "datasets.duplicates", count=len(r.duplicates)))
    refused = list(outcome.refused_before_download)
    refused += [t(locale, f"reject.{rej.reason.value}", name=rej.name) for rej in r.rejected]
    if refused:
        lines.append(t(locale, "datasets.refused_header"))
        lines += [f"• {line}" for line in refused]
    return limits.clip("\n".join(lines), limits.CONTENT_MAX)


class Datasets(commands.GroupCog, group_name=L("cmd.dataset.name"), group_description=L("cmd.dataset.desc")):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @property
    def service(self) -> DatasetService:
        return self.services.datasets

    @app_commands.command(name=L("cmd.dataset.create.name"), description=L("cmd.dataset.create.desc"))
    @app_commands.rename(name=L("opt.name.name"), private=L("opt.private.name"))
    @app_commands.describe(name=L("opt.name.desc"), private=L("opt.private.desc"))
    async def create(self, interaction: discord.Interaction, name: str, private: bool = True) -> None:
        name = " ".join(name.split())
        if not name or len(name) > NAME_MAX:
            raise BadValue("name", t(interaction.locale, "datasets.bad_name", max=NAME_MAX))
        await defer(interaction)
        info = await self.service.create(interaction.user.id, interaction.guild_id, name, private)
        thread_note = ""
        channel = interaction.channel
        # A thread is public and named after the dataset: private datasets get none (uploads go
        # through /dataset add), so nothing in the channel shows that they exist.
        wants_thread = self.services.settings.discord.message_content_intent and not private
        if wants_thread and isinstance(channel, discord.TextChannel):
            try:
                thread = await channel.create_thread(
                    name=limits.clip(f"dataset {name}", 100), type=discord.ChannelType.public_thread
                )
            except discord.HTTPException as exc:
                # No permission to make threads here: the attachment options still work.
                log.warning("no thread for dataset %s in channel %s: %s", info.record.id, channel.id, exc)
            else:
                await self.service.set_thread(info, thread.id)
                thread_note = "\n" + t(interaction.locale, "datasets.thread", thread=thread.mention)
        key = "datasets.created_private" if private else "datasets.created_public"
        await interaction.followup.send(t(interaction.locale, key, dataset=info.label) + thread_note)

    @app_commands.command(name=L("cmd.dataset.add.name"), description=L("cmd.dataset.add.desc"))
    @app_commands.rename(
        dataset=L("opt.dataset.name"), file1=L("opt.file1.name"), file2=L("opt.file2.name"),
        file3=L("opt.file3.name"), file4=L("opt.file4.name"), file5=L("opt.file5.name"),
        file6=L("opt.file6.name"),
    )  # fmt: skip
    @app_commands.describe(
        dataset=L("opt.dataset.desc"),
        file1=L("opt.file.desc"),
        file2=L("opt.file.desc"),
        file3=L("opt.file.desc"),
        file4=L("opt.file.desc"),
        file5=L("opt.file.desc"),
        file6=L("opt.file.desc"),
    )
    @app_commands.autocomplete(dataset=dataset_autocomplete)
    async def add(
        self,
        interaction: discord.Interaction,
        dataset: str,
        file1: discord.Attachment,
        file2: discord.Attachment | None = None,
        file3: discord.Attachment | None = None,
        file4: discord.Attachment | None = None,
        file5: discord.Attachment | None = None,
        file6: discord.Attachment | None = None,
    ) -> None:
        await defer(interaction)
        info = await self.service.get(interaction.user, dataset, modify=True)
        files = [f for f in (file1, file2, file3, file4, file5, file6) if f is not None]
        outcome = await self.service.add(info, files, interaction.locale)
        # Unpacking big zips may outlive the 15-minute token: `answer` switches to the bot token then.
        await replies.answer(
            interaction, outcome_text(outcome, info.label, interaction.locale), ephemeral=True
        )

    @app_commands.command(name=L("cmd.dataset.list.name"), description=L("cmd.dataset.list.desc"))
    async def list_(self, interaction: discord.Interaction) -> None:
        await defer(interaction, ephemeral=True)
        mine = await self.service.mine(interaction.user.id)
        if not mine:
            await interaction.followup.send(t(interaction.locale, "datasets.none"), ephemeral=True)
            return
        lines = []
        for d in mine:
            count = len(await self.services.store.list_dataset_images(d.record.id))
            lines.append(t(interaction.locale, "datasets.list_line", dataset=d.label, images=count))
        await interaction.followup.send(limits.clip("\n".join(lines), limits.CONTENT_MAX), ephemeral=True)

    @app_commands.command(name=L("cmd.dataset.show.name"), description=L("cmd.dataset.show.desc"))
    @app_commands.rename(dataset=L("opt.dataset.name"))
    @app_commands.describe(dataset=L("opt.dataset.desc"))
    @app_commands.autocomplete(dataset=dataset_autocomplete)
    async def show(self, interaction: discord.Interaction, dataset: str) -> None:
        await defer(interaction, ephemeral=True)
        info = await self.service.get(interaction.user, dataset, modify=False)
        count = len(await self.services.store.list_dataset_images(info.record.id))
        report = await self.service.report(info)
        embed = report_embed(info.label, report, count, interaction.locale)
        grid = await asyncio.to_thread(thumbnails_png, info.prepared)
        if grid is None:
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        embed.set_image(url="attachment://thumbnails.png")
        file = discord.File(io.BytesIO(grid), filename="thumbnails.png")
        await interaction.followup.send(embed=embed, file=file, ephemeral=True)

    @app_commands.command(name=L("cmd.dataset.delete.name"), description=L("cmd.dataset.delete.desc"))
    @app_commands.rename(dataset=L("opt.dataset.name"))
    @app_commands.describe(dataset=L("opt.dataset.desc"))
    @app_commands.autocomplete(dataset=dataset_autocomplete)
    async def delete(self, interaction: discord.Interaction, dataset: str) -> None:
        await defer(interaction, ephemeral=True)
        info = await self.service.get(interaction.user, dataset, modify=True)
        await self.service.delete(info)
        await interaction.followup.send(
            t(interaction.locale, "datasets.deleted", dataset=info.label), ephemeral=True
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Images posted in a dataset's thread join the dataset (needs the Message Content intent)."""
        if message.author.bot or not message.attachments:
            return
        dataset_id = await self.service.dataset_for_thread(message.channel.id)
        if dataset_id is None:
            return
        locale = self.services.settings.channel_locale
        try:
            info = await self.service.get(message.author, dataset_id, modify=True)
            outcome = await self.service.add(info, message.attachments, locale)
            text = outcome_text(outcome, info.label, locale)
        except Exception as exc:  # noqa: BLE001 - handed to the one error handler, like command errors
            where = f"thread upload in {message.channel.id}"
            text = self.services.errors.text(exc, locale, user_id=message.author.id, where=where)
        await message.reply(text, mention_author=False)
