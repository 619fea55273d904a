"""The /train command group: start (with confirmation), status, queue, cancel, retry, download, sample."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot import access, job_results, limits
from bot.delivery import human_size
from bot.exts._common import dataset_autocomplete, datasets_of, defer
from bot.exts.training import _service as service
from bot.exts.training._views import confirmation
from bot.i18n import L, t
from bot.jobtext import progress_text
from bot.services import Services, services_of
from config.training import available_presets
from trainer.queue.eta import estimate_queue, format_duration
from trainer.queue.types import JobStatus

UNFINISHED = [JobStatus.QUEUED, JobStatus.RUNNING]


async def model_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    allow = services_of(interaction).settings.models.allowlist
    return [
        app_commands.Choice(name=limits.clip(f"{name} — {entry.description or entry.arch}", 100), value=name)
        for name, entry in allow.items()
        if current.lower() in name
    ][: limits.AUTOCOMPLETE_CHOICES_MAX]


async def preset_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=p, value=p) for p in available_presets() if current.lower() in p][
        : limits.AUTOCOMPLETE_CHOICES_MAX
    ]


async def job_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    jobs = await services_of(interaction).store.list_jobs(owner_id=interaction.user.id, limit=25)
    return [
        app_commands.Choice(name=limits.clip(f"{j.id} {j.name} ({j.status.value})", 100), value=j.id)
        for j in jobs
        if current in j.id or current.lower() in j.name.lower()
    ]


class Training(commands.GroupCog, group_name=L("cmd.train.name"), group_description=L("cmd.train.desc")):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name=L("cmd.train.start.name"), description=L("cmd.train.start.desc"))
    @app_commands.rename(
        dataset=L("opt.dataset.name"), preset=L("opt.preset.name"), model=L("opt.model.name"),
        steps=L("opt.steps.name"), overrides=L("opt.overrides.name"),
        continue_from=L("opt.continue_from.name"),
    )  # fmt: skip
    @app_commands.describe(
        dataset=L("opt.dataset.desc"), preset=L("opt.preset.desc"), model=L("opt.model.desc"),
        steps=L("opt.steps.desc"), overrides=L("opt.overrides.desc"),
        continue_from=L("opt.continue_from.desc"),
    )  # fmt: skip
    @app_commands.autocomplete(
        dataset=dataset_autocomplete, preset=preset_autocomplete, model=model_autocomplete
    )
    async def start(
        self,
        interaction: discord.Interaction,
        dataset: str,
        preset: str | None = None,
        model: str | None = None,
        steps: app_commands.Range[int, 1, 100_000] | None = None,
        overrides: str = "",
        continue_from: discord.Attachment | None = None,
    ) -> None:
        await defer(interaction, ephemeral=True)
        info = await datasets_of(interaction).get(interaction.user, dataset, modify=True)
        await datasets_of(interaction).require_images(info)
        extra = service.parse_overrides(overrides)
        if continue_from is not None:
            # The bot saves the upload and chooses the path (members never name server paths).
            extra["network_weights"] = str(
                await service.save_lora_upload(self.services, interaction.user, continue_from)
            )
        if steps:
            extra["max_train_steps"] = steps
        config = service.build_config(self.services, info, preset=preset, model=model, overrides=extra)
        title = t(interaction.locale, "training.confirm_title", dataset=info.label)
        embed, view = await confirmation(interaction, config, info.record.id, title)
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name=L("cmd.train.status.name"), description=L("cmd.train.status.desc"))
    @app_commands.rename(job=L("opt.job.name"))
    @app_commands.describe(job=L("opt.job.desc"))
    @app_commands.autocomplete(job=job_autocomplete)
    async def status(self, interaction: discord.Interaction, job: str | None = None) -> None:
        await defer(interaction, ephemeral=True)
        if job:
            jobs = [await service.owned_job(self.services, interaction.user, job)]
        else:
            jobs = await self.services.store.list_jobs(owner_id=interaction.user.id, limit=5)
        if not jobs:
            await interaction.followup.send(t(interaction.locale, "training.no_jobs"), ephemeral=True)
            return
        text = "\n\n".join(progress_text(j, interaction.locale) for j in jobs)
        if job:  # one job asked for by name: where its result went, and every result file's link
            state = await self.services.progress.state(jobs[0].id)
            lines = await asyncio.to_thread(
                job_results.status_lines, self.services.signer, jobs[0], interaction.locale.value, state
            )
            text = "\n".join([text, *lines])
        await interaction.followup.send(limits.clip(text, limits.CONTENT_MAX), ephemeral=True)

    @app_commands.command(name=L("cmd.train.queue.name"), description=L("cmd.train.queue.desc"))
    async def queue(self, interaction: discord.Interaction) -> None:
        await defer(interaction, ephemeral=True)
        estimates = await estimate_queue(self.services.store, limits=self.services.queue_options.limits)
        jobs = await self.services.store.list_jobs(statuses=UNFINISHED, limit=50, oldest_first=True)
        locale = interaction.locale
        lines = [t(locale, "training.queue_paused")] if await self.services.store.is_paused() else []
        user, settings = interaction.user, self.services.settings
        for job in sorted(jobs, key=lambda j: estimates[j.id].position if j.id in estimates else 999):
            if job.guild_id != interaction.guild_id and not access.is_operator(user, settings):
                continue  # another server's job: not even its id (positions stay the true ones)
            est = estimates.get(job.id)
            mine = job.owner_id == user.id
            who = job.name if mine else t(locale, "training.someone")
            shown = job.id if mine or access.is_admin(user, settings, job.guild_id) else "…"
            lines.append(
                t(
                    locale,
                    "training.queue_line_no_worker" if est and est.no_worker else "training.queue_line",
                    position=est.position if est else "?",
                    job=shown,
                    name=who,
                    status=t(locale, f"status.{job.status.value}"),
                    starts=format_duration(est.starts_in_s if est else None),
                )
            )
        text = "\n".join(lines) if lines else t(locale, "training.queue_empty")
        await interaction.followup.send(limits.clip(text, limits.CONTENT_MAX), ephemeral=True)

    @app_commands.command(name=L("cmd.train.cancel.name"), description=L("cmd.train.cancel.desc"))
    @app_commands.rename(job=L("opt.job.name"))
    @app_commands.describe(job=L("opt.job.desc"))
    @app_commands.autocomplete(job=job_autocomplete)
    async def cancel(self, interaction: discord.Interaction, job: str) -> None:
        await defer(interaction, ephemeral=True)
        done = await service.cancel(self.services, interaction.user, job)
        await interaction.followup.send(
            t(interaction.locale, "training.cancel_requested", job=done.id), ephemeral=True
        )

    @app_commands.command(name=L("cmd.train.delete.name"), description=L("cmd.train.delete.desc"))
    @app_commands.rename(job=L("opt.job.name"))
    @app_commands.describe(job=L("opt.job.desc"))
    @app_commands.autocomplete(job=job_autocomplete)
    async def delete(self, interaction: discord.Interaction, job: str) -> None:
        await defer(interaction, ephemeral=True)
        done, freed = await service.delete_files(self.services, interaction.user, job)
        if freed is None:
            text = t(interaction.locale, "training.files_already_deleted", job=done.id)
        else:
            text = t(interaction.locale, "training.files_deleted", job=done.id, size=human_size(freed))
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name=L("cmd.train.retry.name"), description=L("cmd.train.retry.desc"))
    @app_commands.rename(job=L("opt.job.name"))
    @app_commands.describe(job=L("opt.job.desc"))
    @app_commands.autocomplete(job=job_autocomplete)
    async def retry(self, interaction: discord.Interaction, job: str) -> None:
        await defer(interaction, ephemeral=True)
        new_job, changes = await service.retry(self.services, interaction, job)
        shown = ", ".join(f"{k}={v}" for k, v in changes.items()) or t(interaction.locale, "common.none")
        await interaction.followup.send(
            t(interaction.locale, "training.retried", job=new_job.id, old=job, changes=shown), ephemeral=True
        )

    @app_commands.command(name=L("cmd.train.download.name"), description=L("cmd.train.download.desc"))
    @app_commands.rename(job=L("opt.job.name"))
    @app_commands.describe(job=L("opt.job.desc"))
    @app_commands.autocomplete(job=job_autocomplete)
    async def download(self, interaction: discord.Interaction, job: str) -> None:
        await defer(interaction, ephemeral=True)
        await service.download(self.services, interaction, job)

    @app_commands.command(name=L("cmd.train.sample.name"), description=L("cmd.train.sample.desc"))
    @app_commands.rename(
        job=L("opt.job.name"), prompts=L("opt.prompts.name"), strengths=L("opt.strengths.name")
    )
    @app_commands.describe(
        job=L("opt.job.desc"), prompts=L("opt.prompts.desc"), strengths=L("opt.strengths.desc")
    )
    @app_commands.autocomplete(job=job_autocomplete)
    async def sample(
        self, interaction: discord.Interaction, job: str, prompts: str = "", strengths: str = ""
    ) -> None:
        await defer(interaction, ephemeral=True)
        found, sample_job = await service.sample(self.services, interaction, job, prompts, strengths)
        if sample_job is None:
            text = t(interaction.locale, "training.sample_requested", job=found.id)
        else:
            estimate = (
                await estimate_queue(self.services.store, limits=self.services.queue_options.limits)
            ).get(sample_job.id)
            position = estimate.position if estimate and estimate.position else "-"
            text = t(
                interaction.locale,
                "training.sample_queued",
                job=sample_job.id,
                source=found.id,
                position=position,
            )
        await interaction.followup.send(text, ephemeral=True)
