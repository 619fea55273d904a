"""Delivery that always ends (issue 16): permanent errors stop a job's channel updates at once and the
result goes to the owner's DM, or with DMs closed to /train status; results too big for one request
are split; the invalid-request budget is shown to admins. Jobs are finished by hand here (no worker):
what is tested is the bot's side of Discord."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from bot.tracked import load_tracked
from config.settings import DiscordSettings
from standin.driver import StandIn
from standin.state import Channel, User
from tests.bot.botkit import JOB_ID, answer_to, command, make_dataset, text_of
from tests.bot.conftest import png_bytes
from tests.bot.exts.training.test_bot_sample import _fabricated_finished_job
from trainer.queue.types import JobResult, JobStatus

MiB = 2**20


async def job_in_new_room(standin: StandIn, user: User) -> tuple[Channel, str, int]:
    """A dataset, then /train start in a new channel and Start: (channel, job id, progress message id)."""
    channel = standin.add_channel("training")
    dataset_id = await make_dataset(standin, user, "shapes")
    inter = await standin.send_slash_command(
        user, "train", subcommand="start", options={"dataset": dataset_id, "steps": 4}, channel=channel
    )
    confirm = await answer_to(standin, inter)
    await standin.click(user, confirm, "lc:confirm:start")
    progress = await standin.wait_for_message(channel=channel, predicate=lambda m: m.content.startswith("⏳"))
    return channel, JOB_ID.search(progress.content).group(1), progress.id


async def finish_with_lora(bot, job_id: str) -> Path:
    """Stand in for the worker: claim the job, write its LoRA, grid and loss curve, mark it succeeded."""
    job = await bot.services.store.claim("w", 60, bot.services.queue_options.limits)
    assert job is not None and job.id == job_id
    job_dir = Path(job.job_dir)
    (job_dir / "output").mkdir(exist_ok=True)
    (job_dir / "samples").mkdir(exist_ok=True)
    lora = job_dir / "output" / "shapes.safetensors"
    lora.write_bytes(os.urandom(4096))
    (job_dir / "output" / "loss_curve.png").write_bytes(png_bytes(3))
    (job_dir / "samples" / "step_000004_grid.png").write_bytes(png_bytes(4))
    await bot.services.store.finish(job_id, "w", JobStatus.SUCCEEDED, JobResult(output=str(lora)))
    return lora


async def sample_grid_at_step_2(bot, job_id: str) -> None:
    """Stand in for the worker mid-run: a sample grid at step 2 and its event."""
    job = await bot.services.store.get_job(job_id)
    (Path(job.job_dir) / "samples").mkdir(exist_ok=True)
    (Path(job.job_dir) / "samples" / "step_000002_grid.png").write_bytes(png_bytes(2))
    await bot.services.store.add_event(
        job_id, "sample", {"grid": "samples/step_000002_grid.png", "step": 2}, time=1.0
    )


def requests_on(standin: StandIn, channel_id: int) -> list[tuple[str, int]]:
    return [(r.method, r.status) for r in standin.requests if f"/channels/{channel_id}/" in r.path]


async def wait_until(cond, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if cond():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("condition never became true")


async def test_deleted_channel_is_never_retried_and_the_result_goes_by_dm(
    standin: StandIn, make_bot, settings
) -> None:
    """Defect 3: a 404 on the job's channel was retried every tick for the life of the job."""
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        room, job_id, _ = await job_in_new_room(standin, alice)
        await standin.delete_channel(room)
        lora = await finish_with_lora(bot, job_id)
        dm = await standin.wait_for_message(
            channel=standin.dm_channel(alice), predicate=lambda m: job_id in m.content, since=0, timeout=20
        )
        assert "could not post in the job's channel" in dm.content
        names = sorted(a.filename for a in dm.attachments)
        assert names == ["loss_curve.png", "shapes.safetensors", "step_000004_grid.png"]
        assert standin.attachment_bytes(next(a.url for a in dm.attachments if a.filename == lora.name)) == (
            lora.read_bytes()
        )
        # Delivered: the tracker is done with the job, and it touched the channel after the 404 never.
        await wait_until(lambda: job_id not in bot.services.progress.jobs)
        assert [(m, s) for m, s in requests_on(standin, room.id) if s >= 400] == [("PATCH", 404)]
        state = await bot.services.progress.state(job_id)
        assert state.delivered_to == "dm" and "10003" in state.channel_error
        _, status = await command(standin, alice, "train", "status", {"job": job_id})
        assert "could not be used" in status.content and f"/{job_id}/shapes.safetensors?" in status.content
        _, admin = await command(standin, standin.owner, "admin", "status")
        assert "Invalid requests" in text_of(admin)
        assert not bot.services.errors.unexpected


