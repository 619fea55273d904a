"""Sample jobs through the queue: submission checks, the real `trainer.sample` child under the worker,
the command line, and retention keeping what a sample job needs."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import sys
from pathlib import Path

import pytest

from cli.main import main
from config.training import load_train_config
from trainer.job_paths import JobPaths, read_events
from trainer.queue.options import WorkerOptions
from trainer.queue.retention import apply_retention
from trainer.queue.samplejob import SampleRefused, saved_weights, submit_sample_job
from trainer.queue.samplereq import SampleRequestError
from trainer.queue.types import JobKind, JobResult, JobSpec, JobStatus
from trainer.queue.worker import Worker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))
from engine_helpers import draw_dataset, fast_config

OWNER, OTHER = 11, 22


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """A finished 4-step tiny SD1.5 run with checkpoints at steps 2 and 4 (trained in this process)."""
    import torch

    from trainer.engine.train import train
    from trainer.models.tiny import build_tiny_pipeline

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("queue-sample")
    model = build_tiny_pipeline(root / "model", "sd15", "diffusers", seed=0)
    data = draw_dataset(root / "data", 4)
    run = root / "run"
    run.mkdir()
    cfg = fast_config(model, data, run, save_every_n_steps=2, learning_rate=2e-1, name="shapes")
    cfg.save(run / "config.toml")
    from trainer.engine.events import EventWriter

    assert train(cfg, run, events=EventWriter(run, progress=False)).status == "done"
    torch.set_num_threads(threads)
    return run


async def _finished_job(store, queue_options, run, *, owner=OWNER, job_id="240101-000000-0000aaaa"):
    job_dir = queue_options.jobs_dir / job_id
    shutil.copytree(run, job_dir)
    cfg = load_train_config(job_dir / "config.toml")
    spec = JobSpec(owner_id=owner, config=cfg.to_dict(), job_dir=str(job_dir), name="shapes", job_id=job_id)
    await store.enqueue(spec, queue_options.limits)
    await store.claim("w", 60, queue_options.limits)
    done = [e for e in read_events(job_dir) if e["type"] == "done"][-1]
    result = JobResult(output=str(job_dir / done["output"]), files=tuple(done["files"]))
    return await store.finish(job_id, "w", JobStatus.SUCCEEDED, result)


async def test_refusals_name_the_problem_and_leave_no_folder(store, queue_options, trained_run):
    source = await _finished_job(store, queue_options, trained_run)
    before = set(queue_options.jobs_dir.iterdir())
    with pytest.raises(SampleRefused) as refused:
        await submit_sample_job(store, queue_options, source.id, owner_id=OTHER)
    assert refused.value.reason == "not_owner"
    with pytest.raises(SampleRequestError) as bad:
        await submit_sample_job(store, queue_options, source.id, owner_id=OWNER, strengths=(0.5, 5.0))
    assert bad.value.field == "strengths"
    with pytest.raises(SampleRequestError) as bad:
        await submit_sample_job(store, queue_options, source.id, owner_id=OWNER, checkpoints=(3,))
    assert bad.value.field == "checkpoints" and "2, 4" in str(bad.value)
    with pytest.raises(SampleRequestError):
        await submit_sample_job(
            store, queue_options, source.id, owner_id=OWNER, prompts=[f"p{i}" for i in range(5)]
        )
    queued = await store.enqueue(
        JobSpec(owner_id=OWNER, config={}, job_dir=str(queue_options.jobs_dir / "q"), name="q"),
        queue_options.limits,
    )
    with pytest.raises(SampleRefused) as refused:
        await submit_sample_job(store, queue_options, queued.id, owner_id=OWNER)
    assert refused.value.reason == "not_finished"
    await store.mark_files_deleted(source.id)
    with pytest.raises(SampleRefused) as refused:
        await submit_sample_job(store, queue_options, source.id, owner_id=OWNER)
    assert refused.value.reason == "no_weights"
    assert set(queue_options.jobs_dir.iterdir()) == before


async def test_sample_job_runs_under_the_worker(store, queue_options, trained_run, monkeypatch):
    # The child inherits the worker's environment: one torch thread is faster for tiny models on a
    # shared CPU (docs/training.md, speed notes).
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    source = await _finished_job(store, queue_options, trained_run)
    job = await submit_sample_job(
        store, queue_options, source.id, owner_id=OWNER, prompts=["sks, a blue square"], steps=1
    )
    assert (job.kind, job.source_job_id, job.status) == (JobKind.SAMPLE, source.id, JobStatus.QUEUED)
    assert job.planned_steps and job.planned_steps > 0
    request = json.loads(JobPaths(job.job_dir).sample_request.read_text())
    assert request["source_run"] == source.job_dir and request["strengths"] == [0.6, 0.8, 1.0]
    options = WorkerOptions(
        queue=queue_options,
        lease_seconds=30.0,
        heartbeat_seconds=0.5,
        min_free_disk_gb=0.0,
        poll_seconds=0.1,
        idle_seconds=0.1,
        python=sys.executable,
    )
    handled = await Worker(store, options).run_until_empty()
    assert [j.id for j in handled] == [job.id]
    ended = handled[0]
    assert ended.status == JobStatus.SUCCEEDED, (
        ended.result,
        Path(job.job_dir, "train.log").read_text()[-3000:],
    )
    files = ended.result.files
    assert "samples/grid_p0.png" in files
    assert [f for f in files if f.endswith(".safetensors")] == [
        "output/shapes-step000002.safetensors",
        "output/shapes-step000004.safetensors",
    ]
    assert ended.result.output == str(Path(job.job_dir, "output/shapes-step000004.safetensors"))
    kinds = [e.type for e in await store.events_since(job.id)]
    assert kinds[0] == "queued" and "start" in kinds and "sample" in kinds and kinds[-1] == "succeeded"
    # Progress counted grid cells; the training-speed history (ETAs of training jobs) is untouched.
    assert (ended.progress.step, ended.progress.total) == (6, 6)
    assert await store.step_times() == {}
    # The source job is as it was.
    assert (await store.get_job(source.id)).status == JobStatus.SUCCEEDED


async def test_retention_over_budget_keeps_checkpoint_weights(store, queue_options, trained_run):
    from trainer.engine.checkpoint import list_checkpoints, list_weights

    source = await _finished_job(store, queue_options, trained_run)
    options = dataclasses.replace(queue_options, artifacts_budget_gb=1e-9)
    report = await apply_retention(store, options)
    assert report.checkpoints_removed == [source.id] and report.bytes_freed > 0
    run = Path(source.job_dir)
    # No longer resumable (no optimizer state), but every step's weights are there to sample.
    assert list_checkpoints(run) == []
    assert [s for s, _ in list_weights(run)] == [2, 4]
    assert saved_weights(run) == [2, 4]
    assert sorted(p.name for p in (run / "checkpoints" / "step_000002").iterdir()) == [
        "lora.safetensors",
        "weights_only.json",
    ]


async def test_cli_submit_sample(tmp_path, store, queue_options, trained_run, capsys):
    settings = tmp_path / "loracord.toml"
    settings.write_text(f'[storage]\ndata_dir = "{queue_options.data_dir}"\n')
    source_id = (await _finished_job(store, queue_options, trained_run)).id

    async def cli(*more):
        # `loracord` runs its own event loop: give it a thread, as a shell would give it a process.
        return await asyncio.to_thread(
            main, ["--config", str(settings), "queue", "submit-sample", source_id, *more]
        )

    assert await cli("--user", str(OTHER)) == 2
    assert "belongs to another user" in capsys.readouterr().err
    assert await cli("--user", str(OWNER), "--strengths", "0.5,x") == 2
    assert "0.6,0.8,1.0" in capsys.readouterr().err
    assert await cli("--user", str(OWNER), "--prompt", "sks", "--strengths", "0.7 1", "--json") == 0
    job = json.loads(capsys.readouterr().out)
    assert (job["kind"], job["source_job_id"], job["status"], job["position"]) == (
        "sample",
        source_id,
        "queued",
        1,
    )
    request = json.loads(JobPaths(job["job_dir"]).sample_request.read_text())
    assert (request["prompts"], request["strengths"]) == (["sks"], [0.7, 1.0])


def test_sample_modules_never_import_torch():
    import subprocess

    code = "import sys, trainer.queue.samplejob, trainer.queue.samplereq; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
