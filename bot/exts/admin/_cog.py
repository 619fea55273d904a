"""The /admin command group. Every command checks for Manage Server or the admin role first."""

from __future__ import annotations

import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import access, limits
from bot.exts._common import defer
from bot.i18n import L, t
from bot.services import Services
from trainer.queue.types import JobStatus


class Admin(commands.GroupCog, group_name=L("cmd.admin.name"), group_description=L("cmd.admin.desc")):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        access.require_admin(interaction.user, self.services.settings)
        return True

    @app_commands.command(name=L("cmd.admin.models.name"), description=L("cmd.admin.models.desc"))
    async def models(self, interaction: discord.Interaction) -> None:
        access.require_operator(interaction.user, self.services.settings)  # every server at once
        locale = interaction.locale
        allow = self.services.settings.models.allowlist
        embed = discord.Embed(title=t(locale, "admin.models_title"))
        for name, entry in list(allow.items())[: limits.EMBED_FIELDS_MAX]:
            default = " ⭐" if name == self.services.settings.models.default else ""
            value = t(
                locale, "admin.model_line", arch=entry.arch, resolution=entry.effective_resolution,
                path=entry.path, description=entry.description or "-",
            )  # fmt: skip
            embed.add_field(
                name=f"{name}{default}", value=limits.clip(value, limits.EMBED_FIELD_VALUE_MAX), inline=False
            )
        if not allow:
            embed.description = t(locale, "admin.no_models")
        embed.set_footer(text=t(locale, "admin.models_footer"))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name=L("cmd.admin.limits.name"), description=L("cmd.admin.limits.desc"))
    async def limits_(self, interaction: discord.Interaction) -> None:
        lim = self.services.settings.limits
        lines = [
            f"`{key}` = **{getattr(lim, key)}**"
            for key in (
                "max_queued_jobs_per_user", "max_running_jobs_per_user", "max_queued_jobs_per_guild",
                "daily_gpu_minutes_per_user", "max_upload_bytes", "max_images_per_dataset",
                "commands_per_minute_per_user", "retention_days",
            )
        ]  # fmt: skip
        embed = discord.Embed(title=t(interaction.locale, "admin.limits_title"), description="\n".join(lines))
        embed.set_footer(text=t(interaction.locale, "admin.limits_footer"))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name=L("cmd.admin.quota.name"), description=L("cmd.admin.quota.desc"))
    @app_commands.rename(user=L("opt.user.name"))
    @app_commands.describe(user=L("opt.user.desc"))
    async def quota(self, interaction: discord.Interaction, user: discord.User) -> None:
        await defer(interaction, ephemeral=True)
        used = await self.services.store.gpu_seconds_today(user.id) / 60
        queued = await self.services.store.list_jobs(owner_id=user.id, statuses=[JobStatus.QUEUED], limit=100)
        running = await self.services.store.list_jobs(
            owner_id=user.id, statuses=[JobStatus.RUNNING], limit=100
        )
        quota = self.services.settings.limits.daily_gpu_minutes_per_user
        text = t(
            interaction.locale, "admin.quota", user=user.mention, used=f"{used:.1f}",
            limit=quota or "∞", queued=len(queued), running=len(running),
        )  # fmt: skip
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name=L("cmd.admin.pause.name"), description=L("cmd.admin.pause.desc"))
    async def pause(self, interaction: discord.Interaction) -> None:
        access.require_operator(interaction.user, self.services.settings)  # every server at once
        await defer(interaction, ephemeral=False)
        await self.services.store.set_paused(True)
        await interaction.followup.send(t(interaction.locale, "admin.paused", admin=interaction.user.mention))

    @app_commands.command(name=L("cmd.admin.resume.name"), description=L("cmd.admin.resume.desc"))
    async def resume(self, interaction: discord.Interaction) -> None:
        access.require_operator(interaction.user, self.services.settings)  # every server at once
        await defer(interaction, ephemeral=False)
        await self.services.store.set_paused(False)
        await interaction.followup.send(
            t(interaction.locale, "admin.resumed", admin=interaction.user.mention)
        )

    @app_commands.command(name=L("cmd.admin.status.name"), description=L("cmd.admin.status.desc"))
    async def status(self, interaction: discord.Interaction) -> None:
        await defer(interaction, ephemeral=True)
        locale = interaction.locale
        queued = await self.services.store.count_jobs(JobStatus.QUEUED)
        running = await self.services.store.count_jobs(JobStatus.RUNNING)
        paused = await self.services.store.is_paused()
        embed = discord.Embed(title=t(locale, "admin.status_title"))
        queue_state = t(locale, "admin.status_paused" if paused else "admin.status_open")
        jobs = t(locale, "admin.status_jobs", queued=queued, running=running)
        embed.add_field(name=t(locale, "admin.status_queue"), value=f"{queue_state}\n{jobs}", inline=False)
        embed.add_field(
            name=t(locale, "admin.status_llm"), value=llm_status_text(self.services, locale), inline=False
        )
        embed.add_field(
            name=t(locale, "admin.status_discord"),
            value=discord_status_text(self.services, locale),
            inline=False,
        )
        workers = await self.services.store.list_workers()
        if workers:  # workers register where job files are shared (docs/deploy.md, layout 2)
            embed.add_field(
                name=t(locale, "admin.status_workers"), value=workers_text(workers, locale), inline=False
            )
        await interaction.followup.send(embed=embed, ephemeral=True)


def workers_text(workers: list[Any], locale: Any) -> str:
    """One line per registered worker, as `loracord queue workers` shows them."""
    now = time.time()
    lines = []
    for w in workers:
        vram = f"{w.vram_free_gb:.1f}/{w.vram_total_gb:.1f} GB" if w.vram_total_gb else "-"
        seen = f"{max(0.0, now - w.heartbeat_at):.0f}"
        fields = {"worker": w.id, "state": w.state(now), "gpu": w.gpu_label, "vram": vram}
        lines.append(t(locale, "admin.status_worker_line", **fields, job=w.job_id or "-", seen=seen))
    return limits.clip("\n".join(lines), limits.EMBED_FIELD_VALUE_MAX)


def discord_status_text(services: Services, locale: Any) -> str:
    """The invalid-request budget and the jobs whose channel can no longer be used."""
    budget, progress = services.invalid_requests, services.progress
    every = budget.edit_interval(progress.min_edit_s)
    edits = "normal" if every == progress.min_edit_s else "paused" if every is None else "slowed"
    stopped = sum(1 for tr in progress.jobs.values() if tr.channel_error)
    return t(
        locale, "admin.status_discord_value", count=budget.count(), limit=budget.limit,
        percent=f"{budget.fill():.1%}", edits=t(locale, f"admin.status_edits_{edits}"), stopped=stopped,
    )  # fmt: skip


def llm_status_text(services: Services, locale: Any) -> str:
    """The advisor LLM's state in the admin's language (advisor.llm.LLMStatus)."""
    status = services.advisor.llm_status()
    text = t(
        locale, f"admin.llm.{status.state}", pids=", ".join(map(str, status.pids)) or "-",
        restarts=status.restarts, seconds=f"{status.restart_in_s:.0f}", failures=status.failures,
        reason=status.reason or "-",
    )  # fmt: skip
    if status.reason and status.state in ("ready", "restarting"):
        text += "\n" + t(locale, "admin.llm_last", reason=status.reason)
    return limits.clip(text, limits.EMBED_FIELD_VALUE_MAX)
