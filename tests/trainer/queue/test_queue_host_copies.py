"""Several hosts sharing one database and one artifact store: a worker host's copy of a job goes once the
job ends, retention on each host expires only the folders that host made (and their keys), and a run
trained on one host can be sampled on another."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import tomli_w
from conftest import NO_LIMITS

from trainer.artifacts.local import LocalArtifacts
from trainer.queue.options import QueueOptions
from trainer.queue.retention import apply_retention
from trainer.queue.samplejob import sample_problem, submit_sample_job
from trainer.queue.samplereq import load_request
from trainer.queue.shared_store import HostOptions, SharedStore
from trainer.queue.sqlite_store import SqliteJobStore
from trainer.queue.types import JobResult, JobSpec, JobStatus

DAY = 86400.0
T0 = 1_800_000_000.0


def host(tmp_path: Path, name: str) -> SharedStore:
    """One host's view: the shared SQLite file and artifact folder, its own data folder."""
    database = SqliteJobStore(tmp_path / "queue.sqlite")
    return SharedStore(database, LocalArtifacts(tmp_path / "artifacts"), HostOptions(tmp_path / name))


async def submit(bot: SharedStore, job_id: str) -> Path:
    folder = Path(bot.host.data_dir) / "jobs" / job_id
    (folder / "dataset").mkdir(parents=True)
    (folder / "dataset" / "cat.png").write_bytes(b"png")
    (folder / "config.toml").write_text(tomli_w.dumps({"output_dir": str(folder), "max_train_steps": 4}))
    spec = JobSpec(owner_id=1, config={"max_train_steps": 4}, job_dir=str(folder), job_id=job_id)
    await bot.enqueue(spec, NO_LIMITS, now=T0)
    return folder


async def run_to_the_end(worker: SharedStore, worker_id: str, finished_at: float) -> Path:
    job = await worker.claim(worker_id, 60, NO_LIMITS, now=finished_at - 10)
    local = Path(job.job_dir)
    (local / "output").mkdir()
    (local / "output" / "cat.safetensors").write_bytes(b"lora")
    result = JobResult(output=str(local / "output" / "cat.safetensors"))
    await worker.finish(job.id, worker_id, JobStatus.SUCCEEDED, result, now=finished_at)
    return local


async def test_a_worker_hosts_copy_goes_when_the_job_ends_and_the_bots_folder_stays(tmp_path):
    async with host(tmp_path, "bot") as bot, host(tmp_path, "gpu1") as gpu1, host(tmp_path, "gpu2") as gpu2:
        own = await submit(bot, "j1")
        copy = await run_to_the_end(gpu1, "gpu1:0", T0)
        assert copy != own and not copy.exists()  # everything in it is in the artifact store
        assert gpu1.artifacts.exists("jobs/j1/output/cat.safetensors")
        done = await bot.get_job("j1")  # the bot fetches the results into its own folder
        assert done.result.output == str(own / "output" / "cat.safetensors")
        assert (own / "output" / "cat.safetensors").read_bytes() == b"lora" and (own / "dataset").is_dir()

        # Released (the worker shut down): the copy stays while the job waits, as gpu1 may take it
        # back; once gpu2 has finished it, gpu1's retention removes the stale copy.
        await submit(bot, "j2")
        job = await gpu1.claim("gpu1:0", 60, NO_LIMITS, now=T0)
        await gpu1.release(job.id, "gpu1:0", reason="worker shut down", crashed=False)
        stale = Path(job.job_dir)
        assert stale.is_dir() and await gpu1.remove_finished_copies() == []
        await run_to_the_end(gpu2, "gpu2:0", T0 + 100)
        report = await apply_retention(gpu1, QueueOptions(data_dir=gpu1.host.data_dir), now=T0 + 200)
        assert report.copies_removed == ["j2"] and not stale.exists()
        assert (Path(bot.host.data_dir) / "jobs" / "j2" / "dataset").is_dir()


