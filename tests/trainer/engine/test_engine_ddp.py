"""One job on several processes (train.num_processes, trainer/engine/ddp.py), on the CPU with gloo.

A 2-process run with batch 1 has the same global batch (2) as a 1-process run with batch 1 and
2 accumulation steps; every rank draws the noise of both batches, so the two runs must agree: the
loss curve within 1e-5 relative and the LoRA within 1e-6 absolute (measured: identical, 0.0).
"""

import json

import pytest
import torch
from engine_helpers import draw_dataset, fast_config
from safetensors import safe_open
from safetensors.torch import load_file

from config.training import ConfigError, TrainConfig
from trainer.engine import ddp
from trainer.job_paths import read_events
from trainer.run import job_dir_main


def _run(model, data, job_dir, steps=4, **changes):
    job_dir.mkdir(exist_ok=True)
    cfg = fast_config(model, data, job_dir, max_train_steps=steps, save_every_n_steps=2, **changes)
    cfg.save(job_dir / "config.toml")
    assert job_dir_main(job_dir, progress=False) == 0, (job_dir / "train.log").read_text()[-2000:]
    return read_events(job_dir)


@pytest.fixture(scope="module")
def one_and_two(tiny_model, tmp_path_factory):
    root = tmp_path_factory.mktemp("ddp")
    data = draw_dataset(root / "data", 6)
    model = tiny_model("sd15")
    one = _run(model, data, root / "one", train_batch_size=1, gradient_accumulation_steps=2)
    two = _run(model, data, root / "two", train_batch_size=1, num_processes=2)
    return (root / "one", one), (root / "two", two)


def _losses(events):
    return [e["loss"] for e in events if e["type"] == "step"]


def _output(job_dir, events):
    done = [e for e in events if e["type"] == "done"][-1]
    return job_dir / done["output"]


@pytest.mark.slow
def test_two_processes_train_like_one_with_the_same_global_batch(one_and_two):
    (dir1, ev1), (dir2, ev2) = one_and_two
    assert _losses(ev2) == pytest.approx(_losses(ev1), rel=1e-5)
    w1, w2 = load_file(str(_output(dir1, ev1))), load_file(str(_output(dir2, ev2)))
    assert w1.keys() == w2.keys()
    assert all(torch.allclose(w1[k], w2[k], rtol=0, atol=1e-6) for k in w1)
    assert any(float(w.abs().max()) > 1e-3 for w in w2.values())  # it did train
    with safe_open(str(_output(dir2, ev2)), "pt") as fh:
        meta = fh.metadata()
    assert json.loads(meta["ss_total_batch_size"]) == 2
    assert json.loads(meta["ss_batch_size_per_device"]) == 1
    assert json.loads(meta["ss_steps"]) == 4


@pytest.mark.slow
def test_only_the_main_process_reports_and_saves(one_and_two):
    _, (dir2, events) = one_and_two
    kinds = [e["type"] for e in events]
    assert [e["step"] for e in events if e["type"] == "step"] == [1, 2, 3, 4]
    assert kinds.count("start") == 1 and kinds.count("done") == 1
    assert [e["step"] for e in events if e["type"] == "checkpoint"] == [2, 4]
    assert [e["step"] for e in events if e["type"] == "sample"] == [0, 4]
    assert "error" not in kinds
    assert sorted(p.name for p in (dir2 / "checkpoints").iterdir()) == ["step_000002", "step_000004"]
    assert not list((dir2 / "checkpoints").glob("*.tmp"))


@pytest.mark.slow
def test_a_two_process_run_resumes_from_its_checkpoint(one_and_two, tiny_model, tmp_path):
    (dir1, ev1), _ = one_and_two
    job_dir, model = tmp_path / "resumed", tiny_model("sd15")
    _run(model, dir1.parent / "data", job_dir, steps=2, train_batch_size=1, num_processes=2)
    events = _run(model, dir1.parent / "data", job_dir, train_batch_size=1, num_processes=2)
    start = [e for e in events if e["type"] == "start"][-1]
    assert start["resumed_from"] == 2
    assert _losses(events) == pytest.approx(_losses(ev1), rel=1e-5)  # steps 1-2, then 3-4 resumed
    w1, w2 = load_file(str(_output(dir1, ev1))), load_file(str(_output(job_dir, events)))
    assert all(torch.allclose(w1[k], w2[k], rtol=0, atol=1e-6) for k in w1)


def test_num_processes_below_one_is_refused(tmp_path):
    with pytest.raises(ConfigError) as err:
        TrainConfig(pretrained_model="m", data_dir=str(tmp_path), num_processes=0)
    assert "num_processes" in str(err.value)


def test_more_processes_than_gpus_is_refused_before_launching(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(ddp, "launch_ranks", lambda *a: pytest.fail("must not launch"))
    job_dir = tmp_path / "job"
    job_dir.mkdir()
    data = draw_dataset(tmp_path / "data", 2)
    fast_config(tmp_path / "model", data, job_dir, num_processes=2).save(job_dir / "config.toml")
    assert job_dir_main(job_dir, progress=False) == 1
    error = [e for e in read_events(job_dir) if e["type"] == "error"][-1]
    assert error["field"] == "num_processes"
    assert "num_processes = 2" in error["message"] and "1 GPU" in error["message"]
