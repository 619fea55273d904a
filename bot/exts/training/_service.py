"""What the training commands and buttons do, shared by both: build a config, submit a job and post its
progress message, cancel, retry with the advisor's fix, hand out the LoRA file."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import discord

from advisor.vram import job_needs
from bot import access, delivery
from bot.datasets import DatasetInfo
from bot.discord_errors import classify
from bot.errors import BadValue, DatasetEmpty, DatasetNotFound, NotOwner, Unavailable, reply
from bot.i18n import language_of, t
from bot.jobtext import diagnosis_for, job_config, output_file, progress_text
from bot.services import Services
from bot.tracked import Tracked
from config.training import ConfigError, TrainConfig, available_presets, load_train_config
from trainer.dataset.captions import CaptionStore
from trainer.job_paths import JobPaths
from trainer.queue.eta import estimate_queue
from trainer.queue.jobdir import JobDirError, count_images, submit_job
from trainer.queue.retention import delete_job_files
from trainer.queue.samplejob import SampleRefused, submit_sample_job
from trainer.queue.samplereq import DEFAULT_STRENGTHS, SampleRequestError, load_request, parse_strengths
from trainer.queue.types import Job, JobKind, JobStatus

#: Keys a user may not override: paths are the bot's to choose, never the user's.
PROTECTED = frozenset(
    {"pretrained_model", "data_dir", "output_dir", "reg_data_dir", "network_weights", "config_version"}
)
_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def parse_overrides(text: str) -> dict[str, str]:
    """`"rank=16, learning_rate=5e-5"` (commas, semicolons or new lines) -> {"rank": "16", ...}.

    Text of several lines (the "Change values" form) is one key=value per line, so a value may hold
    commas: `sample_prompts=sks, a red star|a blue square`.
    """
    out: dict[str, str] = {}
    separators = r"[;\n]" if "\n" in (text or "").strip() else r"[,;\n]"
    for part in re.split(separators, text or ""):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not key:
            raise BadValue(
                "overrides", f"{part!r} is not key=value (e.g. network_dim=16, max_train_steps=800)"
            )
        if key in PROTECTED:
            raise BadValue(key, "is chosen by the bot and cannot be overridden")
        out[key] = value.strip()
    return out


#: The largest LoRA a member may upload to continue from (SDXL rank 128 is ~650 MB; rank 64 ~325 MB).
MAX_LORA_UPLOAD_BYTES = 700 * 1024 * 1024


async def save_lora_upload(services: Services, user: Any, attachment: Any) -> Path:
    """Save a member's LoRA upload (`/train start continue_from:`) under the bot's data folder, after
    the checks that need no model: a .safetensors file (pickles can run code), not too big, a plain
    kohya LoRA. The base-model family is checked when the job is queued (trainer.queue.jobdir)."""
    from trainer.engine.errors import TrainingError
    from trainer.engine.network_file import inspect_network_weights

    if not attachment.filename.lower().endswith(".safetensors"):
        raise BadValue(
            "continue_from",
            f"{attachment.filename} is not a .safetensors file; pickled .pt/.ckpt files can run code "
            "when opened and are refused. Upload the LoRA as .safetensors",
        )
    if attachment.size > MAX_LORA_UPLOAD_BYTES:
        raise BadValue(
            "continue_from", f"{attachment.filename} is larger than {MAX_LORA_UPLOAD_BYTES >> 20} MB"
        )
    folder = services.state_dir / "lora_uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{user.id}-{uuid.uuid4().hex}.safetensors"
    await attachment.save(path)
    try:
        await asyncio.to_thread(inspect_network_weights, str(path))
    except TrainingError as exc:
        path.unlink(missing_ok=True)
        raise BadValue("continue_from", exc.message) from None
    return path


def model_choices(services: Services) -> list[str]:
    return list(services.settings.models.allowlist)


def base_fields(services: Services, model: str | None) -> dict[str, Any]:
    """Fields that come from the admin's allowlist entry (users name a model, never a path)."""
    allow = services.settings.models.allowlist
    name = model or services.settings.models.default
    if name not in allow:
        raise BadValue("model", f"choose one of: {', '.join(allow) or '(none: ask an admin)'}")
    entry = allow[name]
    return {
        "pretrained_model": entry.path,
        "model_arch": entry.arch,
        "resolution": entry.effective_resolution,
    }


def dataset_fields(info: DatasetInfo) -> dict[str, Any]:
    trigger = CaptionStore(info.prepared).trigger_word() or ""
    safe = _NAME.sub("_", info.record.name).strip("_") or "lora"
    return {"data_dir": str(info.prepared), "trigger_word": trigger, "name": safe[:64]}


