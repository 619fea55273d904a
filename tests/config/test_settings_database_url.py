"""`storage.database_url` is a secret: a PostgreSQL password in it comes from the environment or a
file, never shows in the settings' repr, printed settings, logs or messages, and a URL still written in
the settings file keeps working (with one warning that names the fix, not the password)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from config.secrets import Secret, mask_url_password, url_password
from config.settings import SettingsError, load_settings

PASSWORD = "pw-Zq9xK2-hunter2"
PG_URL = f"postgresql://lora:{PASSWORD}@db.example.org:5432/loracord"
SHOWN = "postgresql://lora:********@db.example.org:5432/loracord"


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def toml(tmp_path: Path, **storage: str) -> Path:
    """A settings file whose [storage] table holds `storage`."""
    lines = [f'{key} = "{value}"' for key, value in storage.items()]
    (tmp_path / "loracord.toml").write_text("\n".join(["[storage]", *lines, ""]), encoding="utf-8")
    return tmp_path / "loracord.toml"


def every_way_settings_print(s) -> list[str]:
    return [
        repr(s),
        str(s),
        f"{s.storage}",
        repr(s.storage.database_url),
        json.dumps(s.redacted_dict(), default=str),
        s.to_toml(),
    ]


def test_the_url_from_the_environment_is_used_and_never_shown():
    s = load_settings(None, environ={"LORACORD__STORAGE__DATABASE_URL": PG_URL})
    assert isinstance(s.storage.database_url, Secret)
    assert s.storage.database_url.reveal() == PG_URL
    assert s.storage.is_postgresql
    for text in every_way_settings_print(s):
        assert PASSWORD not in text
    # Printed settings still say which database: the URL with its password masked.
    assert s.redacted_dict()["storage"]["database_url"] == SHOWN
    assert "database_url =" not in s.to_toml()  # a URL with a password never goes into a file


def test_the_url_from_a_file_named_in_the_settings(tmp_path, caplog):
    secret = tmp_path / "db-url"
    secret.write_text(PG_URL + "\n", encoding="utf-8")
    secret.chmod(0o600)
    with caplog.at_level(logging.WARNING):
        s = load_settings(toml(tmp_path, database_url_file=str(secret)), environ={})
    assert s.storage.database_url.reveal() == PG_URL
    assert caplog.records == []
    for text in every_way_settings_print(s):
        assert PASSWORD not in text


def test_the_file_can_be_named_in_the_environment(tmp_path):
    secret = tmp_path / "db-url"
    secret.write_text(PG_URL, encoding="utf-8")
    secret.chmod(0o600)
    s = load_settings(None, environ={"LORACORD__STORAGE__DATABASE_URL_FILE": str(secret)})
    assert s.storage.database_url.reveal() == PG_URL


def test_a_url_in_the_settings_file_still_works_with_one_warning_without_the_password(tmp_path, caplog):
    path = toml(tmp_path, database_url=PG_URL)
    with caplog.at_level(logging.WARNING):
        s = load_settings(path, environ={})
    assert s.storage.database_url.reveal() == PG_URL
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    text = warnings[0].getMessage()
    assert "storage.database_url" in text and "LORACORD__STORAGE__DATABASE_URL" in text
    assert "database_url_file" in text
    assert PASSWORD not in caplog.text


def test_a_sqlite_url_in_the_settings_file_is_not_warned_about_and_round_trips(tmp_path, caplog):
    path = toml(tmp_path, database_url="sqlite:////srv/lora/jobs.db")
    with caplog.at_level(logging.WARNING):
        s = load_settings(path, environ={})
    assert caplog.records == []
    assert s.storage.sqlite_path == Path("/srv/lora/jobs.db")
    assert s.redacted_dict()["storage"]["database_url"] == "sqlite:////srv/lora/jobs.db"
    saved = tmp_path / "saved.toml"
    saved.write_text(s.to_toml(), encoding="utf-8")
    assert load_settings(saved, environ={}) == s


def test_the_environment_wins_over_the_settings_file(tmp_path):
    path = toml(tmp_path, database_url="sqlite:////srv/old.db")
    s = load_settings(path, environ={"LORACORD__STORAGE__DATABASE_URL": PG_URL})
    assert s.storage.database_url.reveal() == PG_URL


def test_url_and_file_together_are_refused_without_showing_the_url(tmp_path):
    secret = tmp_path / "db-url"
    secret.write_text(PG_URL, encoding="utf-8")
    path = toml(tmp_path, database_url=PG_URL, database_url_file=str(secret))
    with pytest.raises(SettingsError, match="keep one") as err:
        load_settings(path, environ={})
    assert err.value.key == "storage.database_url"
    assert PASSWORD not in str(err.value)


def test_a_wrong_scheme_is_refused_without_showing_the_url():
    with pytest.raises(SettingsError) as err:
        load_settings(None, environ={"LORACORD__STORAGE__DATABASE_URL": f"mysql://u:{PASSWORD}@h/db"})
    assert err.value.key == "storage.database_url"
    assert "postgresql://" in str(err.value) and PASSWORD not in str(err.value)


@pytest.mark.parametrize(
    ("url", "shown", "password"),
    [
        (PG_URL, SHOWN, PASSWORD),
        ("postgresql://lora@db/x", "postgresql://lora@db/x", None),
        (
            f"postgresql://lora@/x?host=/run/pg&password={PASSWORD}",
            "postgresql://lora@/x?host=/run/pg&password=********",
            PASSWORD,
        ),
        ("sqlite:////srv/lora/jobs.db", "sqlite:////srv/lora/jobs.db", None),
    ],
)
def test_mask_url_password(url, shown, password):
    assert mask_url_password(url) == shown
    assert url_password(url) == password
