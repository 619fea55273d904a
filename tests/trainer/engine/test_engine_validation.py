"""Bad configs fail before any work, with a message naming the field."""

import json
import sys

import pytest
from engine_helpers import fast_config

from cli.main import main as loracord
from config.training import ConfigError, from_dict
from trainer.engine.errors import TrainingError
from trainer.engine.setup import validate
from trainer.run import job_dir_main


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"learning_rat": 1e-4}, "learning_rat"),  # unknown key (with a did-you-mean)
        ({"network_dim": 0}, "network_dim"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"unet_lr": -1e-4}, "unet_lr"),
        ({"resolution": 500}, "resolution"),
    ],
)
def test_field_errors_name_the_field(changes, field):
    with pytest.raises(ConfigError) as err:
        from_dict({"pretrained_model": "x", "data_dir": "y", **changes})
    assert err.value.field == field


def test_unknown_key_suggests_the_right_one():
    with pytest.raises(ConfigError, match="did you mean 'learning_rate'"):
        from_dict({"learning_rat": 1e-4})


def test_dataset_and_model_errors(tiny_model, dataset, tmp_path):
    model = tiny_model("sd15")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no images here")
    cases = [
        ({"data_dir": str(tmp_path / "missing")}, "data_dir", "does not exist"),
        ({"data_dir": str(tmp_path / "empty")}, "data_dir", "no usable images"),
        ({"model_arch": "sdxl"}, "model_arch", "is an sd15 model"),
        ({"pretrained_model": str(tmp_path / "nope")}, "pretrained_model", "does not exist"),
        ({"mixed_precision": "fp16"}, "mixed_precision", "NVIDIA GPU"),
        ({"optimizer": "adamw8bit"}, "optimizer", "adamw8bit"),
        (
            {"regularization": True, "reg_data_dir": str(tmp_path / "nothing")},
            "reg_data_dir",
            "does not exist",
        ),
    ]
    for changes, field, words in cases:
        cfg = fast_config(model, dataset, tmp_path / "run", **changes)
        with pytest.raises(TrainingError) as err:
            validate(cfg, tmp_path / "run")
        assert err.value.field == field, changes
        assert words in str(err.value), (changes, str(err.value))


def test_trainer_run_reports_bad_config_as_error_event_without_work(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.toml").write_text('pretrained_model = "m"\ndata_dir = "d"\nnetwork_dim = 0\n')
    assert job_dir_main(run, progress=False) == 1
    (event,) = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    assert event["type"] == "error" and event["kind"] == "config" and event["field"] == "network_dim"
    assert sorted(p.name for p in run.iterdir()) == ["config.toml", "events.jsonl"]


def test_cli_refuses_bad_flags_before_writing_anything(tiny_model, tmp_path, capsys):
    out = tmp_path / "run"
    code = loracord(
        [
            "train",
            "--model",
            str(tiny_model("sd15")),
            "--data",
            str(tmp_path / "missing"),
            "--out",
            str(out),
            "--steps",
            "5",
        ]
    )
    assert code == 2
    assert "data_dir" in capsys.readouterr().err
    assert not (out / "config.toml").exists()
    code = loracord(["train", "--model", "x", "--data", "y", "--out", str(out), "--resolution", "100"])
    assert code == 2 and "resolution" in capsys.readouterr().err


def test_help_config_lists_every_field(capsys):
    assert loracord(["train", "--help-config"]) == 0
    text = capsys.readouterr().out
    for name in ("network_dim", "min_snr_gamma", "cache_latents_to", "prior_loss_weight"):
        assert f"\n{name} = " in text or text.startswith(f"{name} = ")


def test_engine_is_not_imported_by_the_command_line_registration():
    # `loracord --help` must stay instant: registering `train` may not import torch.
    code = (
        "import sys, argparse; import cli.train as c; c.register(argparse.ArgumentParser().add_subparsers()); "
        "print('torch' in sys.modules)"
    )
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_resume_and_refusal_to_overwrite_a_run(tiny_model, dataset, tmp_path, capsys):
    out = tmp_path / "run"
    args = [
        "train",
        "--model",
        str(tiny_model("sd15")),
        "--data",
        str(dataset),
        "--out",
        str(out),
        "--steps",
        "2",
        "--resolution",
        "64",
        "--rank",
        "4",
        "--set",
        "sample_steps=1",
    ]
    assert loracord(args) == 0
    assert loracord(args) == 2
    assert "--resume" in capsys.readouterr().err
    assert loracord(["train", "--out", str(out), "--resume", "--steps", "9"]) == 2
    (out / "STOP").touch()  # asking to resume withdraws an old stop request
    assert loracord(["train", "--out", str(out), "--resume"]) == 0
    starts = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    assert [e["resumed_from"] for e in starts if e["type"] == "start"] == [0, 2]
    assert starts[-1]["type"] == "done" and not (out / "STOP").exists()


def test_flags_override_the_file_which_overrides_the_preset(tmp_path, monkeypatch):
    from cli.main import build_parser
    from cli.train import _overrides
    from config.training import load_train_config

    monkeypatch.chdir(tmp_path)
    (tmp_path / "imgs").mkdir()
    config = tmp_path / "my.toml"
    config.write_text('preset = "sd15-character"\nlearning_rate = 0.001\nnetwork_dim = 8\n')
    args = build_parser().parse_args(
        ["train", str(config), "--rank", "4", "--set", "seed=5", "--data", "imgs"]
    )
    cfg = load_train_config(args.config_file, args.preset, _overrides(args))
    assert cfg.network_dim == 4  # flag beats file
    assert cfg.learning_rate == 0.001  # file beats preset (1e-4)
    assert cfg.seed == 5
    assert cfg.regularization is True and cfg.model_arch == "sd15"  # from the preset
    assert cfg.data_dir == str(tmp_path / "imgs")  # flag paths are made absolute for the frozen copy
