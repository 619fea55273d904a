"""Caching and resuming change nothing in the result; STOP, SAMPLE_NOW and NaN behave as documented."""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
import torch
from engine_helpers import draw_dataset, fast_config
from safetensors.torch import load_file

from trainer.engine.checkpoint import list_checkpoints
from trainer.engine.errors import TrainingError
from trainer.engine.train import train
from trainer.job_paths import read_events
from trainer.run import job_dir_main


def _step_losses(run):
    return [e["loss"] for e in read_events(run) if e["type"] == "step"]


def test_cached_and_uncached_runs_give_the_same_loss(tiny_model, dataset, tmp_path):
    model = tiny_model("sd15")
    common = dict(max_train_steps=2, caption_dropout_rate=0.3)
    cached = fast_config(model, dataset, tmp_path / "a", **common)
    disk = fast_config(model, dataset, tmp_path / "b", cache_latents_to="disk", **common)
    uncached = fast_config(
        model, dataset, tmp_path / "c", cache_latents=False, cache_text_encoder_outputs=False, **common
    )
    for cfg in (cached, disk, uncached):
        train(cfg, cfg.output_dir)
    a, b, c = (_step_losses(cfg.output_dir) for cfg in (cached, disk, uncached))
    assert a[0] == pytest.approx(c[0], rel=1e-6) and a[0] == pytest.approx(b[0], rel=1e-6)
    assert a[1] == pytest.approx(c[1], rel=1e-5)
    # Same seed, same start (PEFT's initial A matrices come from the seeded global RNG), same end.
    wa, wc = (
        load_file(str(tmp_path / run / "checkpoints" / "step_000002" / "lora.safetensors")) for run in "ac"
    )
    assert all(torch.allclose(wa[k], wc[k], rtol=1e-4, atol=1e-7) for k in wa)
    assert any((tmp_path / "b" / "cache" / "latents").glob("*.safetensors"))


def test_resumed_run_ends_with_the_same_weights(tiny_model, tmp_path):
    # Two epochs of 3 batches with accumulation, shuffled/dropped captions, noise offset and min-SNR:
    # everything random must continue exactly where the checkpoint left it.
    data = draw_dataset(tmp_path / "data", 5)
    settings = dict(
        max_train_steps=6,
        save_every_n_steps=3,
        keep_checkpoints=5,
        gradient_accumulation_steps=2,
        shuffle_caption=True,
        caption_dropout_rate=0.2,
        noise_offset=0.05,
        min_snr_gamma=5.0,
        lr_scheduler="cosine",
        lr_warmup_steps=2,
    )
    full = fast_config(tiny_model("sd15"), data, tmp_path / "full", **settings)
    train(full, tmp_path / "full")

    part = tmp_path / "part"
    shutil.copytree(tmp_path / "full", part)
    for step, path in list_checkpoints(part):
        if step > 3:
            shutil.rmtree(path)
    shutil.rmtree(part / "output")
    result = train(full.replace(output_dir=str(part)), part)
    start = [e for e in read_events(part) if e["type"] == "start"][-1]
    assert start["resumed_from"] == 3 and result.step == 6

    expected = load_file(str(tmp_path / "full" / "checkpoints" / "step_000006" / "lora.safetensors"))
    got = load_file(str(part / "checkpoints" / "step_000006" / "lora.safetensors"))
    assert expected.keys() == got.keys()
    assert all((expected[k] == got[k]).all() for k in expected)
    assert _step_losses(part)[-3:] == _step_losses(tmp_path / "full")[-3:]


def test_keep_checkpoints_prunes_the_oldest(tiny_model, dataset, tmp_path):
    cfg = fast_config(
        tiny_model("sd15"),
        dataset,
        tmp_path / "run",
        max_train_steps=4,
        save_every_n_steps=1,
        keep_checkpoints=2,
    )
    train(cfg, tmp_path / "run")
    assert [s for s, _ in list_checkpoints(tmp_path / "run")] == [3, 4]


def test_sample_now_flag_is_served_and_removed(tiny_model, dataset, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "SAMPLE_NOW").touch()
    train(fast_config(tiny_model("sd15"), dataset, run, max_train_steps=2), run)
    assert [e["step"] for e in read_events(run) if e["type"] == "sample"] == [0, 1, 2]
    assert not (run / "SAMPLE_NOW").exists()
    assert (run / "samples" / "step_000001_grid.png").is_file()


def test_nan_loss_stops_with_the_causes(tiny_model, dataset, tmp_path):
    run = tmp_path / "run"
    cfg = fast_config(
        tiny_model("sd15"), dataset, run, max_train_steps=30, learning_rate=1e30, max_grad_norm=0.0
    )
    cfg.save(run / "config.toml")
    assert job_dir_main(run, progress=False) == 1
    error = read_events(run)[-1]
    assert error["type"] == "error" and error["kind"] == "nan" and "learning rate" in error["message"]
    with pytest.raises(TrainingError, match="loss became"):
        train(cfg, tmp_path / "again")


def test_stop_flag_then_resume_through_the_child_process(tiny_model, dataset, tmp_path):
    run = tmp_path / "run"
    cfg = fast_config(tiny_model("sd15"), dataset, run, max_train_steps=400)
    cfg.save(run / "config.toml")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # see conftest: one thread is faster on shared cores
    child = subprocess.Popen(
        [sys.executable, "-m", "trainer.run", str(run)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 300
    while not any(e["type"] == "step" for e in read_events(run)):
        assert child.poll() is None, child.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    (run / "STOP").touch()
    assert child.wait(timeout=300) == 3
    stopped = read_events(run)[-1]
    assert stopped["type"] == "stopped" and 0 < stopped["step"] < 400
    assert list_checkpoints(run)[-1][0] == stopped["step"]
    assert not (run / "output").exists()

    # The stop request stays in force until withdrawn; then the same command resumes and finishes.
    assert job_dir_main(run, progress=False) == 3
    (run / "STOP").unlink()
    cfg.replace(max_train_steps=stopped["step"] + 2).save(run / "config.toml")
    assert job_dir_main(run, progress=False) == 0
    events = read_events(run)
    assert [e for e in events if e["type"] == "start"][-1]["resumed_from"] == stopped["step"]
    assert events[-1]["type"] == "done" and events[-1]["step"] == stopped["step"] + 2
    assert json.loads((run / "events.jsonl").read_text().splitlines()[0])["type"] == "start"