async def test_with_channel_gone_and_dms_closed_the_result_is_in_train_status(
    standin: StandIn, make_bot, settings
) -> None:
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        _, job_id, progress_id = await job_in_new_room(standin, alice)
        await standin.delete_message(standin.message(progress_id))
        standin.close_dms(alice)
        await finish_with_lora(bot, job_id)
        await wait_until(lambda: bot.services.progress.jobs.get(job_id) is None)
        state = await bot.services.progress.state(job_id)
        assert (state.delivered, state.delivered_to) == (True, "status")
        assert "10008" in state.channel_error and "50007" in state.dm_error
        dm_posts = [(m, s) for m, s in requests_on(standin, standin.dm_channel(alice).id) if m == "POST"]
        assert dm_posts == [("POST", 403)]  # tried once, never again
        _, status = await command(standin, alice, "train", "status", {"job": job_id})
        urls = re.findall(r"http://\S+", status.content)
        assert status.ephemeral and any("shapes.safetensors" in u for u in urls)
        assert not bot.services.errors.unexpected


async def test_results_over_the_request_limit_are_split_not_refused(
    standin: StandIn, make_bot, settings
) -> None:
    """Defect 2: three grids of 9 MiB each fit the per-file limit but not one 25 MiB request (413)."""
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        source_id = await _fabricated_finished_job(bot, alice.id)
        _, queued = await command(standin, alice, "train", "sample", {"job": source_id, "prompts": "a|b|c"})
        sample_id = JOB_ID.search(queued.content).group(1)
        job = await bot.services.store.claim("w", 60, bot.services.queue_options.limits)
        assert job.id == sample_id
        job_dir = Path(job.job_dir)
        (job_dir / "samples").mkdir()
        files = []
        for i in range(3):
            (job_dir / "samples" / f"grid_p{i}.png").write_bytes(os.urandom(9 * MiB))
            files.append(f"samples/grid_p{i}.png")
        result = JobResult(output=str(job_dir / files[-1]), files=tuple(files))
        await bot.services.store.finish(sample_id, "w", JobStatus.SUCCEEDED, result)
        await wait_until(lambda: bot.services.progress.jobs.get(sample_id) is None, timeout=60)
        posted = [m for m in standin.messages() if m.attachments and m.author_id == standin.bot_user.id]
        names = [a.filename for m in posted for a in m.attachments]
        assert sorted(names) == ["grid_p0.png", "grid_p1.png", "grid_p2.png"]  # each exactly once
        assert all(sum(a.size for a in m.attachments) <= 25 * MiB for m in posted) and len(posted) == 2
        assert not [r for r in standin.requests if r.status == 413]
        assert not bot.services.errors.unexpected


async def test_a_job_whose_progress_post_failed_still_reaches_its_owner(
    standin: StandIn, make_bot, settings
) -> None:
    """Defect 4: the first progress post fails (Send Messages denied) after the job is queued."""
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes")
        _, confirm = await command(standin, alice, "train", "start", {"dataset": dataset_id, "steps": 4})
        refused = standin.faults.client_error("POST /channels/*/messages", status=403, code=50013)
        click = await standin.click(alice, confirm, "lc:confirm:start")
        note = await standin.wait_for_message(predicate=lambda m: "cannot post in this channel" in m.content)
        assert refused.hits and note.ephemeral and note.interaction_id == click.id
        job_id = JOB_ID.search(note.content).group(1)
        assert job_id in bot.services.progress.jobs  # tracked: someone will be told
        lora = await finish_with_lora(bot, job_id)
        dm = await standin.wait_for_message(
            channel=standin.dm_channel(alice), predicate=lambda m: job_id in m.content, since=0, timeout=20
        )
        assert lora.name in [a.filename for a in dm.attachments]
        assert not bot.services.errors.unexpected