def build_config(
    services: Services,
    info: DatasetInfo,
    *,
    preset: str | None,
    model: str | None,
    overrides: Mapping[str, Any],
    base: Mapping[str, Any] | None = None,
) -> TrainConfig:
    """Preset (or a suggestion's values) + the model's fields + the dataset + the user's overrides."""
    if preset and preset not in available_presets():
        raise BadValue("preset", f"choose one of: {', '.join(available_presets())}")
    merged: dict[str, Any] = dict(base or {})
    merged.update(dataset_fields(info))
    merged.update(base_fields(services, model))
    merged.update(overrides)
    try:
        return load_train_config(preset=preset, overrides=merged)
    except ConfigError as exc:
        raise BadValue(exc.field or "config", str(exc)) from None


async def queue_estimate(services: Services, config: TrainConfig) -> tuple[int, float | None]:
    """Where a new job would stand: (position, seconds until it starts) if queued now."""
    estimates = await estimate_queue(services.store, limits=services.queue_options.limits)
    queued = [e for e in estimates.values() if e.status is JobStatus.QUEUED]
    running = [e for e in estimates.values() if e.status is JobStatus.RUNNING]
    waits = [e.done_in_s for e in (*queued, *running) if e.done_in_s is not None]
    start = max(waits, default=0.0) if len(waits) == len(queued) + len(running) else None
    return len(queued) + 1, start


async def submit_and_announce(
    services: Services,
    interaction: discord.Interaction,
    config: TrainConfig,
    dataset_id: str | None,
) -> Job:
    """Queue the job and post its progress message in the channel; the tracker keeps it current."""
    if config.data_dir and await asyncio.to_thread(_no_images, config.data_dir):
        raise DatasetEmpty(dataset_id or config.data_dir)
    try:
        job = await submit_job(
            services.store,
            services.queue_options,
            config,
            owner_id=interaction.user.id,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            dataset_id=dataset_id,
            vram_gb=job_needs(config)[0],  # as `loracord queue submit`: workers with less free VRAM leave it
        )
    except JobDirError as exc:
        raise BadValue("dataset", str(exc)) from None
    await announce(services, interaction, job)
    return job


async def announce(services: Services, interaction: discord.Interaction, job: Job) -> None:
    """Post the job's progress message in the channel; the tracker keeps it current and delivers.

    The job is queued already, so it is tracked whatever Discord says: no job runs with nobody to
    tell. A channel that refuses the post for good (permissions, deleted) marks the job's channel as
    unusable — its result goes to the owner's DM and /train status, and the user is told now; a
    passing failure leaves the post to the tracker's next tries."""
    locale = interaction.locale.value
    channel = interaction.client.get_partial_messageable(interaction.channel_id or 0)
    tracked = Tracked(job.id, channel.id, 0, interaction.user.id, locale, interaction.filesize_limit)
    tracked.hide_name = await _private_dataset(services, job.dataset_id)
    try:
        text = progress_text(job, locale, hide_name=tracked.hide_name)
        tracked.message_id = (await channel.send(text)).id
    except Exception as exc:
        failure = classify(exc)
        if failure is not None and failure.permanent:
            tracked.channel_error = failure.reason
        await services.progress.track(tracked)  # before anyone is told: the note names a tracked job
        if failure is None:
            raise
        if failure.permanent:
            await reply(
                interaction, t(locale, "training.no_progress_message", job=job.id, reason=failure.reason)
            )
        return
    await services.progress.track(tracked)


async def _private_dataset(services: Services, dataset_id: str | None) -> bool:
    if not dataset_id:
        return False
    try:
        return (await services.datasets.find(dataset_id)).private
    except DatasetNotFound:
        return True  # gone: say nothing about it


def _no_images(folder: str) -> bool:
    return count_images(Path(folder)) == 0


async def owned_job(services: Services, user: discord.abc.User, job_id: str) -> Job:
    job = await services.store.get_job(job_id.strip())
    access.require_owner(user, job.owner_id, services.settings, "job", job.id, job.guild_id)
    return job


async def cancel(services: Services, user: discord.abc.User, job_id: str) -> Job:
    job = await owned_job(services, user, job_id)
    return await services.store.request_cancel(job.id)


async def delete_files(services: Services, user: discord.abc.User, job_id: str) -> tuple[Job, int | None]:
    """`/train delete`: the owner (or an admin) deletes a finished job's files — LoRA, samples,
    checkpoints, logs — now instead of after `limits.retention_days`. Returns the job and the bytes freed
    (None: they were already gone). A queued or running job is refused (JobStateError): cancel it first."""
    job = await owned_job(services, user, job_id)
    if job.files_deleted_at is not None:
        return job, None
    return job, await delete_job_files(services.store, job.id)


#: The flag file the training loop checks after every step (docs/contracts.md): it samples, then deletes it.


async def request_samples(services: Services, interaction: discord.Interaction, job_id: str) -> Job:
    """Ask a running job for a sample round now; the grid arrives under its progress message."""
    job = await owned_job(services, interaction.user, job_id)
    if job.status is not JobStatus.RUNNING:
        status = t(interaction.locale, f"status.{job.status.value}")
        raise BadValue("job", t(interaction.locale, "training.sample_only_running", status=status))
    await asyncio.to_thread(JobPaths(job.job_dir).sample_flag.write_text, "")
    return job


