"""The whole flow on the tiny model with the real worker: /train start → confirm → progress → samples →
results; commands stay fast while training saturates the CPU; the owner alone gets the file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from config.settings import AdvisorSettings
from standin.driver import StandIn
from tests.bot.botkit import JOB_ID, answer_to, command, make_dataset
from trainer.queue.types import JobStatus

pytestmark = pytest.mark.slow

OVERRIDES = (
    "train_batch_size=1, sample_every_n_steps=20, save_every_n_steps=20, sample_steps=2, learning_rate=1e-3"
)


async def start_training(standin: StandIn, user, dataset_id: str, steps: int) -> tuple[str, object]:
    """Run /train start, press Start; returns the job id and the progress message."""
    _, confirm = await command(
        standin, user, "train", "start", {"dataset": dataset_id, "steps": steps, "overrides": OVERRIDES}
    )
    assert f"`max_train_steps` = **{steps}**" in confirm.embeds[0]["description"]
    await standin.click(user, confirm, "lc:confirm:start")
    progress = await standin.wait_for_message(predicate=lambda m: m.content.startswith("⏳"), timeout=10)
    return JOB_ID.search(progress.content).group(1), progress


async def wait_status(bot, job_id: str, wanted: set[JobStatus], timeout: float) -> None:
    for _ in range(int(timeout / 0.2)):
        if (await bot.services.store.get_job(job_id)).status in wanted:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"job {job_id} never reached {wanted}")


async def wait_step(bot, job_id: str, step: int, timeout: float) -> None:
    for _ in range(int(timeout / 0.1)):
        if (await bot.services.store.get_job(job_id)).progress.step >= step:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"job {job_id} never reached step {step}")


def done_message(standin: StandIn, job_id: str):
    return standin.wait_for_message(
        predicate=lambda m: f"`{job_id}` is ready" in m.content, timeout=180, since=0
    )


async def test_train_deliver_and_stay_responsive(
    standin: StandIn, make_bot, settings_factory, tiny_model
) -> None:
    settings = settings_factory(model_path=tiny_model, advisor=AdvisorSettings(llm_enabled=False))
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    async with make_bot(settings, run_worker=True) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes")
        job_id, progress = await start_training(standin, alice, dataset_id, steps=60)
        await wait_status(bot, job_id, {JobStatus.RUNNING}, 30)
        await wait_step(bot, job_id, 1, 60)
        # While the training child keeps both cores busy, every command is acknowledged in time.
        probes, replies = [], []
        for name, sub, options in [
            ("dataset", "list", None),
            ("train", "status", None),
            ("train", "queue", None),
            ("dataset", "show", {"dataset": dataset_id}),
            ("caption", "tags", {"dataset": dataset_id}),
            ("advisor", "ask", {"question": "my loss is nan"}),
            ("train", "cancel", {"job": job_id}),
            ("train", "sample", {"job": job_id}),
        ]:
            inter, reply = await command(standin, bob if sub == "cancel" else alice, name, sub, options)
            probes.append(inter.response_time)
            replies.append(reply.content)
        # Bob's cancel was refused: nothing asked the job to stop (it may have finished meanwhile).
        after = await bot.services.store.get_job(job_id)
        assert after.status in {JobStatus.RUNNING, JobStatus.SUCCEEDED} and not after.cancel_requested
        done = await done_message(standin, job_id)
        job = await bot.services.store.get_job(job_id)
        assert job.status is JobStatus.SUCCEEDED
        print("acknowledged in (s):", [round(p, 3) for p in probes])
        assert all(p is not None and p < 3.0 for p in probes)
        assert max(p for p in probes) < 3.0

        final = standin.message(progress.id).content
        assert final.startswith("✅") and "60/60" in final
        names = sorted(a.filename for a in done.attachments)
        assert names == ["loss_curve.png", "step_000060_grid.png"]
        samples = [
            m.content.split()[3] for m in standin.messages() if m.content.startswith("Samples at step")
        ]
        assert {"0", "20", "40", "60"} <= set(samples), "every scheduled round arrives"
        # "Sample now" is asked of a running job; on an idle machine the 60 fast steps may be over by
        # then, and a finished job's samples come from a sample job of their own: either answer is right.
        # Whether an asked round adds samples depends on where the steps were when the flag landed (the
        # engine's own tests pin that down).
        asked, queued = f"Asked `{job_id}` for samples now", "Queued sample job "
        assert replies[-1].startswith((asked, queued)), replies[-1]

        output = Path(job.result.output)
        refused = await standin.click(bob, done, f"lc:job:download:{job_id}")
        assert "belongs to someone else" in (await answer_to(standin, refused)).content
        got = await standin.click(alice, done, f"lc:job:download:{job_id}")
        reply = await answer_to(standin, got)
        assert reply.ephemeral and [a.filename for a in reply.attachments] == [output.name]
        assert standin.attachment_bytes(reply.attachments[0].url) == output.read_bytes()
        dms = await standin.wait_for_message(channel=standin.dm_channel(alice), since=0, timeout=5)
        assert standin.attachment_bytes(dms.attachments[0].url) == output.read_bytes()
        assert not bot.services.errors.unexpected
