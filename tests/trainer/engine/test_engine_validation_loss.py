"""Validation loss: held-out images only, fixed timesteps and noise (same weights, same value), in the
step and validation events and on the loss curve; training itself is unchanged by it."""

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
        validate(fast_config(tiny_model("sd15"), data, tmp_path / "r3", validation_split=0.05), tmp_path / "r3")
    assert err.value.field == "validation_split"


def test_validation_loss_is_deterministic_and_leaves_training_alone(tiny_model, tmp_path):
    data = draw_dataset(tmp_path / "data", 4)
    held = draw_dataset(tmp_path / "held", 2, seed=5)
    common = dict(max_train_steps=4, learning_rate=5e-2)
    runs = {}
    for name, extra in [
        ("plain", {}),
        ("a", {"validation_data_dir": str(held), "validate_every_n_steps": 2}),
        ("b", {"validation_data_dir": str(held), "validate_every_n_steps": 2}),
    ]:
        out = tmp_path / name
        assert train(fast_config(tiny_model("sd15"), data, out, **common, **extra), out).status == "done"
        runs[name] = read_events(out)
    steps = lambda ev: [(e["step"], e["loss"]) for e in ev if e["type"] == "step"]  # noqa: E731
    assert steps(runs["plain"]) == steps(runs["a"])  # validation draws nothing from the run's generators
    val_a, val_b = _val(runs["a"]), _val(runs["b"])
    assert [s for s, _ in val_a] == [2, 4] and val_a == val_b  # same weights, same value
    assert val_a[0][1] != val_a[1][1]  # the LoRA moved between the two
    step_events = {e["step"]: e for e in runs["a"] if e["type"] == "step"}
    assert step_events[2]["val_loss"] == val_a[0][1] and "val_loss" not in step_events[1]
    assert all(e["images"] == 2 for e in runs["a"] if e["type"] == "validation")
    assert (tmp_path / "a" / "output" / "loss_curve.png").is_file()


def test_validation_measures_the_held_out_images(tiny_model, tmp_path):
    """Another held-out folder gives another value; the same folder copied gives the same."""
    data = draw_dataset(tmp_path / "data", 4)
    one = draw_dataset(tmp_path / "one", 2, seed=5)
    two = draw_dataset(tmp_path / "two", 2, seed=9)
    shutil.copytree(one, tmp_path / "copy")
    values = {}
    for name in ("one", "two", "copy"):
        out = tmp_path / f"run-{name}"
        cfg = fast_config(
            tiny_model("sd15"), data, out, max_train_steps=2, validation_data_dir=str(tmp_path / name)
        )
        train(cfg, out)
        values[name] = _val(read_events(out))
    assert values["one"] == values["copy"] and values["one"] != values["two"]
    assert two.is_dir()


def test_fixed_timesteps_as_sd_scripts():
    assert fixed_timesteps(0, 1000) == [200, 400, 600, 800]
