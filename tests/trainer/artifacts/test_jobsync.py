"""A job folder across hosts that share only the artifact store (local folder and real S3)."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w

from trainer.artifacts.backends import open_artifacts
from trainer.artifacts.cache import InputCache
from trainer.artifacts.jobsync import CheckpointUploader, materialize_job, publish_job, upload_results
from trainer.artifacts.local import LocalArtifacts


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalArtifacts(tmp_path / "shared")
    return open_artifacts(request.getfixturevalue("s3_options"))


def _submitted_job(root, job_id="j1"):
    job = root / "jobs" / job_id
    (job / "dataset").mkdir(parents=True)
    for i in range(3):
        (job / "dataset" / f"{i}.png").write_bytes(b"png" * (i + 1))
        (job / "dataset" / f"{i}.txt").write_text("sks cat")
    (job / "dataset" / "dup.png").write_bytes(b"png")  # same content as 0.png: stored once
    config = {"name": "cat", "data_dir": str(job / "dataset"), "output_dir": str(job), "max_train_steps": 4}
    (job / "config.toml").write_text(tomli_w.dumps(config))
    (job / "train.log").write_text("not an input")
    return job


def test_a_job_published_on_one_host_runs_and_resumes_on_others(store, tmp_path):
    job_a = _submitted_job(tmp_path / "host_a")
    files = publish_job(store, job_a, "j1")
    assert "train.log" not in files and files["dataset/dup.png"] == files["dataset/0.png"]
    assert len(store.list_keys("blobs/")) == 5  # 3 images (+1 duplicate), 3 equal captions, the config

    cache_b = InputCache(tmp_path / "host_b" / "cache", max_bytes=10**9)
    job_b = materialize_job(store, cache_b, "j1", tmp_path / "host_b" / "jobs")
    assert (job_b / "dataset" / "2.png").read_bytes() == b"pngpngpng"
    config = tomllib.loads((job_b / "config.toml").read_text())
    assert config["data_dir"] == str(job_b / "dataset") and config["output_dir"] == str(job_b)
    assert tomllib.loads((job_a / "config.toml").read_text())["data_dir"] == str(job_a / "dataset")

    uploader = CheckpointUploader(store, "j1", job_b)
    done = job_b / "checkpoints" / "step_000002"
    done.mkdir(parents=True)
    (done / "lora.safetensors").write_bytes(b"weights at 2")
    (done / "state.json").write_text('{"step": 2}')
    partial = job_b / "checkpoints" / "step_000004"  # being written when host B died
    partial.mkdir()
    (partial / "lora.safetensors").write_bytes(b"half")
    assert uploader.sync() == ["step_000002"] and uploader.sync() == []

    cache_c = InputCache(tmp_path / "host_c" / "cache", max_bytes=10**9)
    job_c = materialize_job(store, cache_c, "j1", tmp_path / "host_c" / "jobs")
    assert (job_c / "checkpoints" / "step_000002" / "lora.safetensors").read_bytes() == b"weights at 2"
    assert not (job_c / "checkpoints" / "step_000004").exists()  # incomplete: never resumed from

    (job_c / "output").mkdir()
    (job_c / "output" / "cat.safetensors").write_bytes(b"final")
    (job_c / "events.jsonl").write_text('{"type": "done"}\n')
    keys = upload_results(store, "j1", job_c)
    assert "jobs/j1/output/cat.safetensors" in keys and "jobs/j1/events.jsonl" in keys


def test_the_submitting_host_fetches_a_finished_jobs_results(store, tmp_path):
    from trainer.artifacts.jobsync import download_results

    worker_dir = tmp_path / "worker" / "jobs" / "j2"
    (worker_dir / "output").mkdir(parents=True)
    (worker_dir / "output" / "cat.safetensors").write_bytes(b"lora")
    (worker_dir / "samples").mkdir()
    (worker_dir / "samples" / "step_000004_grid.png").write_bytes(b"grid")
    (worker_dir / "events.jsonl").write_text('{"type": "done"}\n')
    upload_results(store, "j2", worker_dir)
    store.put_bytes("jobs/j2/checkpoints/step_000004/lora.safetensors", b"ckpt")  # not a result

    bot_dir = _submitted_job(tmp_path / "bot", "j2")
    (bot_dir / "output").mkdir()
    (bot_dir / "output" / "cat.safetensors").write_bytes(b"kept")  # a file it has stays as it is
    got = download_results(store, "j2", bot_dir)
    assert sorted(p.relative_to(bot_dir).as_posix() for p in got) == [
        "events.jsonl",
        "samples/step_000004_grid.png",
    ]
    assert (bot_dir / "output" / "cat.safetensors").read_bytes() == b"kept"
    assert not (bot_dir / "checkpoints").exists()
    assert download_results(store, "j2", bot_dir) == []
