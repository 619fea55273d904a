"""A private dataset's privacy follows its lineage (issue 16, defect 7): the sample jobs made from its
job, and their retries, keep its name out of every public message, and `discord.private_samples`
decides where their grids go as it does for the training job's. The real bot through the stand-in;
the worker's children are stood in for by writing the files they write."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from config.settings import DiscordSettings
from standin.driver import StandIn
from standin.state import Message
from tests.bot.botkit import JOB_ID, answer_to, text_of
from tests.bot.conftest import png_bytes
from tests.bot.test_bot_delivery import finish_with_lora, job_in_new_room, wait_until
from trainer.queue.types import JobKind, JobResult, JobStatus


async def finish_sampleable(bot, job_id: str) -> None:
    """The training job succeeds with a LoRA the sample job can read (its `done` event names it)."""
    lora = await finish_with_lora(bot, job_id)
    job_dir = lora.parent.parent
    done = {"type": "done", "time": 1.0, "step": 4, "output": "output/shapes.safetensors", "files": []}
    (job_dir / "events.jsonl").write_text(json.dumps(done) + "\n")
    (job_dir / "config.toml").write_text('name = "shapes"\n')


async def end_sample_job(bot, sample_id: str, status: JobStatus) -> None:
    """The sample job's child: one grid and the checkpoint's kohya file (named after the dataset, as
    the real ones are), or a failure."""
    job = await bot.services.store.claim("w", 60, bot.services.queue_options.limits)
    assert job is not None and job.id == sample_id and job.kind is JobKind.SAMPLE
    if status is JobStatus.FAILED:
        result = JobResult(error_kind="oom", error_message="out of memory")
    else:
        job_dir = Path(job.job_dir)
        (job_dir / "samples").mkdir()
        (job_dir / "samples" / "grid_p0.png").write_bytes(png_bytes(7))
        (job_dir / "output").mkdir()
        (job_dir / "output" / "shapes-step000004.safetensors").write_bytes(os.urandom(2048))
        files = ("samples/grid_p0.png", "output/shapes-step000004.safetensors")
        result = JobResult(output=str(job_dir / files[-1]), files=files)
    await bot.services.store.finish(sample_id, "w", status, result)
    await wait_until(lambda: sample_id not in bot.services.progress.jobs)


async def failure_message(standin: StandIn, room, job_id: str) -> Message:
    """The public message that tells the job failed (it carries the job's retry button)."""
    return await standin.wait_for_message(
        channel=room, predicate=lambda m: f"lc:job:retry:{job_id}" in str(m.components), since=0, timeout=20
    )


def names_in(messages: list[Message]) -> list[str]:
    """Everything a reader of these messages sees: text, embeds and attachment names."""
    return [text_of(m) for m in messages] + [a.filename for m in messages for a in m.attachments]


@pytest.mark.parametrize("private_samples", ["owner", "channel"])
async def test_sample_jobs_of_a_private_datasets_job_stay_private(
    standin: StandIn, make_bot, settings_factory, private_samples: str
) -> None:
    alice = standin.add_user("alice")
    settings = settings_factory(discord=DiscordSettings(private_samples=private_samples))
    dm = standin.dm_channel(alice)
    async with make_bot(settings) as bot:
        room, job_id, _ = await job_in_new_room(standin, alice)  # dataset "shapes", private
        dataset_id = (await bot.services.store.get_job(job_id)).dataset_id
        await finish_sampleable(bot, job_id)
        await wait_until(lambda: job_id not in bot.services.progress.jobs)

        # A sample job from it fails; its retry (a new sample job) succeeds.
        inter = await standin.send_slash_command(
            alice, "train", subcommand="sample", options={"job": job_id, "prompts": "sks"}, channel=room
        )
        first = JOB_ID.search((await answer_to(standin, inter)).content).group(1)
        await end_sample_job(bot, first, JobStatus.FAILED)
        inter = await standin.send_slash_command(
            alice, "train", subcommand="retry", options={"job": first}, channel=room
        )
        retried = JOB_ID.search((await answer_to(standin, inter)).content).group(1)
        assert retried != first
        await end_sample_job(bot, retried, JobStatus.SUCCEEDED)

        public = standin.messages(room, include_ephemeral=False)
        for sample_id in (first, retried):  # each had its own public progress message, name hidden
            own = [m for m in public if m.content.startswith(("❌", "✅")) and f"`{sample_id}`" in m.content]
            assert own and "private dataset" in own[0].content, [m.content for m in public]
        assert not [n for n in names_in(public) if "shapes" in n or dataset_id in n]

        done = [m for m in public if "sample grids of" in m.content and retried in m.content]
        assert len(done) == 1
        private = await standin.wait_for_message(
            channel=dm, predicate=lambda m: retried in m.content, since=0, timeout=20
        )
        in_dm = [a.filename for m in standin.messages(dm) if retried in m.content for a in m.attachments]
        if private_samples == "owner":  # the grids go with the checkpoint files, to the owner only
            assert not [a for a in done[0].attachments if a.filename.endswith(".png")]
            assert sorted(in_dm) == ["grid_p0.png", "shapes-step000004.safetensors"]
            grid = next(a for m in standin.messages(dm) for a in m.attachments if a.filename == "grid_p0.png")
            assert standin.attachment_bytes(grid.url) == png_bytes(7)
        else:  # the grids in the channel like any job's, under the hidden name; the files by DM
            assert [a.filename for a in done[0].attachments] == ["grid_p0.png"]
            assert in_dm == ["shapes-step000004.safetensors"]
        assert private.channel_id == dm.id
        assert not bot.services.errors.unexpected


async def test_the_retry_of_a_private_datasets_failed_job_keeps_the_name_hidden(
    standin: StandIn, make_bot, settings
) -> None:
    """The failed job's *Retry with the fix* button makes a new job of the same dataset: its progress
    message hides the name too, and nothing public names the dataset."""
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        room, job_id, _ = await job_in_new_room(standin, alice)
        dataset_id = (await bot.services.store.get_job(job_id)).dataset_id
        assert await bot.services.store.claim("w", 60, bot.services.queue_options.limits) is not None
        failure = JobResult(error_kind="oom", error_message="out of memory")
        await bot.services.store.finish(job_id, "w", JobStatus.FAILED, failure)
        failed = await failure_message(standin, room, job_id)
        await standin.click(alice, failed, f"lc:job:retry:{job_id}")
        progress = await standin.wait_for_message(
            channel=room,
            predicate=lambda m: m.content.startswith("⏳") and job_id not in m.content,
            timeout=20,
        )
        retried = JOB_ID.search(progress.content).group(1)
        assert (await bot.services.store.get_job(retried)).dataset_id == dataset_id
        assert "private dataset" in progress.content
        public = standin.messages(room, include_ephemeral=False)
        assert not [n for n in names_in(public) if "shapes" in n or dataset_id in n]
        assert not bot.services.errors.unexpected


async def test_a_private_datasets_failure_names_no_folder_id_or_name_in_public(
    standin: StandIn, make_bot, settings
) -> None:
    """A failure's text may quote the job's dataset folder, the dataset id and file names made from the
    dataset's name: the public failure message keeps the cause but none of those."""
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        room, job_id, _ = await job_in_new_room(standin, alice)
        job = await bot.services.store.get_job(job_id)
        data_dir = job.config["data_dir"]
        assert await bot.services.store.claim("w", 60, bot.services.queue_options.limits) is not None
        message = (
            f"the dataset vanished: {data_dir} holds no images any more "
            f"(dataset {job.dataset_id} deleted; no shapes.safetensors written)"
        )
        failure = JobResult(error_kind="data", error_message=message)
        await bot.services.store.finish(job_id, "w", JobStatus.FAILED, failure)
        failed = await failure_message(standin, room, job_id)
        assert "holds no images any more" in text_of(failed)  # the cause is still told
        public = standin.messages(room, include_ephemeral=False)
        leaks = [n for n in names_in(public) if "shapes" in n or job.dataset_id in n or data_dir in n]
        assert not leaks
        assert not bot.services.errors.unexpected
