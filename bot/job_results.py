"""What a finished job's result says, and where each part goes.

Public, in the job's channel: the last sample grid and the loss curve with a *Download LoRA* button
(success), a sample job's grids, or the diagnosis with a *Retry with the fix* button (failure).
Private, to the owner only: the weights — the LoRA (by direct message when `files.max_dm_bytes`
allows; the download button answers only its owner) and a sample job's checkpoint files, which are
never attached to or linked from a public message. When the channel cannot be used, everything goes
to the owner's DM; when that is closed too, `/train status` shows the result and its links
(`status_lines`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from bot import limits
from bot.delivery import human_size, link_text
from bot.discord_errors import classify
from bot.files import LinkSigner
from bot.i18n import t
from bot.jobtext import diagnosis_for, output_file, result_files, sample_results, without_private_names
from bot.results import Post, post_nonce, send
from bot.tracked import Tracked
from config.settings import Settings
from trainer.queue.types import Job, JobKind, JobStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResultButtons:
    """The buttons under a result message, made by the training extension: (job_id, label) -> item."""

    download: Callable[[str, str], discord.ui.Item[Any]]
    retry: Callable[[str, str], discord.ui.Item[Any]]


@dataclass(frozen=True)
class ResultContext:
    """What posting a job's results needs: the Discord client, settings, link signer, buttons, and how
    to save the job's tracking state."""

    client: discord.Client
    settings: Settings
    signer: LinkSigner
    buttons: ResultButtons
    save: Callable[[Tracked], Awaitable[None]]

    def dm_file_limit(self) -> int:
        """Files in a DM: Discord's default per-file limit, or less when the settings say so."""
        wanted = self.settings.files.max_dm_bytes
        return min(wanted, limits.DEFAULT_ATTACHMENT_SIZE_LIMIT) if wanted else 0

    def linker(self, job: Job, locale: str, *, refused: bool = False) -> Callable[[Path], str]:
        """Words a signed link to one of the job's files (`refused`: the channel takes no files)."""
        return lambda path: link_text(self.signer, job.id, path, locale, refused=refused)


async def channel_post(ctx: ResultContext, tr: Tracked, job: Job) -> Post:
    """The public result message (no weights in it)."""
    owner = f"<@{tr.owner_id}>"
    view = discord.ui.View(timeout=None)
    link = ctx.linker(job, tr.locale)
    if job.status is JobStatus.SUCCEEDED and job.kind is JobKind.SAMPLE:
        grids, loras = await asyncio.to_thread(sample_results, job)
        hidden = samples_private(ctx, tr)  # the grids go with the checkpoint files, to the owner only
        key = "progress.samples_done_private" if hidden else "progress.samples_done"
        text = t(tr.locale, key, owner=owner, source=job.source_job_id, job=job.id)
        if hidden:
            return Post(text, [], link)
        where = "progress.sample_files_private" if loras else "progress.sample_files_none"
        return Post(text, grids, link, extra_lines=[t(tr.locale, where, job=job.id)])
    if job.status is JobStatus.SUCCEEDED:
        view.add_item(ctx.buttons.download(job.id, t(tr.locale, "buttons.download")))
        text = t(tr.locale, "progress.done_message", job=job.id, owner=owner)
        files = await asyncio.to_thread(result_files, job)
        if samples_private(ctx, tr):  # the grid goes with the owner's private files
            files = [f for f in files if not _is_grid(f)]
        return Post(text, files, link, view=view)
    if job.status is JobStatus.FAILED:
        diagnosis = await diagnosis_for(job, tr.locale)
        shown = diagnosis.render()
        if tr.hide_name:  # a public message: the cause, without the private names in it
            shown = without_private_names(shown, job, tr.locale)
        view.add_item(ctx.buttons.retry(job.id, t(tr.locale, "buttons.retry")))
        embed = discord.Embed(
            title=t(tr.locale, "progress.failed_title", job=job.id),
            description=limits.clip(shown, limits.EMBED_DESCRIPTION_MAX),
            colour=discord.Colour.red(),
        )
        return Post(owner, [], link, embed=embed, view=view)
    return Post("", [], link)  # cancelled: the edited progress message says it all


def samples_private(ctx: ResultContext, tr: Tracked) -> bool:
    """A private dataset's job — or a sample job of one, or a retry — whose sample grids go to its
    owner only (`discord.private_samples`)."""
    return tr.hide_name and ctx.settings.discord.private_samples == "owner"


