"""Acceptance: the real training child (`python -m trainer.run`) on the project's tiny SD1.5 model.

kill -9 of the child or of the worker, a restart of everything, cancel while running, a vanished
dataset: each ends with the right steps, a valid LoRA file, and nothing trained twice to completion.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from safetensors import safe_open

from config.training import TrainConfig
from trainer.job_paths import read_events
from trainer.queue.backends import open_store
from trainer.queue.jobdir import submit_job
from trainer.queue.launcher import worker_argv
from trainer.queue.types import JobStatus
from trainer.queue.worker import Worker

pytestmark = pytest.mark.slow
STEPS = 8


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from trainer.models.tiny import build_tiny_pipeline

    return build_tiny_pipeline(tmp_path_factory.mktemp("model") / "sd15", "sd15")


@pytest.fixture
def real_dataset(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(folder / f"{i}.png")
        (folder / f"{i}.txt").write_text("sks pattern")
    return folder


@pytest.fixture
def real_options(worker_options):
    return replace(
        worker_options, python=None, lease_seconds=3.0, heartbeat_seconds=0.5, cancel_grace_seconds=20
    )


def tiny_config(model, data, steps=STEPS, **kw):
    return TrainConfig(
        pretrained_model=str(model),
        model_arch="sd15",
        data_dir=str(data),
        name="tiny",
        max_train_steps=steps,
        resolution=64,
        min_bucket_reso=64,
        max_bucket_reso=128,
        train_batch_size=2,
        network_dim=4,
        network_alpha=4.0,
        learning_rate=1e-3,
        sample_every_n_steps=0,
        sample_steps=1,
        save_every_n_steps=2,
        **kw,
    )


async def wait_for(predicate, timeout=120.0, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(every)
    raise AssertionError(f"condition not met within {timeout}s")


def check_lora(path: Path, steps: int) -> None:
    with safe_open(str(path), "np") as f:
        keys = list(f.keys())
        assert keys and all(k.startswith("lora_unet_") for k in keys)
        assert f.metadata()["ss_steps"] == str(steps)


def done_events(job) -> list[dict]:
    return [e for e in read_events(Path(job.job_dir)) if e["type"] == "done"]


async def test_killed_child_resumes_from_checkpoint_and_vanished_dataset_fails_alone(
    store, real_options, tiny_model, real_dataset
):
    q = real_options.queue
    job = await submit_job(store, q, tiny_config(tiny_model, real_dataset), owner_id=1)
    lost = await submit_job(store, q, tiny_config(tiny_model, real_dataset), owner_id=2)
    shutil.rmtree(Path(lost.job_dir) / "dataset")
    worker = asyncio.create_task(Worker(store, real_options).run_until_empty())

    async def checkpointed():
        return any(e.type == "checkpoint" for e in await store.events_since(job.id))

    await wait_for(checkpointed)
    os.kill(int((Path(job.job_dir) / "child.pid").read_text()), signal.SIGKILL)
    await asyncio.wait_for(worker, 300)

    done = await store.get_job(job.id)
    assert done.status is JobStatus.SUCCEEDED and done.attempts == 2
    starts = [e["resumed_from"] for e in read_events(Path(job.job_dir)) if e["type"] == "start"]
    assert starts[0] == 0 and starts[1] >= 2  # the second run continued from a checkpoint
    assert [e["step"] for e in done_events(job)] == [STEPS]
    check_lora(Path(done.result.output), STEPS)
    failed = await store.get_job(lost.id)
    assert failed.status is JobStatus.FAILED and "dataset vanished" in failed.result.error_message


async def test_killed_worker_job_taken_over_after_restart_nothing_trained_twice(
    queue_options, real_options, tiny_model, real_dataset, tmp_path
):
    q = real_options.queue
    async with open_store(queue_options) as store:
        first = await submit_job(store, q, tiny_config(tiny_model, real_dataset), owner_id=1)
        second = await submit_job(store, q, tiny_config(tiny_model, real_dataset), owner_id=2)
        dropped = await submit_job(store, q, tiny_config(tiny_model, real_dataset), owner_id=3)
        assert (await store.request_cancel(dropped.id)).status is JobStatus.CANCELLED
        with (tmp_path / "worker1.log").open("wb") as log:
            proc = subprocess.Popen(
                worker_argv(real_options, burst=True), stdout=log, stderr=subprocess.STDOUT
            )

        async def checkpointed():
            return any(e.type == "checkpoint" for e in await store.events_since(first.id))

        try:
            await wait_for(checkpointed)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        child_pid = int((Path(first.job_dir) / "child.pid").read_text())
        await wait_for(lambda: _gone(child_pid), timeout=10)  # the child died with its worker

    # Restart of everything: a new store connection and a new worker find the queue as it was.
    async with open_store(queue_options) as store:
        assert (await store.get_job(first.id)).status is JobStatus.RUNNING  # until its lease expires
        assert (await store.get_job(second.id)).status is JobStatus.QUEUED
        assert (await store.get_job(dropped.id)).status is JobStatus.CANCELLED
        # The queued job's turn is shown by the worker tests; cancelling it keeps this test short.
        await store.request_cancel(second.id)
        handled = await Worker(store, real_options, worker_id="second-worker").run_until_empty()
        assert [j.id for j in handled] == [first.id]
        a = await store.get_job(first.id)
        assert a.status is JobStatus.SUCCEEDED
        assert a.attempts == 2 and a.worker_id == "second-worker"
        reasons = [e.data["reason"] for e in await store.events_since(first.id) if e.type == "requeued"]
        assert len(reasons) == 1 and "stopped renewing its lease" in reasons[0]
    starts = [e["resumed_from"] for e in read_events(Path(first.job_dir)) if e["type"] == "start"]
    assert starts[0] == 0 and starts[1] >= 2
    assert [e["step"] for e in done_events(a)] == [STEPS]  # trained to completion exactly once
    check_lora(Path(a.result.output), STEPS)
    for never_started in (second, dropped):
        assert not (Path(never_started.job_dir) / "events.jsonl").exists()


async def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie (dead, not yet reaped by its parent) counts as gone.
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"


async def test_cancel_while_running_stops_at_a_step_with_a_checkpoint(
    store, real_options, tiny_model, real_dataset
):
    job = await submit_job(
        store, real_options.queue, tiny_config(tiny_model, real_dataset, steps=400), owner_id=1
    )
    worker = asyncio.create_task(Worker(store, real_options).run_until_empty())

    async def stepping():
        return (await store.get_job(job.id)).progress.step >= 1

    await wait_for(stepping)
    await store.request_cancel(job.id)
    await asyncio.wait_for(worker, 120)
    cancelled = await store.get_job(job.id)
    assert cancelled.status is JobStatus.CANCELLED
    events = read_events(Path(job.job_dir))
    assert events[-1]["type"] == "stopped" and events[-1]["step"] < 400
    assert any((Path(job.job_dir) / "checkpoints").iterdir())
