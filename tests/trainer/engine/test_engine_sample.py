"""`trainer.sample`: checkpoint × strength grids and per-checkpoint files from a real tiny run."""

import shutil

import numpy as np
import pytest
from engine_helpers import fast_config
from PIL import Image

from trainer.engine.sampling import LABEL_HEIGHT, LABEL_WIDTH
from trainer.engine.train import train
from trainer.job_paths import read_events
from trainer.queue.samplereq import SampleRequest
from trainer.sample import sample_dir_main


@pytest.fixture(scope="module")
def finished_run(tiny_model, dataset, tmp_path_factory):
    """A 4-step tiny SD1.5 run that saved checkpoints at steps 2 and 4 (4 is the final LoRA)."""
    import torch

    torch.set_num_threads(1)
    run = tmp_path_factory.mktemp("sample-src") / "run"
    cfg = fast_config(
        tiny_model("sd15"), dataset, run, save_every_n_steps=2, learning_rate=2e-1, name="shapes"
    )
    run.mkdir(parents=True)
    cfg.save(run / "config.toml")
    assert train(cfg, run).status == "done"
    return run


def _sample(job_dir, run, **request):
    job_dir.mkdir(parents=True, exist_ok=True)
    SampleRequest(source_run=str(run), **request).save(job_dir)
    return sample_dir_main(job_dir)


def _cells(grid: Image.Image, rows: int, columns: int, size: int) -> list[list[np.ndarray]]:
    a = np.asarray(grid.convert("RGB"), dtype=np.float32)
    return [
        [
            a[
                LABEL_HEIGHT + r * size : LABEL_HEIGHT + (r + 1) * size,
                LABEL_WIDTH + c * size : LABEL_WIDTH + (c + 1) * size,
            ]
            for c in range(columns)
        ]
        for r in range(rows)
    ]


def test_grid_per_prompt_rows_checkpoints_columns_strengths_and_loadable_files(finished_run, tmp_path):
    job = tmp_path / "job"
    code = _sample(job, finished_run, prompts=("sks, a red circle", "a photo of sks"), steps=1)
    assert code == 0, (job / "events.jsonl").read_text()
    events = read_events(job)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    start = events[0]
    assert start["checkpoints"] == [2, 4] and start["strengths"] == [0.6, 0.8, 1.0] and start["total"] == 6
    samples = [e for e in events if e["type"] == "sample"]
    assert [e["prompts"] for e in samples] == [["sks, a red circle"], ["a photo of sks"]]
    for event in samples:
        grid = Image.open(job / event["grid"])
        assert grid.size == (LABEL_WIDTH + 3 * 64, LABEL_HEIGHT + 2 * 64)
        cells = _cells(grid, 2, 3, 64)
        # The strength changes the picture: every column of a row differs from its neighbour.
        for row in cells:
            assert all(np.abs(row[c] - row[c + 1]).mean() > 0.05 for c in range(2))
            # ... and further from 0.6 at 1.0 than at 0.8.
            assert np.abs(row[0] - row[2]).mean() > np.abs(row[0] - row[1]).mean()
        # Two checkpoints at full strength are different LoRAs.
        assert np.abs(cells[0][2] - cells[1][2]).mean() > 0.05
    done = events[-1]
    loras = [f for f in done["files"] if f.endswith(".safetensors")]
    assert loras == ["output/shapes-step000002.safetensors", "output/shapes-step000004.safetensors"]
    assert done["output"] == loras[-1]

    from diffusers import StableDiffusionPipeline
    from safetensors import safe_open

    with safe_open(str(job / loras[0]), framework="pt") as fh:
        assert fh.metadata()["ss_steps"] == "2"
    pipe = StableDiffusionPipeline.from_pretrained(_model_of(finished_run))
    for name in loras:
        pipe.load_lora_weights(str(job / name), adapter_name=name.split("-")[-1].split(".")[0])
    assert len(pipe.get_list_adapters()["unet"]) == 2


def _model_of(run):
    from config.training import load_train_config

    return load_train_config(run / "config.toml").pretrained_model


def test_run_with_only_the_final_lora(finished_run, tmp_path):
    run = tmp_path / "final-only"
    shutil.copytree(finished_run, run, ignore=shutil.ignore_patterns("checkpoints", "cache"))
    job = tmp_path / "job"
    request = {"prompts": ("a photo of sks",), "strengths": (0.5, 1.0), "steps": 1}
    assert _sample(job, run, **request) == 0, (job / "events.jsonl").read_text()
    events = read_events(job)
    assert events[0]["checkpoints"] == [4]
    done = events[-1]
    # With no checkpoint left the user gets exactly the run's own file.
    assert (job / done["output"]).read_bytes() == (run / "output" / "shapes.safetensors").read_bytes()
    grid = Image.open(job / done["grids"][0])
    assert grid.size == (LABEL_WIDTH + 2 * 64, LABEL_HEIGHT + 64)
    row = _cells(grid, 1, 2, 64)[0]
    assert np.abs(row[0] - row[1]).mean() > 0.05
    # Read back from the kohya file, the weights draw what the fp32 checkpoint draws (up to the
    # file's save precision), at both strengths.
    reference = tmp_path / "from-checkpoint"
    assert _sample(reference, finished_run, checkpoints=(4,), **request) == 0
    ref_row = _cells(Image.open(reference / read_events(reference)[-1]["grids"][0]), 1, 2, 64)[0]
    for c in range(2):
        assert np.abs(row[c] - ref_row[c]).mean() < 0.2 * np.abs(row[0] - row[1]).mean()


def test_bad_requests_fail_with_an_error_event(finished_run, tmp_path):
    job = tmp_path / "missing-step"
    assert _sample(job, finished_run, checkpoints=(3,), steps=1) == 1
    error = read_events(job)[-1]
    assert error["type"] == "error" and error["kind"] == "config" and error["field"] == "checkpoints"
    assert "2, 4" in error["message"]

    job = tmp_path / "gone"
    assert _sample(job, tmp_path / "no-such-run") == 1
    error = read_events(job)[-1]
    assert error["kind"] == "data" and "gone" in error["message"]

    job = tmp_path / "bad-file"
    job.mkdir()
    (job / "sample_request.json").write_text('{"source_run": "x", "strengths": [3]}')
    assert sample_dir_main(job) == 1
    error = read_events(job)[-1]
    assert error["kind"] == "config" and error["field"] == "strengths"


def test_stop_flag_ends_the_job_between_image_sets(finished_run, tmp_path):
    """The worker's polite stop (cancel, timeout, shutdown) reaches a sample job too: exit 3."""
    job = tmp_path / "stopped"
    job.mkdir()
    (job / "STOP").write_text("stop requested by the worker\n")
    assert _sample(job, finished_run, steps=1) == 3
    kinds = [e["type"] for e in read_events(job)]
    assert kinds == ["start", "stopped"]
