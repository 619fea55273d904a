"""Secrets come only from the environment or a file, and never show: not in repr, str, f-strings,
logs, error messages, printed settings or `loracord --help`."""

from __future__ import annotations

import copy
import json
import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from config.secrets import Secret
from config.settings import Settings, SettingsError, load_settings

TOKEN = "MTE4NDk.fake-discord-token.Zq9xK2"
KEY = "k" * 20 + "signing-key-material-0123456789"


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def secret_file(tmp_path: Path, name: str, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_secret_never_prints_its_value():
    s = Secret(TOKEN)
    # Every way Python turns an object into text, on purpose including the old ones.
    shown = [
        repr(s),
        str(s),
        f"{s}",
        f"{s!r}",
        f"{s:>60}",
        "%s" % (s,),  # noqa: UP031
        "{}".format(s),  # noqa: UP032
        str([s]),
        str({"t": s}),
    ]
    for text in shown:
        assert TOKEN not in text
        assert "Secret('********')" in text
    assert s.reveal() == TOKEN


def test_secret_truthiness_equality_and_copies():
    assert Secret(TOKEN)
    assert not Secret()
    assert Secret(TOKEN) == Secret(TOKEN)
    assert Secret(TOKEN) != Secret("other")
    assert Secret(TOKEN) != TOKEN  # never equal to the plain string
    assert copy.deepcopy(Secret(TOKEN)).reveal() == TOKEN
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Secret(TOKEN))
    with pytest.raises(TypeError):
        hash(Secret(TOKEN))
    with pytest.raises(TypeError) as err:
        Secret(123)  # type: ignore[arg-type]
    assert "123" not in str(err.value)


def test_token_from_the_loracord_variable():
    s = load_settings(None, environ={"LORACORD__DISCORD__TOKEN": TOKEN})
    assert s.discord.token.reveal() == TOKEN


def test_token_from_the_conventional_discord_token_variable():
    s = load_settings(None, environ={"DISCORD_TOKEN": TOKEN + "\n"})
    assert s.discord.token.reveal() == TOKEN


def test_the_loracord_variable_wins_over_discord_token():
    s = load_settings(None, environ={"DISCORD_TOKEN": "older", "LORACORD__DISCORD__TOKEN": TOKEN})
    assert s.discord.token.reveal() == TOKEN


def test_an_empty_variable_counts_as_unset():
    s = load_settings(None, environ={"LORACORD__DISCORD__TOKEN": "", "DISCORD_TOKEN": TOKEN})
    assert s.discord.token.reveal() == TOKEN
    assert not load_settings(None, environ={"LORACORD__DISCORD__TOKEN": ""}).discord.token


def test_secrets_from_files_named_in_the_settings(tmp_path, caplog):
    token = secret_file(tmp_path, "token", TOKEN + "\n")
    key = secret_file(tmp_path, "key", KEY)
    config = tmp_path / "loracord.toml"
    config.write_text(f"[discord]\ntoken_file = '{token}'\n[files]\nsigning_key_file = '{key}'\n")
    with caplog.at_level(logging.WARNING):
        s = load_settings(config, environ={"DISCORD_TOKEN": "ignored"})
    assert s.discord.token.reveal() == TOKEN
    assert s.files.signing_key.reveal() == KEY
    assert caplog.records == []


def test_a_world_readable_secret_file_is_used_with_a_warning(tmp_path, caplog):
    token = secret_file(tmp_path, "token", TOKEN, mode=0o644)
    with caplog.at_level(logging.WARNING, logger="loracord"):
        s = load_settings(None, environ={"LORACORD__DISCORD__TOKEN_FILE": str(token)})
    assert s.discord.token.reveal() == TOKEN
    assert "discord.token_file" in caplog.text
    assert "chmod 600" in caplog.text
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "No such file or directory"), ("  \n", "is empty"), ("a\nb\n", "one line")],
)
def test_an_unreadable_secret_file_names_the_key(tmp_path, content, problem):
    path = tmp_path / "token"
    if content is not None:
        secret_file(tmp_path, "token", content)
    with pytest.raises(SettingsError, match=problem) as err:
        load_settings(None, environ={"LORACORD__DISCORD__TOKEN_FILE": str(path)})
    assert err.value.key == "discord.token_file"
    assert str(path) in str(err.value)


