"""Validation loss: held-out images only, fixed timesteps and noise (same weights, same value), in the
step and validation events and on the loss curve; training itself is unchanged by it."""

import json
import shutil

import pytest
from engine_helpers import draw_dataset, fast_config

from trainer.engine.errors import TrainingError
from trainer.engine.setup import validate
from trainer.engine.train import train
from trainer.engine.validation import fixed_timesteps
from trainer.job_paths import read_events


def _val(events):
    return [(e["step"], e["val_loss"]) for e in events if e["type"] == "validation"]


def test_split_holds_out_images_that_are_never_trained_on(tiny_model, tmp_path):
    data = draw_dataset(tmp_path / "data", 6)
    cfg = fast_config(tiny_model("sd15"), data, tmp_path / "run", validation_split=0.34)
    setup = validate(cfg, tmp_path / "run")
    train_paths = {it.path for it in setup.train_data.items}
    held = {it.path for it in setup.val_data.items}
    assert len(held) == 2 and len(train_paths) == 4 and not train_paths & held
    again = validate(cfg, tmp_path / "run2")
    assert {it.path for it in again.val_data.items} == held  # the pick is seeded
    with pytest.raises(TrainingError) as err:
        validate(
            fast_config(tiny_model("sd15"), data, tmp_path / "r3", validation_split=0.05), tmp_path / "r3"
        )
    assert err.value.field == "validation_split"


@pytest.mark.slow
def test_validation_loss_in_events_and_training_left_alone(tiny_model, tmp_path):
    data = draw_dataset(tmp_path / "data", 4)
    held = draw_dataset(tmp_path / "held", 2, seed=5)
    common = dict(max_train_steps=4, learning_rate=5e-2)
    runs = {}
    for name, extra in [
        ("plain", {}),
        ("a", {"validation_data_dir": str(held), "validate_every_n_steps": 2}),
    ]:
        out = tmp_path / name
        assert train(fast_config(tiny_model("sd15"), data, out, **common, **extra), out).status == "done"
        runs[name] = read_events(out)
    steps = lambda ev: [(e["step"], e["loss"]) for e in ev if e["type"] == "step"]  # noqa: E731
    assert steps(runs["plain"]) == steps(runs["a"])  # validation draws nothing from the run's generators
    val_a = _val(runs["a"])
    assert [s for s, _ in val_a] == [2, 4]
    assert val_a[0][1] != val_a[1][1]  # the LoRA moved between the two
    step_events = {e["step"]: e for e in runs["a"] if e["type"] == "step"}
    assert step_events[2]["val_loss"] == val_a[0][1] and "val_loss" not in step_events[1]
    assert all(e["images"] == 2 for e in runs["a"] if e["type"] == "validation")
    assert (tmp_path / "a" / "output" / "loss_curve.png").is_file()
    written = json.loads((tmp_path / "a" / "validation.json").read_text(encoding="utf-8"))
    assert [tuple(p) for p in written["curve"]] == val_a  # what the bot's progress message reads


def test_validation_measures_the_held_out_images_deterministically(tiny_model, tmp_path):
    """Same weights and images: the same value, every time; another held-out folder: another value."""
    import torch

    from trainer.engine.cache import TextSource
    from trainer.engine.data import scan_dataset
    from trainer.engine.loop import LossSettings
    from trainer.engine.validation import build_validator, validation_loss
    from trainer.models.load import load_base

    model = load_base(tiny_model("sd15"))
    text = TextSource(model.text_encoders, model.tokenizers, "sd15", 1)
    cfg = fast_config(tiny_model("sd15"), tmp_path, tmp_path / "run")
    settings = LossSettings(model.prediction_type, 0.0, 0.0, "sd15")

    def measure(folder):
        held = scan_dataset(tmp_path / folder)
        validator = build_validator(cfg, held, model, text, lambda it: (64, 64), 1)
        return validation_loss(
            validator, model.unet, model.noise_scheduler, text, settings, torch.device("cpu")
        )

    draw_dataset(tmp_path / "one", 2, seed=5)
    draw_dataset(tmp_path / "other", 2, seed=9)
    first = measure("one")
    assert measure("one") == first  # fixed timesteps and noise
    shutil.copytree(tmp_path / "one", tmp_path / "copy")
    assert measure("copy") == first
    assert measure("other") != first


def test_fixed_timesteps_as_sd_scripts():
    assert fixed_timesteps(0, 1000) == [200, 400, 600, 800]
