"""Acceptance: workers on two hosts that share only PostgreSQL and S3 (separate data folders).

A job runs on host A; A is killed with SIGKILL after a checkpoint reached S3; host B takes the job
once A's lease expires, rebuilds its folder from S3, resumes from that checkpoint and finishes it,
once. Its LoRA has the same keys and metadata as the same job run without interruption.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from safetensors import safe_open
from test_queue_acceptance import real_dataset, tiny_config, tiny_model, wait_for  # noqa: F401

from trainer.artifacts.backends import open_artifacts
from trainer.artifacts.jobsync import remote_checkpoints, remote_weight_steps
from trainer.queue.jobdir import submit_job
from trainer.queue.options import QueueLimits, QueueOptions
from trainer.queue.pg_store import PgJobStore
from trainer.queue.samplejob import submit_sample_job
from trainer.queue.shared_store import HostOptions, SharedStore
from trainer.queue.types import JobStatus

pytestmark = pytest.mark.slow
HELPER = Path(__file__).with_name("two_host_worker.py")
STEPS = 24  # long enough that host A cannot finish between its first checkpoint upload and the kill
#: Metadata that differs between any two runs (when and which session), not between hosts.
RUN_STAMPS = {"ss_training_started_at", "ss_training_finished_at", "ss_session_id", "modelspec.date"}


def start_host(pg_url, s3_options, data_dir, worker_id):
    options = {k: str(v) for k, v in dataclasses.asdict(s3_options).items()}
    options["cache_gb"] = 1.0
    return subprocess.Popen(
        [sys.executable, str(HELPER), pg_url, json.dumps(options), str(data_dir), worker_id],
        cwd=Path(__file__).parents[3],
        start_new_session=True,  # its own process group: kill -9 reaches the worker and its child
        stdout=subprocess.DEVNULL,
        stderr=open(Path(data_dir).with_suffix(".log"), "w"),
    )


def lora_of(artifacts, job_id, dest):
    artifacts.get_file(f"jobs/{job_id}/output/tiny.safetensors", dest)
    with safe_open(str(dest), "np") as f:
        return sorted(f.keys()), {k: v for k, v in f.metadata().items() if k not in RUN_STAMPS}


async def test_job_killed_on_one_host_finishes_once_on_the_other(
    pg_url,
    s3_options,
    tiny_model,  # noqa: F811 - the acceptance module's fixture
    real_dataset,  # noqa: F811
    tmp_path,
):
    artifacts = open_artifacts(s3_options)
    bot_dir = tmp_path / "bot"
    queue = QueueOptions(data_dir=bot_dir, database_url=pg_url, limits=QueueLimits(0, 0, 0, 0))
    config = tiny_config(tiny_model, real_dataset, steps=STEPS)
    async with SharedStore(PgJobStore(pg_url), artifacts, HostOptions(bot_dir)) as bot:
        reference = await submit_job(bot, queue, config, owner_id=1)
        host_c = start_host(pg_url, s3_options, tmp_path / "host_c", "host-c:gpu0")
        assert await asyncio.to_thread(host_c.wait, 300) == 0
        assert (await bot.get_job(reference.id)).status is JobStatus.SUCCEEDED

        job = await submit_job(bot, queue, config, owner_id=2)
        host_a = start_host(pg_url, s3_options, tmp_path / "host_a", "host-a:gpu0")

        async def checkpoint_in_s3():
            return bool(await asyncio.to_thread(remote_checkpoints, artifacts, job.id))

        await wait_for(checkpoint_in_s3, timeout=240)
        os.killpg(host_a.pid, signal.SIGKILL)  # the whole host's worker dies, training child too
        host_a.wait()
        host_b = start_host(pg_url, s3_options, tmp_path / "host_b", "host-b:gpu0")
        assert await asyncio.to_thread(host_b.wait, 300) == 0

        done = await bot.get_job(job.id)
        events = await bot.events_since(job.id)
        workers = {w.id: w for w in await bot.list_workers()}
    assert done.status is JobStatus.SUCCEEDED and done.attempts == 2
    assert [e.data["worker"] for e in events if e.type == "claimed"] == ["host-a:gpu0", "host-b:gpu0"]
    assert [e.type for e in events].count("succeeded") == 1  # finished once
    starts = [e.data["resumed_from"] for e in events if e.type == "start"]
    assert starts[0] == 0 and starts[-1] >= 2  # host B resumed from host A's uploaded checkpoint
    assert done.result.output == str(Path(job.job_dir) / "output" / "tiny.safetensors")  # the bot's path
    assert not (tmp_path / "host_b" / "jobs" / reference.id).exists()  # hosts fetch only their jobs
    # A host's copy goes when the job ends there; the killed host's copy stays until its retention.
    assert not (tmp_path / "host_c" / "jobs" / reference.id).exists()
    assert not (tmp_path / "host_b" / "jobs" / job.id).exists() and (Path(job.job_dir) / "dataset").is_dir()
    async with SharedStore(PgJobStore(pg_url), artifacts, HostOptions(tmp_path / "host_a")) as host_a_again:
        assert await host_a_again.remove_finished_copies() == [job.id]
    assert not (tmp_path / "host_a" / "jobs" / job.id).exists()
    assert workers["host-a:gpu0"].job_id == job.id and workers["host-b:gpu0"].stopped_at is not None
    keys, meta = lora_of(artifacts, job.id, tmp_path / "resumed.safetensors")
    ref_keys, ref_meta = lora_of(artifacts, reference.id, tmp_path / "reference.safetensors")
    assert keys == ref_keys and meta == ref_meta
    assert meta["ss_steps"] == str(STEPS)

    # The run trained on hosts A and B is sampled on host C: the bot offers the checkpoints in S3, host C
    # rebuilds the run (weights only) and the real sampling child draws the grid there.
    async with SharedStore(PgJobStore(pg_url), artifacts, HostOptions(bot_dir)) as bot:
        offered = remote_weight_steps(artifacts, job.id)
        sample = await submit_sample_job(
            bot, queue, job.id, owner_id=2, prompts=["sks cat"], strengths=[1.0], steps=2
        )
        host_c = start_host(pg_url, s3_options, tmp_path / "host_c", "host-c:gpu0")
        assert await asyncio.to_thread(host_c.wait, 300) == 0
        sampled = await bot.get_job(sample.id)
    assert offered and sampled.status is JobStatus.SUCCEEDED, sampled.result
    grids = [k for k in artifacts.list_keys(f"jobs/{sample.id}/samples/") if k.endswith(".png")]
    assert grids and not (tmp_path / "host_c" / "jobs" / sample.id).exists()