def test_variable_and_file_together_are_refused(tmp_path):
    token = secret_file(tmp_path, "token", TOKEN)
    with pytest.raises(SettingsError, match="keep one") as err:
        load_settings(
            None, environ={"LORACORD__DISCORD__TOKEN": "x" * 10, "LORACORD__DISCORD__TOKEN_FILE": str(token)}
        )
    assert err.value.key == "discord.token"
    assert TOKEN not in str(err.value)


@pytest.mark.parametrize(
    ("text", "key", "hints"),
    [
        (
            f"[discord]\ntoken = '{TOKEN}'\n",
            "discord.token",
            ["LORACORD__DISCORD__TOKEN", "DISCORD_TOKEN", "token_file"],
        ),
        (
            f"[files]\nsigning_key = '{KEY}'\n",
            "files.signing_key",
            ["LORACORD__FILES__SIGNING_KEY", "signing_key_file"],
        ),
    ],
)
def test_a_secret_written_in_the_settings_file_is_refused(tmp_path, text, key, hints):
    path = tmp_path / "loracord.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as err:
        load_settings(path, environ={})
    assert err.value.key == key
    for hint in hints:
        assert hint in str(err.value)
    assert TOKEN not in str(err.value) and KEY not in str(err.value)


def test_a_short_signing_key_is_refused_without_showing_it():
    short = "tooshort-but-secret"
    with pytest.raises(SettingsError, match="at least 32 characters") as err:
        load_settings(None, environ={"LORACORD__FILES__SIGNING_KEY": short})
    assert err.value.key == "files.signing_key"
    assert short not in str(err.value)
    assert short not in repr(err.value)


def loaded() -> Settings:
    return load_settings(None, environ={"DISCORD_TOKEN": TOKEN, "LORACORD__FILES__SIGNING_KEY": KEY})


def test_settings_repr_str_and_printing_hide_secrets():
    s = loaded()
    for text in (
        repr(s),
        str(s),
        f"{s}",
        repr(s.discord),
        f"{s.files}",
        json.dumps(s.redacted_dict()),
        s.to_toml(),
    ):
        assert TOKEN not in text
        assert KEY not in text
    assert s.redacted_dict()["discord"]["token"] == "********"
    assert Settings().redacted_dict()["discord"]["token"] == ""
    assert "token =" not in s.to_toml()


def test_logging_the_settings_hides_secrets(caplog):
    s = loaded()
    log = logging.getLogger("loracord.test")
    with caplog.at_level(logging.DEBUG, logger="loracord.test"):
        log.info("settings: %s", s)
        log.info("token %r key %s", s.discord.token, s.files.signing_key)
        log.info("discord section %s", s.discord)
    assert len(caplog.records) == 3
    assert TOKEN not in caplog.text and KEY not in caplog.text
    assert "Secret('********')" in caplog.text


def test_errors_raised_while_secrets_are_loaded_hide_them():
    env = {"DISCORD_TOKEN": TOKEN, "LORACORD__FILES__SIGNING_KEY": KEY, "LORACORD__FILES__BIND_PORT": "99999"}
    with pytest.raises(SettingsError) as err:
        load_settings(None, environ=env)
    assert err.value.key == "files.bind_port"
    assert TOKEN not in str(err.value) and KEY not in str(err.value)


def test_loracord_help_never_shows_secrets(monkeypatch, capsys):
    cli = pytest.importorskip("cli.main")
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("LORACORD__DISCORD__TOKEN", TOKEN)
    monkeypatch.setenv("LORACORD__FILES__SIGNING_KEY", KEY)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr()
    assert "loracord" in out.out
    assert TOKEN not in out.out + out.err
    assert KEY not in out.out + out.err


def test_printed_settings_of_a_real_process_hide_secrets(tmp_path):
    db_url = "postgresql://lora:Zq9xK2-db-password@db.example.org:5432/loracord"
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "LORACORD__FILES__SIGNING_KEY": KEY,
        "LORACORD__STORAGE__DATABASE_URL": db_url,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "config.settings"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    shown = json.loads(proc.stdout)
    assert shown["discord"]["token"] == "********"
    assert shown["files"]["signing_key"] == "********"
    assert TOKEN not in proc.stdout + proc.stderr
    # The database URL is shown (which server, which database) with its password masked.
    assert shown["storage"]["database_url"] == "postgresql://lora:********@db.example.org:5432/loracord"
    assert "Zq9xK2-db-password" not in proc.stdout + proc.stderr
