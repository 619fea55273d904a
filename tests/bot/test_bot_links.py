"""Result delivery: a file that fits comes as an attachment, a bigger one as a signed link that downloads
the right bytes; a tampered or expired link is refused with 403."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import aiohttp

from config.training import TrainConfig
from standin.driver import StandIn
from tests.bot.botkit import command, make_dataset
from trainer.queue.jobdir import submit_job
from trainer.queue.types import JobResult, JobStatus

URL = re.compile(r"(http://\S+)")


async def finished_job(bot, owner_id: int, dataset_id: str, size: int) -> tuple[str, bytes]:
    """A job that succeeded with an output file of `size` random bytes (as the worker records it)."""
    info = await bot.services.datasets.find(dataset_id)
    config = TrainConfig(
        pretrained_model="unused", data_dir=str(info.prepared), max_train_steps=5, name="big"
    )
    job = await submit_job(
        bot.services.store, bot.services.queue_options, config, owner_id=owner_id, dataset_id=dataset_id
    )
    await bot.services.store.claim("w1", 60, bot.services.queue_options.limits)
    data = os.urandom(size)
    out = Path(job.job_dir) / "output" / "big.safetensors"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    await bot.services.store.finish(
        job.id, "w1", JobStatus.SUCCEEDED, JobResult(output=str(out), files=(str(out),))
    )
    return job.id, data


async def fetch(url: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return resp.status, await resp.read()


async def test_big_file_arrives_as_signed_link(standin: StandIn, make_bot, settings) -> None:
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    async with make_bot(settings) as bot:
        dataset_id = await make_dataset(standin, alice, "d", images=1)
        job_id, data = await finished_job(bot, alice.id, dataset_id, 11 * 2**20)
        _, msg = await command(standin, alice, "train", "download", {"job": job_id})
        assert not msg.attachments and msg.ephemeral
        url = URL.search(msg.content).group(1)
        status, body = await fetch(url)
        assert status == 200 and body == data
        # Tampered: another file name, another job, a changed signature, a later expiry.
        exp = int(re.search(r"exp=(\d+)", url).group(1))
        sig = re.search(r"sig=([0-9a-f]+)", url).group(1)
        forged_sig = ("0" if sig[0] != "0" else "1") + sig[1:]
        for bad in (
            url.replace("big.safetensors", "loss_curve.png"),
            url.replace(job_id, job_id[:-1] + ("0" if job_id[-1] != "0" else "1")),
            url.replace(f"sig={sig}", f"sig={forged_sig}"),
            url.replace(f"exp={exp}", f"exp={exp + 3600}"),
            url.split("?")[0],
        ):
            status, body = await fetch(bad)
            assert status == 403, bad
            assert data[:64] not in body
        expired = bot.services.signer.url(
            job_id, "big.safetensors", now=time.time() - bot.services.signer.ttl_seconds - 5
        )
        assert (await fetch(expired))[0] == 403
        # The link is handed out to the owner only.
        _, msg = await command(standin, bob, "train", "download", {"job": job_id})
        assert "belongs to someone else" in msg.content and "http" not in msg.content


async def test_small_file_arrives_as_attachment(standin: StandIn, make_bot, settings) -> None:
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        dataset_id = await make_dataset(standin, alice, "d", images=1)
        job_id, data = await finished_job(bot, alice.id, dataset_id, 300_000)
        _, msg = await command(standin, alice, "train", "download", {"job": job_id})
        assert [a.filename for a in msg.attachments] == ["big.safetensors"]
        assert standin.attachment_bytes(msg.attachments[0].url) == data
