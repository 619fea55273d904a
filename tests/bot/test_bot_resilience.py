"""Nothing is lost: injected 429s and a dropped gateway, a bot restart in the middle of a job, and a failed
job that gets the advisor's diagnosis and a retry button."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from config.settings import ModelEntry, ModelsSettings
from standin.driver import StandIn
from tests.bot.botkit import answer_to, make_dataset
from tests.bot.conftest import ROOT
from tests.bot.exts.training.test_bot_training import done_message, start_training, wait_status, wait_step
from trainer.queue.failures import load_diagnosis
from trainer.queue.launcher import worker_argv
from trainer.queue.options import WorkerOptions
from trainer.queue.types import JobStatus

pytestmark = pytest.mark.slow


def sample_steps(standin: StandIn) -> list[str]:
    return [m.content.split()[3] for m in standin.messages() if m.content.startswith("Samples at step")]


async def test_rate_limits_and_gateway_drop_lose_nothing(
    standin: StandIn, make_bot, settings_factory, tiny_model
) -> None:
    settings = settings_factory(model_path=tiny_model)
    alice = standin.add_user("alice")
    async with make_bot(settings, run_worker=True) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes")
        job_id, progress = await start_training(standin, alice, dataset_id, steps=60)
        await wait_status(bot, job_id, {JobStatus.RUNNING}, 30)
        edits = standin.faults.rate_limit("PATCH /channels/*/messages/*", retry_after=1.0, times=3)
        posts = standin.faults.rate_limit("POST /channels/*/messages", retry_after=1.0, times=3)
        errors = standin.faults.server_error("POST /channels/*/messages", times=1)
        await wait_step(bot, job_id, 1, 60)
        await standin.drop_connection(hold=True)
        await asyncio.sleep(2.0)
        standin.release_connection()
        done = await done_message(standin, job_id)
        assert edits.hits and posts.hits and errors.hits, "the faults were really hit"
        assert sample_steps(standin) == ["0", "20", "40", "60"]
        assert standin.message(progress.id).content.startswith("✅")
        assert sorted(a.filename for a in done.attachments) == ["loss_curve.png", "step_000060_grid.png"]


async def test_bot_restart_mid_job(standin: StandIn, make_bot, settings_factory, tiny_model) -> None:
    """What the user sees across a restart: every sample grid once, the progress message finished, the
    result delivered once — however the first bot's last request was cut (issue 14)."""
    settings = settings_factory(model_path=tiny_model)
    alice = standin.add_user("alice")
    # The worker outlives the bot here, as with `loracord worker` on a GPU host.
    worker = subprocess.Popen(worker_argv(WorkerOptions.from_settings(settings)), cwd=ROOT)
    try:
        async with make_bot(settings) as bot:
            dataset_id = await make_dataset(standin, alice, "shapes")
            job_id, progress = await start_training(standin, alice, dataset_id, steps=100)
            # The first grid is on its way or posted: the restart comes in the middle of the job.
            await standin.wait_for_message(
                predicate=lambda m: m.content.startswith("Samples at"), timeout=120
            )
        async with make_bot(settings) as bot:
            await done_message(standin, job_id)
            await wait_status(bot, job_id, {JobStatus.SUCCEEDED}, 30)
        ready = [m for m in standin.messages() if f"`{job_id}` is ready" in m.content]
        assert len(ready) == 1 and ready[0].referenced_id == progress.id
        after = standin.message(progress.id)
        assert after.content.startswith("✅") and "100/100" in after.content
        assert sample_steps(standin) == ["0", "20", "40", "60", "80", "100"]
    finally:
        worker.terminate()
        worker.wait(30)


async def test_failure_gets_diagnosis_and_retry(
    standin: StandIn, make_bot, settings_factory, tmp_path
) -> None:
    missing = tmp_path / "no-such-model"
    models = ModelsSettings(default="tiny", allowlist={"tiny": ModelEntry(str(missing), "sd15", 64)})
    settings = settings_factory(models=models)
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    async with make_bot(settings, run_worker=True) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes", images=2)
        job_id, _ = await start_training(standin, alice, dataset_id, steps=5)
        failed = await standin.wait_for_message(
            predicate=lambda m: bool(m.embeds) and job_id in m.embeds[0].get("title", ""),
            timeout=120,
            since=0,
        )
        job = await bot.services.store.get_job(job_id)
        assert job.status is JobStatus.FAILED
        diagnosis = failed.embeds[0]["description"]
        assert "Cause" in diagnosis and "Fix" in diagnosis
        # The worker explained the failure once, in every language; the bot showed that text.
        kept = load_diagnosis(Path(job.job_dir))
        assert set(kept.texts) == {"en", "ko"} and diagnosis == kept.texts["en"]
        refused = await standin.click(bob, failed, f"lc:job:retry:{job_id}")
        assert "belongs to someone else" in (await answer_to(standin, refused)).content
        retried = await standin.click(alice, failed, f"lc:job:retry:{job_id}")
        reply = await answer_to(standin, retried)
        assert "Queued" in reply.content
        jobs = await bot.services.store.list_jobs(owner_id=alice.id)
        assert len(jobs) == 2 and jobs[0].id != job_id
