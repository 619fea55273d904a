"""/train delete: an owner deletes a finished job's files now, in their language; nobody else can, and a
job still in the queue is refused with what to do."""

from __future__ import annotations

from pathlib import Path

from standin.driver import StandIn
from tests.bot.botkit import answer_to, command, korean, make_dataset
from trainer.queue.types import JobResult, JobStatus


async def test_the_owner_deletes_a_finished_jobs_files(standin: StandIn, make_bot, settings) -> None:
    alice = standin.add_user("alice")
    bob = standin.add_user("bob")
    minsu = standin.add_user("minsu", locale="ko")
    async with make_bot(settings) as bot:
        store = bot.services.store
        dataset = await make_dataset(standin, alice, "a", images=1)
        _, confirm = await command(standin, alice, "train", "start", {"dataset": dataset, "steps": 5})
        await answer_to(standin, await standin.click(alice, confirm, "lc:confirm:start"))
        (job,) = await store.list_jobs(owner_id=alice.id)

        _, queued = await command(standin, alice, "train", "delete", {"job": job.id})
        assert "is queued" in queued.content and queued.ephemeral  # cancel it first: its files are in use

        claimed = await store.claim("w", 60, bot.services.queue_options.limits)
        folder = Path(claimed.job_dir)
        (folder / "output").mkdir(exist_ok=True)
        (folder / "output" / "a.safetensors").write_bytes(b"\0" * 4096)
        await store.finish(job.id, "w", JobStatus.SUCCEEDED, JobResult(output=str(folder / "output")))

        _, refused = await command(standin, bob, "train", "delete", {"job": job.id})
        assert "belongs to someone else" in refused.content and folder.is_dir()

        _, done = await command(standin, alice, "train", "delete", {"job": job.id})
        assert f"Deleted the files of `{job.id}`" in done.content and done.ephemeral
        assert not folder.exists() and (await store.get_job(job.id)).files_deleted_at is not None
        _, again = await command(standin, alice, "train", "delete", {"job": job.id})
        assert "already deleted" in again.content
        _, download = await command(standin, alice, "train", "download", {"job": job.id})
        assert "its files were removed" in download.content and not download.attachments

        ko_dataset = await make_dataset(standin, minsu, "b", images=1)
        _, confirm = await command(standin, minsu, "train", "start", {"dataset": ko_dataset, "steps": 5})
        await answer_to(standin, await standin.click(minsu, confirm, "lc:confirm:start"))
        (ko_job,) = await store.list_jobs(owner_id=minsu.id)
        await store.claim("w", 60, bot.services.queue_options.limits)
        await store.finish(ko_job.id, "w", JobStatus.FAILED, JobResult(error_message="x"))
        _, ko_done = await command(standin, minsu, "train", "delete", {"job": ko_job.id})
        assert korean(ko_done.content) and ko_job.id in ko_done.content and "지웠어요" in ko_done.content
