"""`limits.max_running_jobs_per_guild`: its default, validation, environment override and round trip,
and that the queue really receives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings, SettingsError, load_settings, render_example_toml
from trainer.queue.options import QueueLimits, QueueOptions


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    # A loracord.toml in the directory pytest runs from must not leak into these tests.
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "loracord.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_is_two_and_the_example_documents_it():
    assert Settings().limits.max_running_jobs_per_guild == 2
    example = render_example_toml()
    assert "LORACORD__LIMITS__MAX_RUNNING_JOBS_PER_GUILD" in example
    assert "\nmax_running_jobs_per_guild = 2\n" in example


def test_file_value_reaches_the_queue_limits_and_round_trips(tmp_path):
    settings = load_settings(write(tmp_path, "[limits]\nmax_running_jobs_per_guild = 3\n"), environ={})
    assert settings.limits.max_running_jobs_per_guild == 3
    assert QueueLimits.from_settings(settings).max_running_jobs_per_guild == 3
    assert QueueOptions.from_settings(settings).limits.max_running_jobs_per_guild == 3
    saved = tmp_path / "saved.toml"
    saved.write_text(settings.to_toml())
    assert load_settings(saved, environ={}) == settings


def test_environment_overrides_the_file(tmp_path):
    path = write(tmp_path, "[limits]\nmax_running_jobs_per_guild = 3\n")
    settings = load_settings(path, environ={"LORACORD__LIMITS__MAX_RUNNING_JOBS_PER_GUILD": "5"})
    assert settings.limits.max_running_jobs_per_guild == 5


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", "at least 1"), ("-1", "at least 1"), ("1.5", "a whole number"), ("'two'", "a whole number")],
)
def test_bad_values_are_refused_naming_the_key(tmp_path, value, expected):
    path = write(tmp_path, f"[limits]\nmax_running_jobs_per_guild = {value}\n")
    with pytest.raises(SettingsError) as err:
        load_settings(path, environ={})
    assert "limits.max_running_jobs_per_guild" in str(err.value)
    assert expected in str(err.value)