async def test_retention_expires_a_job_on_the_host_that_made_it_with_its_keys(tmp_path):
    async with host(tmp_path, "bot") as bot, host(tmp_path, "gpu1") as gpu1:
        own = await submit(bot, "old")
        await run_to_the_end(gpu1, "gpu1:0", T0 - 31 * DAY)
        later = T0 + 1

        # The worker host has no folder of that job: it leaves it to the host that submitted it, and
        # does not mark its files deleted (the bot's folder would then never go).
        worker_options = replace(QueueOptions(data_dir=gpu1.host.data_dir), retention_days=30)
        assert (await apply_retention(gpu1, worker_options, now=later)).expired == []
        assert (await bot.get_job("old")).files_deleted_at is None

        bot_options = replace(QueueOptions(data_dir=bot.host.data_dir), retention_days=30)
        report = await apply_retention(bot, bot_options, now=later)
        assert report.expired == ["old"] and not own.exists()
        assert bot.artifacts.list_keys("jobs/old/") == []  # checkpoints, results and manifest
        assert (await bot.get_job("old")).files_deleted_at == later


async def test_a_run_trained_on_one_host_is_sampled_on_another(tmp_path):
    """The bot offers the checkpoints in the artifact store; the host that takes the sample job rebuilds
    the run there (weights, no optimizer state) and keeps it while a sample job may draw from it; a
    worker on the bot's own host uses the run in place and fetches the weights it lacks."""
    async with host(tmp_path, "bot") as bot, host(tmp_path, "gpu1") as gpu1, host(tmp_path, "gpu2") as gpu2:
        own = await submit(bot, "run")
        job = await gpu1.claim("gpu1:0", 60, NO_LIMITS, now=T0)
        trained = Path(job.job_dir)
        for step in (2, 4):
            ckpt = trained / "checkpoints" / f"step_{step:06d}"
            ckpt.mkdir(parents=True)
            (ckpt / "lora.safetensors").write_bytes(b"weights %d" % step)
            (ckpt / "optimizer.pt").write_bytes(b"\0" * 1000)
            (ckpt / "state.json").write_text(json.dumps({"step": step}))
        (trained / "output").mkdir()
        (trained / "output" / "cat.safetensors").write_bytes(b"final")
        done = {"type": "done", "step": 4, "output": "output/cat.safetensors"}
        (trained / "events.jsonl").write_text(json.dumps(done) + "\n")
        result = JobResult(output=str(trained / "output" / "cat.safetensors"))
        await gpu1.finish(job.id, "gpu1:0", JobStatus.SUCCEEDED, result, now=T0 + 10)
        assert not trained.exists()

        # The bot's folder has the results only; the checkpoints it offers are the uploaded ones.
        assert not (own / "checkpoints").exists()
        options = QueueOptions(data_dir=bot.host.data_dir, limits=NO_LIMITS)
        sample = await submit_sample_job(bot, options, "run", owner_id=1, checkpoints=[2, 4])
        assert load_request(Path(sample.job_dir)).source_run == str(own.resolve())

        claimed = await gpu2.claim("gpu2:0", 60, NO_LIMITS, now=T0 + 20)
        assert claimed.id == sample.id
        request = load_request(Path(claimed.job_dir))
        run = Path(request.source_run)
        assert (
            run == Path(gpu2.host.data_dir) / "jobs" / "run" and sample_problem(Path(claimed.job_dir)) is None
        )
        assert (run / "checkpoints" / "step_000002" / "lora.safetensors").read_bytes() == b"weights 2"
        assert not (run / "checkpoints" / "step_000004" / "optimizer.pt").exists()  # weights only
        assert (run / "output" / "cat.safetensors").read_bytes() == b"final"
        assert await gpu2.remove_finished_copies() == []  # its sample job is running

        grid = JobResult(output=str(run / "output" / "cat.safetensors"))
        await gpu2.finish(sample.id, "gpu2:0", JobStatus.SUCCEEDED, grid, now=T0 + 30)
        assert await gpu2.remove_finished_copies() == ["run"] and not run.exists()
        assert (own / "output" / "cat.safetensors").is_file()  # the bot's own folder is untouched

        # The bot host's own worker takes the next one: the run is used in place, and the checkpoint
        # weights the request names come from the artifact store into it.
        second = await submit_sample_job(bot, options, "run", owner_id=1, checkpoints=[2])
        here = await bot.claim("bot:0", 60, NO_LIMITS, now=T0 + 40)
        assert here.id == second.id and load_request(Path(here.job_dir)).source_run == str(own.resolve())
        assert (own / "checkpoints" / "step_000002" / "lora.safetensors").read_bytes() == b"weights 2"
        assert sample_problem(Path(here.job_dir)) is None
