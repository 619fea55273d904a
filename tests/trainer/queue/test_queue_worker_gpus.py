"""A job on several GPUs (`train.num_processes = N`) is claimed only by a worker that has N GPUs: a
worker pinned to one GPU leaves it queued (instead of claiming it and failing), one with enough runs
it. How a worker counts its GPUs: `worker.gpu_count`, else 1 when pinned, else what its jobs see."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import NO_LIMITS, submit_fake

from cli.main import main
from config.training import TrainConfig
from trainer.artifacts.local import LocalArtifacts
from trainer.queue.jobdir import submit_job
from trainer.queue.shared_store import HostOptions, SharedStore
from trainer.queue.types import JobSpec, JobStatus
from trainer.queue.worker import Worker
from trainer.queue.workers import WorkerCapacity, count_gpus


async def submit_on_gpus(store, options, dataset_dir, gpus):
    config = TrainConfig(
        pretrained_model="/models/tiny", data_dir=str(dataset_dir), max_train_steps=2, num_processes=gpus
    )
    job = await submit_job(store, options, config, owner_id=1)
    (Path(job.job_dir) / "fake.json").write_text(json.dumps({"steps": 2}))
    return job


def test_queue_show_says_how_many_gpus_a_job_waits_for(tmp_path, dataset_dir, capsys):
    settings = tmp_path / "loracord.toml"
    settings.write_text(f'[storage]\ndata_dir = "{tmp_path / "data"}"\n')
    job_toml = tmp_path / "job.toml"
    job_toml.write_text(f'pretrained_model = "/models/tiny"\ndata_dir = "{dataset_dir}"\nnum_processes = 2\n')
    assert main(["--config", str(settings), "queue", "submit", str(job_toml), "--user", "7", "--json"]) == 0
    job = json.loads(capsys.readouterr().out)
    assert job["gpus"] == 2
    assert main(["--config", str(settings), "queue", "show", job["id"]]) == 0
    assert "gpus: 2" in capsys.readouterr().out


async def test_a_pinned_worker_leaves_a_two_gpu_job_to_a_worker_with_two(store, worker_options, dataset_dir):
    ddp = await submit_on_gpus(store, worker_options.queue, dataset_dir, gpus=2)
    single = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 2})
    assert ddp.num_gpus == 2 and single.num_gpus == 1  # recorded at submission from num_processes

    pinned = Worker(store, replace(worker_options, gpu="0"), worker_id="host:gpu0")
    handled = await pinned.run_until_empty()
    assert [j.id for j in handled] == [single.id]  # the 2-GPU job was older, but it cannot run there
    waiting = await store.get_job(ddp.id)
    assert waiting.status is JobStatus.QUEUED and waiting.attempts == 0  # never claimed, never failed

    whole_host = Worker(store, replace(worker_options, gpu=None, gpu_count=2), worker_id="host:all")
    handled = await whole_host.run_until_empty()
    assert [j.id for j in handled] == [ddp.id]
    assert (await store.get_job(ddp.id)).status is JobStatus.SUCCEEDED


async def test_a_worker_on_another_host_registers_its_gpu_count_and_claims_by_it(store, tmp_path):
    host = HostOptions(data_dir=tmp_path / "host", vram_gb=40.0, archs=("sdxl",))
    shared = SharedStore(store, LocalArtifacts(tmp_path / "artifacts"), host)

    def spec(name, gpus, vram):
        return JobSpec(owner_id=1, config={}, job_dir=f"/j/{name}", name=name, num_gpus=gpus, vram_gb=vram)

    await store.enqueue(spec("four-gpus", 4, 30.0), NO_LIMITS)
    await store.enqueue(spec("two-gpus-too-big", 2, 60.0), NO_LIMITS)
    fits = await store.enqueue(spec("two-gpus", 2, 30.0), NO_LIMITS)
    # The worker gives its GPU count; the host adds its VRAM and models; all three decide.
    job = await shared.claim("a100x2", 60, NO_LIMITS, capacity=WorkerCapacity(gpus=2))
    assert job.id == fits.id
    (listed,) = await store.list_workers()
    assert (listed.gpu_count, listed.vram_free_gb, listed.archs) == (2, 40.0, ("sdxl",))


@pytest.fixture
def no_gpu_hints(monkeypatch, tmp_path):
    """No CUDA_VISIBLE_DEVICES and no nvidia-smi on PATH, whatever this machine has."""
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    return tmp_path


def fake_nvidia_smi(folder: Path, gpus: int) -> None:
    folder.mkdir(exist_ok=True)
    lines = "".join(f"echo 'GPU {i}: NVIDIA A100 (UUID: GPU-{i})'\n" for i in range(gpus))
    script = folder / "nvidia-smi"
    script.write_text(f"#!/bin/sh\n{lines}")
    script.chmod(0o755)


def test_how_a_worker_counts_its_gpus(no_gpu_hints, monkeypatch):
    assert count_gpus(None) is None  # no GPU at all: ranks run on the CPU, every job fits
    assert count_gpus("1") == 1  # pinned: its jobs see that one GPU only
    assert count_gpus("1", configured=4) == 4  # worker.gpu_count wins
    fake_nvidia_smi(no_gpu_hints / "empty-bin", 8)
    assert count_gpus(None) == 8
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")  # what the jobs will see, not the host's 8
    assert count_gpus(None) == 2
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert count_gpus(None) is None
