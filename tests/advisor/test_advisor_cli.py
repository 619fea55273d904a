"""`loracord suggest`, `ask`, `diagnose` through the real console-script entry point."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cli.main import main
from config.training import load_train_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ds") / "my cat"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(20):
        # Smooth gradients plus a little noise: sharp enough, not identical.
        y, x = np.mgrid[0:320, 0:256]
        img = np.stack([(x + i * 9) % 256, (y + i * 5) % 256, (x + y) % 256], -1).astype(np.uint8)
        img = np.clip(img + rng.integers(0, 8, img.shape), 0, 255).astype(np.uint8)
        Image.fromarray(img).save(folder / f"cat_{i:02d}.png")
        (folder / f"cat_{i:02d}.txt").write_text(f"sks_cat, a cat, {'garden' if i % 2 else 'sofa'}, sitting")
    return folder


def test_suggest_prints_a_loadable_config_with_reasons(dataset, tmp_path, capsys):
    out = tmp_path / "suggested.toml"
    rc = main(
        ["suggest", str(dataset), "--kind", "character", "--base", "sdxl", "--vram", "8", "--out", str(out)]
    )
    assert rc == 0
    printed = capsys.readouterr().out
    assert printed == out.read_text(encoding="utf-8")
    data = tomllib.loads(printed)
    assert data["train_batch_size"] == 1 and data["model_arch"] == "sdxl"
    assert data["trigger_word"] == "sks_cat" and data["name"] == "my_cat"
    config = load_train_config(out)
    assert config.data_dir == str(dataset.resolve())
    assert "guide: batch 1/2/4 by VRAM; 8 GB with sdxl fits 1" in printed


def test_suggest_in_korean_and_refuses_a_missing_folder(dataset, tmp_path, capsys):
    assert main(["suggest", str(dataset), "--vram", "12", "--lang", "ko"]) == 0
    assert "가이드" in capsys.readouterr().out
    assert main(["suggest", str(tmp_path / "nope")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_suggest_empty_folder_says_what_to_do(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["suggest", str(tmp_path / "empty")]) == 2
    assert "no images" in capsys.readouterr().err


def test_ask_no_llm_json(capsys):
    assert main(["ask", "캡션 확장자가 .caption인데 캡션이 무시돼요", "--no-llm", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["lang"] == "ko" and answer["source"] == "rules"
    assert "captions.extension_mismatch" in answer["rule_ids"]


def test_diagnose_run_folder_writes_a_retry_config(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.toml").write_text("train_batch_size = 4\nmax_train_steps = 2000\n", encoding="utf-8")
    (run / "events.jsonl").write_text(
        '{"type": "start", "total": 2000, "arch": "sd15", "num_images": 30}\n'
        '{"type": "error", "kind": "oom", "message": "CUDA out of memory. Tried to allocate 1 GiB"}\n',
        encoding="utf-8",
    )
    # A killed writer can leave a torn, non-UTF-8 tail: still readable.
    (run / "train.log").write_bytes(b"step 10 loss 0.1\n\xff\xfe torn")
    retry = tmp_path / "retry.toml"
    assert main(["diagnose", str(run), "--write-retry", str(retry)]) == 0
    out = capsys.readouterr().out
    assert "Cause: The GPU ran out of memory" in out and "train_batch_size: 4 -> 2" in out
    assert load_train_config(retry).train_batch_size == 2


def test_diagnose_log_with_broken_config_and_unknown_log(tmp_path, capsys):
    log = tmp_path / "train.log"
    log.write_text("all fine until\nSegmentation fault\n", encoding="utf-8")
    assert main(["diagnose", str(log), "--lang", "ko"]) == 1
    assert "원인:" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text('lr_scheduler = "cosine_annealing"\n', encoding="utf-8")
    assert main(["diagnose", str(log), "--config", str(bad)]) == 0
    assert "lr_scheduler" in capsys.readouterr().out
    assert main(["diagnose", str(tmp_path / "missing.log")]) == 2


def test_console_script_runs_in_a_subprocess(tmp_path):
    log = tmp_path / "train.log"
    log.write_text("OSError: [Errno 28] No space left on device\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cli", "diagnose", str(log)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "disk is full" in done.stdout