async def test_a_passing_failure_of_the_first_post_is_retried_by_the_tracker(
    standin: StandIn, make_bot, settings
) -> None:
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes")
        _, confirm = await command(standin, alice, "train", "start", {"dataset": dataset_id, "steps": 4})
        # discord.py raises a 503 at once (it retries only 500/502/504 itself).
        failing = standin.faults.server_error("POST /channels/*/messages", status=503, times=1)
        await standin.click(alice, confirm, "lc:confirm:start")
        progress = await standin.wait_for_message(predicate=lambda m: m.content.startswith("⏳"), timeout=30)
        job_id = JOB_ID.search(progress.content).group(1)
        # The stand-in holds the message before the bot has read the reply that names it.
        tracked = bot.services.progress.jobs
        await wait_until(lambda: job_id in tracked and tracked[job_id].message_id == progress.id)
        assert len(failing.hits) == 1
        assert not bot.services.errors.unexpected


async def test_attach_files_revoked_mid_job_is_one_refusal_and_the_channel_gets_links(
    standin: StandIn, make_bot, settings
) -> None:
    """A real permission overwrite (not an injected error): Discord answers 403 50013 once, to the first
    post with a file; the channel still takes text, so the grids and the result go there as signed
    links, progress edits go on, and the LoRA goes to its owner by DM as always."""
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        room, job_id, progress_id = await job_in_new_room(standin, alice)
        standin.set_overwrite(room, standin.guild, deny=("attach_files",))
        await sample_grid_at_step_2(bot, job_id)
        mid = await standin.wait_for_message(
            channel=room, predicate=lambda m: "Samples at step 2" in m.content
        )
        assert not mid.attachments and "step_000002_grid.png" in mid.content and "http" in mid.content
        assert "does not let me attach files" in mid.content

        lora = await finish_with_lora(bot, job_id)
        await wait_until(lambda: job_id not in bot.services.progress.jobs)
        result = next(m for m in standin.messages(room) if "is ready" in m.content and job_id in m.content)
        assert not result.attachments
        assert "loss_curve.png" in result.content and "step_000004_grid.png" in result.content
        assert "does not let me attach files" in result.content and "too big" not in result.content
        assert lora.name not in result.content  # the weights are never linked from a public message
        dm = await standin.wait_for_message(
            channel=standin.dm_channel(alice), predicate=lambda m: job_id in m.content, since=0, timeout=20
        )
        assert lora.name in [a.filename for a in dm.attachments]
        assert not standin.message(progress_id).content.startswith("⏳")  # edits went on: it says finished
        assert [(m, s) for m, s in requests_on(standin, room.id) if s >= 400] == [("POST", 403)]
        assert bot.services.invalid_requests.count() == 1 == standin.invalid_requests
        saved = load_tracked(bot.services.progress.folder / f"{job_id}.json")
        assert saved is not None and saved.files_refused.startswith("403 50013")
        assert not bot.services.errors.unexpected


async def test_a_private_datasets_sample_grids_go_to_its_owner_only(
    standin: StandIn, make_bot, settings_factory
) -> None:
    """`discord.private_samples = "owner"`: grids of a private dataset's job never show in the channel —
    mid-run ones and the final one go to the owner's DM; the loss curve stays public."""
    alice = standin.add_user("alice")
    settings = settings_factory(discord=DiscordSettings(private_samples="owner"))
    async with make_bot(settings) as bot:
        room, job_id, _ = await job_in_new_room(standin, alice)  # make_dataset: private by default
        await sample_grid_at_step_2(bot, job_id)
        mid = await standin.wait_for_message(
            channel=standin.dm_channel(alice), predicate=lambda m: "Samples at step 2" in m.content, since=0
        )
        assert [a.filename for a in mid.attachments] == ["step_000002_grid.png"]
        await finish_with_lora(bot, job_id)
        await wait_until(lambda: job_id not in bot.services.progress.jobs)
        final = await standin.wait_for_message(
            channel=standin.dm_channel(alice), predicate=lambda m: "Samples at step 4" in m.content, since=0
        )
        assert [a.filename for a in final.attachments] == ["step_000004_grid.png"]
        public = [a.filename for m in standin.messages(room, include_ephemeral=False) for a in m.attachments]
        assert public == ["loss_curve.png"]
        assert not bot.services.errors.unexpected