async def sample(
    services: Services, interaction: discord.Interaction, job_id: str, prompts: str = "", strengths: str = ""
) -> tuple[Job, Job | None]:
    """`/train sample`: a running job samples now (returns it, None); a finished one gets a sample job in
    the queue (returns the source and the new job). Only the owner can sample a finished job: the
    grids and files go to them."""
    job = await owned_job(services, interaction.user, job_id)
    if job.status is JobStatus.RUNNING:
        return await request_samples(services, interaction, job.id), None
    if job.owner_id != interaction.user.id:
        raise NotOwner("job", job.id)
    try:
        chosen = parse_strengths(strengths) if strengths.strip() else DEFAULT_STRENGTHS
        new_job = await submit_sample_job(
            services.store,
            services.queue_options,
            job.id,
            owner_id=interaction.user.id,
            prompts=[p for p in prompts.split("|") if p.strip()],
            strengths=chosen,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
        )
    except SampleRequestError as exc:
        raise BadValue(exc.field, str(exc).partition(": ")[2] or str(exc)) from None
    except SampleRefused as exc:
        raise _sample_refusal(exc, job, interaction.locale) from None
    await announce(services, interaction, new_job)
    return job, new_job


def _sample_refusal(exc: SampleRefused, job: Job, locale: Any) -> Exception:
    if exc.reason == "not_owner":
        return NotOwner("job", job.id)
    if exc.reason == "no_weights":
        return BadValue("job", t(locale, "training.sample_no_weights"))
    if exc.reason == "not_training":
        return BadValue("job", t(locale, "training.sample_not_training"))
    return BadValue(
        "job", t(locale, "training.sample_not_finished", status=t(locale, f"status.{job.status.value}"))
    )


async def retry(
    services: Services, interaction: discord.Interaction, job_id: str
) -> tuple[Job, dict[str, Any]]:
    """Queue the failed job again with the advisor's fix applied; returns the new job and the changes."""
    job = await owned_job(services, interaction.user, job_id)
    if job.owner_id != interaction.user.id:
        # A retry is a new job of the retrier's, with a copy of the dataset: its owner's alone.
        raise NotOwner("job", job.id)
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise BadValue("job", t(interaction.locale, "training.retry_only_failed", status=job.status.value))
    if job.kind is JobKind.SAMPLE:
        return await _retry_sample(services, interaction, job), {}
    config = job_config(job)
    if config is None:
        raise BadValue("job", "its stored configuration can no longer be read; start a new job")
    changes: dict[str, Any] = {}
    if job.status is JobStatus.FAILED:
        diagnosis = await diagnosis_for(job, interaction.locale)
        retry_config = diagnosis.retry_config(config)
        if retry_config is not None:
            config = retry_config
            changes = {k: new for k, (_, new) in diagnosis.changes.items()}
    # The old job folder held the dataset copy; the retry reads the dataset's prepared folder again.
    if job.dataset_id:
        # Access is checked again: the dataset may have been made private or deleted since.
        info = await services.datasets.get(interaction.user, job.dataset_id, modify=False)
        config = config.replace(data_dir=str(info.prepared))
    new_job = await submit_and_announce(services, interaction, config.replace(output_dir=""), job.dataset_id)
    return new_job, changes


async def _retry_sample(services: Services, interaction: discord.Interaction, job: Job) -> Job:
    """A failed or cancelled sample job runs again with the same request, for its owner."""
    try:
        request = await asyncio.to_thread(load_request, Path(job.job_dir))
    except SampleRequestError:
        raise BadValue("job", t(interaction.locale, "training.sample_no_weights")) from None
    try:
        new_job = await submit_sample_job(
            services.store,
            services.queue_options,
            request.source_job_id or job.source_job_id or "",
            owner_id=job.owner_id,
            prompts=request.prompts,
            strengths=request.strengths,
            checkpoints=request.checkpoints,
            seed=request.seed,
            steps=request.steps,
            guidance=request.guidance,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
        )
    except SampleRequestError as exc:
        raise BadValue(exc.field, str(exc).partition(": ")[2] or str(exc)) from None
    except SampleRefused as exc:
        raise _sample_refusal(exc, job, interaction.locale) from None
    await announce(services, interaction, new_job)
    return new_job


async def download(services: Services, interaction: discord.Interaction, job_id: str) -> str:
    job = await owned_job(services, interaction.user, job_id)
    path = output_file(job)
    if job.status is not JobStatus.SUCCEEDED or path is None:
        raise Unavailable(
            t(interaction.locale, "training.no_output_what", job=job.id),
            t(interaction.locale, "training.no_output_how"),
        )
    return await delivery.send_to_interaction(interaction, services.signer, job.id, path)


def lang_of(interaction: discord.Interaction) -> str:
    return language_of(interaction.locale)
