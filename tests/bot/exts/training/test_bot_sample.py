"""`/train sample` on a finished job, through the stand-in with the real worker and the tiny model:
the owner's sample job is queued, its result message carries the grids and every checkpoint's file;
another user is refused, in their language."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from config.settings import AdvisorSettings
from standin.driver import StandIn
from tests.bot.botkit import JOB_ID, command, korean, make_dataset
from trainer.job_paths import JobPaths
from trainer.queue.samplejob import submit_sample_job
from trainer.queue.types import JobKind, JobResult, JobSpec, JobStatus

#: Four steps with a checkpoint every two: the finished job has weights at steps 2 and 4.
OVERRIDES = (
    "train_batch_size=1, sample_every_n_steps=0, save_every_n_steps=2, sample_steps=1, learning_rate=1e-2"
)


async def wait_finished(bot, job_id: str, timeout: float):
    for _ in range(int(timeout / 0.2)):
        job = await bot.services.store.get_job(job_id)
        if job.finished:
            return job
        await asyncio.sleep(0.2)
    raise TimeoutError(f"job {job_id} did not finish in {timeout} s")


@pytest.mark.slow
async def test_owner_gets_grids_and_files_another_user_is_refused(
    standin: StandIn, make_bot, settings_factory, tiny_model, monkeypatch
) -> None:
    # The worker's children inherit this: one torch thread is much faster for tiny models on a
    # shared CPU (docs/training.md, speed notes).
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    settings = settings_factory(model_path=tiny_model, advisor=AdvisorSettings(llm_enabled=False))
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    async with make_bot(settings, run_worker=True) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes")
        _, confirm = await command(
            standin, alice, "train", "start", {"dataset": dataset_id, "steps": 4, "overrides": OVERRIDES}
        )
        await standin.click(alice, confirm, "lc:confirm:start")
        progress = await standin.wait_for_message(predicate=lambda m: m.content.startswith("⏳"), timeout=10)
        source_id = JOB_ID.search(progress.content).group(1)
        source = await wait_finished(bot, source_id, 120)
        assert source.status is JobStatus.SUCCEEDED, source.result

        _, refused = await command(standin, bob, "train", "sample", {"job": source_id}, locale="ko")
        assert refused.ephemeral and korean(refused.content) and source_id in refused.content
        _, bad = await command(standin, alice, "train", "sample", {"job": source_id, "strengths": "0.5,9"})
        assert "strengths" in bad.content and await bot.services.store.count_jobs(JobStatus.QUEUED) == 0

        options = {"job": source_id, "prompts": "sks | a photo of sks", "strengths": "0.5,1"}
        _, queued = await command(standin, alice, "train", "sample", options)
        assert queued.ephemeral and "Queued sample job" in queued.content
        sample_id = JOB_ID.search(queued.content).group(1)
        sample_job = await bot.services.store.get_job(sample_id)
        assert (sample_job.kind, sample_job.source_job_id, sample_job.owner_id) == (
            JobKind.SAMPLE,
            source_id,
            alice.id,
        )

        done = await standin.wait_for_message(
            predicate=lambda m: "sample grids of" in m.content and sample_id in m.content,
            timeout=120,
            since=0,
        )
        ended = await bot.services.store.get_job(sample_id)
        assert ended.status is JobStatus.SUCCEEDED
        # The grids are public; the checkpoint files are the owner's alone: by direct message.
        assert [a.filename for a in done.attachments] == ["grid_p0.png", "grid_p1.png"]
        assert "safetensors" not in done.content
        private = await standin.wait_for_message(
            channel=standin.dm_channel(alice), predicate=lambda m: sample_id in m.content, since=0, timeout=10
        )
        names = [a.filename for a in private.attachments]
        assert names == ["shapes-step000002.safetensors", "shapes-step000004.safetensors"]
        kept = ended.job_dir + "/output/shapes-step000002.safetensors"
        with open(kept, "rb") as fh:
            assert standin.attachment_bytes(private.attachments[0].url) == fh.read()
        # The sample job's own progress message counted image sets, not training steps.
        own = [m for m in standin.messages() if m.content.startswith("✅") and sample_id in m.content]
        assert own and "4/4" in own[0].content
        assert not bot.services.errors.unexpected


async def _fabricated_finished_job(bot, owner_id: int) -> str:
    """A succeeded training job whose folder holds what a sample job checks for (no training here)."""
    job_id = "240101-000000-0000beef"
    job_dir = bot.services.queue_options.jobs_dir / job_id
    (job_dir / "output").mkdir(parents=True)
    (job_dir / "output" / "x.safetensors").write_bytes(b"weights")
    (job_dir / "config.toml").write_text('name = "x"\n')
    done = {"type": "done", "time": 1.0, "step": 8, "output": "output/x.safetensors", "files": []}
    (job_dir / "events.jsonl").write_text(json.dumps(done) + "\n")
    spec = JobSpec(owner_id=owner_id, config={}, job_dir=str(job_dir), name="x", job_id=job_id)
    await bot.services.store.enqueue(spec, bot.services.queue_options.limits)
    await bot.services.store.claim("w", 60, bot.services.queue_options.limits)
    await bot.services.store.finish(
        job_id, "w", JobStatus.SUCCEEDED, JobResult(output=str(job_dir / done["output"]))
    )
    return job_id


async def test_retry_of_a_failed_sample_job_samples_again(standin: StandIn, make_bot, settings) -> None:
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    async with make_bot(settings) as bot:
        source_id = await _fabricated_finished_job(bot, alice.id)
        failed = await submit_sample_job(
            bot.services.store,
            bot.services.queue_options,
            source_id,
            owner_id=alice.id,
            prompts=["sks"],
            strengths=(0.7,),
        )
        await bot.services.store.claim("w", 60, bot.services.queue_options.limits)
        await bot.services.store.finish(
            failed.id, "w", JobStatus.FAILED, JobResult(error_kind="oom", error_message="oom")
        )

        _, refused = await command(standin, bob, "train", "retry", {"job": failed.id})
        assert "belongs to someone else" in refused.content
        _, queued = await command(standin, alice, "train", "retry", {"job": failed.id})
        new_id = JOB_ID.search(queued.content).group(1)
        again = await bot.services.store.get_job(new_id)
        assert (again.kind, again.source_job_id, again.status) == (
            JobKind.SAMPLE,
            source_id,
            JobStatus.QUEUED,
        )
        request = json.loads(JobPaths(again.job_dir).sample_request.read_text())
        assert (request["prompts"], request["strengths"]) == (["sks"], [0.7])
        # Asking a sample job for samples points the user at its training job.
        _, msg = await command(standin, alice, "train", "sample", {"job": failed.id})
        assert "sample the training job" in msg.content
        assert not bot.services.errors.unexpected


async def test_sample_weights_go_only_to_the_owner_attached_or_linked(
    standin: StandIn, make_bot, settings
) -> None:
    """The result of a sample job (its child stood in for by writing the files it writes): grids in the
    public channel; the checkpoint files by DM — attached when they fit, else a signed link — and
    never in the public message (issue 16, defect 6)."""
    import os
    import re

    import aiohttp

    from tests.bot.conftest import png_bytes

    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        source_id = await _fabricated_finished_job(bot, alice.id)
        _, queued = await command(standin, alice, "train", "sample", {"job": source_id, "prompts": "sks"})
        assert "place in the queue: 1" in queued.content
        sample_id = JOB_ID.search(queued.content).group(1)
        job = await bot.services.store.claim("w", 60, bot.services.queue_options.limits)
        assert job.id == sample_id and job.kind is JobKind.SAMPLE
        job_dir = Path(job.job_dir)
        (job_dir / "samples").mkdir()
        (job_dir / "samples" / "grid_p0.png").write_bytes(png_bytes(1))
        (job_dir / "output").mkdir()
        small, big = os.urandom(2048), os.urandom(11 * 2**20)  # the stand-in's limit is 10 MiB
        (job_dir / "output" / "x-step000004.safetensors").write_bytes(small)
        (job_dir / "output" / "x-step000008.safetensors").write_bytes(big)
        files = ("samples/grid_p0.png", "output/x-step000004.safetensors", "output/x-step000008.safetensors")
        result = JobResult(output=str(job_dir / files[-1]), files=files)
        await bot.services.store.finish(sample_id, "w", JobStatus.SUCCEEDED, result)

        done = await standin.wait_for_message(
            predicate=lambda m: "sample grids of" in m.content and sample_id in m.content, timeout=10, since=0
        )
        assert [a.filename for a in done.attachments] == ["grid_p0.png"]
        assert "safetensors" not in done.content and "http" not in done.content
        private = await standin.wait_for_message(channel=standin.dm_channel(alice), since=0, timeout=10)
        assert [a.filename for a in private.attachments] == ["x-step000004.safetensors"]
        assert standin.attachment_bytes(private.attachments[0].url) == small
        url = re.search(r"(http://\S+)", private.content).group(1)
        assert "x-step000008.safetensors" in url
        async with aiohttp.ClientSession() as session, session.get(url) as resp:
            assert resp.status == 200 and await resp.read() == big
        assert not bot.services.errors.unexpected