def owner_only_grids(ctx: ResultContext, tr: Tracked, job: Job) -> list[Path]:
    """The result's grids that go to the owner only: a training job's last grid, or every grid of a
    sample job, when `samples_private`. Blocking (reads the job folder)."""
    if not samples_private(ctx, tr) or job.status is not JobStatus.SUCCEEDED:
        return []
    if job.kind is JobKind.SAMPLE:
        return sample_results(job)[0]
    return [f for f in result_files(job) if _is_grid(f)]


def _is_grid(path: Path) -> bool:
    return path.suffix == ".png" and path.name.endswith("_grid.png")


async def send_sample_privately(
    ctx: ResultContext, tr: Tracked, job: Job, text: str, path: Path, step: object
) -> None:
    """A private dataset's sample grid to its owner's DM; a closed DM skips it (the channel is not
    at fault, and /train status lists the final files)."""
    try:
        user = ctx.client.get_user(tr.owner_id) or await ctx.client.fetch_user(tr.owner_id)
        await user.send(
            text, file=discord.File(path), nonce=post_nonce(job.id, f"psample-{step}-{path.name}")
        )
    except Exception as exc:
        failure = classify(exc)
        if failure is None or not failure.permanent:
            raise
        log.info("job %s: sample grid not sent to user %s (%s)", job.id, tr.owner_id, failure.reason)


async def dm_post(ctx: ResultContext, tr: Tracked, job: Job) -> Post:
    """The whole result for the owner's DM (the channel could not be used): public part and weights."""
    post = await channel_post(ctx, tr, job)
    post.view, post.reference = None, None  # buttons act in their guild's channel
    note = t(tr.locale, "progress.channel_unusable", job=job.id)
    post.text = f"{note}\n{post.text}".strip()
    post.extra_lines = []
    grids = await asyncio.to_thread(owner_only_grids, ctx, tr, job)
    post.files = [*post.files, *grids, *await asyncio.to_thread(_private_paths, job)]
    return post


def _private_paths(job: Job) -> list[Path]:
    if job.status is not JobStatus.SUCCEEDED:
        return []
    if job.kind is JobKind.SAMPLE:
        return sample_results(job)[1]
    output = output_file(job)
    return [output] if output is not None else []


async def send_private_files(ctx: ResultContext, tr: Tracked, job: Job) -> None:
    """The weights to the owner's DM after a public result; a closed DM is not an error (the download
    button and /train status still give them), and a failure here never resends the public part."""
    limit = ctx.dm_file_limit()
    paths = await asyncio.to_thread(_private_paths, job)
    grids = await asyncio.to_thread(owner_only_grids, ctx, tr, job)
    text = t(tr.locale, "progress.private_files", job=job.id)
    if job.kind is JobKind.SAMPLE and grids:  # a sample job's grids go with its checkpoint files
        paths = [*grids, *paths]
        text = t(tr.locale, "progress.samples_for_owner", source=job.source_job_id, job=job.id)
    else:
        for grid in grids:
            step = grid.name.split("_")[1].lstrip("0") or "0"  # step_000060_grid.png
            grid_text = t(tr.locale, "progress.samples", step=step, job=job.id)
            await send_sample_privately(ctx, tr, job, grid_text, grid, step)
    if tr.dm_sent or not paths or (job.kind is JobKind.TRAIN and not limit):
        return
    link = ctx.linker(job, tr.locale)
    try:
        user = ctx.client.get_user(tr.owner_id) or await ctx.client.fetch_user(tr.owner_id)
        await send(
            user,
            Post(text, paths, link),
            file_limit=limit,
            nonce=lambda i: post_nonce(job.id, f"private-{i}"),
        )
    except Exception as exc:
        failure = classify(exc)
        if failure is None:
            raise
        tr.dm_error = failure.reason
        log.info(
            "no direct message to user %s (%s); /train status has the links", tr.owner_id, failure.reason
        )
    tr.dm_sent = True
    await ctx.save(tr)


def status_lines(signer: LinkSigner, job: Job, locale: str, tr: Tracked | None) -> list[str]:
    """For the owner's `/train status job`: where the result went, and a link to every result file."""
    if not job.finished:
        return []
    lines = []
    if tr is not None and tr.channel_error:
        lines.append(t(locale, "progress.status_channel_error", reason=tr.channel_error))
    if tr is not None and tr.dm_error:
        lines.append(t(locale, "progress.status_dm_error", reason=tr.dm_error))
    files = [*_private_paths(job), *(result_files(job) if job.status is JobStatus.SUCCEEDED else [])]
    if job.kind is JobKind.SAMPLE and job.status is JobStatus.SUCCEEDED:
        files = [*sample_results(job)[0], *sample_results(job)[1]]
    for path in files:
        size = human_size(path.stat().st_size)
        lines.append(f"• {path.name} ({size}): {signer.url(job.id, path.name)}")
    return lines
