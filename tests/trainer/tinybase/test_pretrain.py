"""The pre-training script writes a complete diffusers base that loads and draws, and is deterministic
for a seed; the real run (thousands of steps) is the committed base, checked in test_base.py."""

import json

import pytest
from safetensors.torch import load_file

from cli.main import main
from trainer.tinybase import base
from trainer.tinybase.pretrain import PretrainConfig, pretrain

SMOKE = dict(num_images=64, vae_steps=3, unet_steps=3, vae_batch=4, unet_batch=8, warmup_steps=1)


def test_a_short_pretraining_writes_a_loadable_deterministic_base(tmp_path):
    report = pretrain(tmp_path / "a", PretrainConfig(seed=1, **SMOKE))
    pretrain(tmp_path / "b", PretrainConfig(seed=1, **SMOKE))
    assert json.loads((tmp_path / "a" / "pretrain.json").read_text())["config"]["seed"] == 1
    assert report["config"]["held_out_shapes"] == ("star",)
    for part in ("unet", "vae", "text_encoder"):
        (a_file,) = (tmp_path / "a" / part).glob("*.safetensors")
        a, b = load_file(a_file), load_file(tmp_path / "b" / part / a_file.name)
        assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    pipe = base.load_pipeline(tmp_path / "a")
    images = base.generate(pipe, "a red circle on a white background", seeds=[0, 1], steps=2)
    assert [im.size for im in images] == [(64, 64), (64, 64)]


@pytest.mark.parametrize("extra", [["--arch", "sdxl"], ["--format", "single-file"]])
def test_pretrain_refuses_other_architectures(tmp_path, extra, capsys):
    assert main(["make-tiny-model", str(tmp_path / "x"), "--pretrain", "shapes", *extra]) == 2
    assert "SD1.x" in capsys.readouterr().err


def test_pretrain_refuses_a_folder_in_use(tmp_path, capsys):
    (tmp_path / "photo.png").write_bytes(b"not yours")
    assert main(["make-tiny-model", str(tmp_path), "--pretrain", "shapes"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "photo.png").read_bytes() == b"not yours"
