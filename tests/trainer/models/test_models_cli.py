"""`loracord make-tiny-model` through the real console-script entry point."""

from __future__ import annotations

import json

from cli.main import main
from trainer.models.load import detect_arch


def test_make_tiny_model_diffusers(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no loracord.toml here: default settings
    out = tmp_path / "tiny-sd2"
    assert main(["make-tiny-model", str(out), "--arch", "sd2", "--seed", "3"]) == 0
    assert f"written to {out}" in capsys.readouterr().out
    assert (
        json.loads((out / "model_index.json").read_text(encoding="utf-8"))["_class_name"]
        == "StableDiffusionPipeline"
    )
    assert detect_arch(out) == "sd2"


def test_make_tiny_model_single_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["make-tiny-model", str(tmp_path), "--arch", "sdxl", "--format", "single-file"]) == 0
    printed = capsys.readouterr().out
    file = tmp_path / "tiny-sdxl.safetensors"
    assert file.is_file() and (tmp_path / "tiny-sdxl.config" / "model_index.json").is_file()
    assert str(file) in printed and "tiny-sdxl.config" in printed
    assert detect_arch(file) == "sdxl"


def test_refuses_to_replace_a_folder_that_is_not_a_model(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "cat.png").write_bytes(b"png")
    assert main(["make-tiny-model", str(photos), "--arch", "sd15"]) == 2
    assert "is not a model folder" in capsys.readouterr().err
    assert (photos / "cat.png").exists()
