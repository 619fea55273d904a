"""The database URL is a secret in the queue too: a real PostgreSQL that refuses a wrong password says
so without the password, the store's logs and messages mask it, and worker processes get it in their
environment, never on their command line (which every user of the host can read)."""

from __future__ import annotations

import asyncio
import logging
import textwrap
from urllib.parse import urlsplit

import pytest
from conftest import NO_LIMITS

from cli.main import main
from config.secrets import Secret
from config.settings import load_settings
from trainer.queue.backends import open_store
from trainer.queue.launcher import (
    DATABASE_URL_ENV,
    child_env,
    options_from_json,
    options_to_json,
    worker_argv,
)
from trainer.queue.options import QueueOptions, WorkerOptions
from trainer.queue.pg_store import PgJobStore
from trainer.queue.sqlite_store import SqliteJobStore
from trainer.queue.store import StoreConfigError
from trainer.queue.types import JobSpec


def password_of(url: str) -> str:
    return urlsplit(url).password


async def test_a_wrong_password_is_refused_by_postgresql_without_showing_it(pg_password_url):
    right = password_of(pg_password_url)
    wrong_password = "wrong-" + right[::-1]
    wrong = pg_password_url.replace(f":{right}@", f":{wrong_password}@", 1)
    options = QueueOptions(database_url=Secret(wrong), limits=NO_LIMITS)
    with pytest.raises(StoreConfigError) as caught:
        async with open_store(options):
            pass
    message = str(caught.value)
    assert message.startswith("storage.database_url:") and "user name or password" in message
    assert "password authentication failed" in message  # PostgreSQL checked it, the role exists
    assert ":********@" in message  # which URL, with the password masked
    assert wrong_password not in message and right not in message
    assert caught.value.__cause__ is None  # no chained driver exception to print the URL in a traceback


async def test_the_right_password_connects_and_the_logs_never_show_it(pg_password_url, caplog):
    options = QueueOptions(database_url=Secret(pg_password_url), limits=NO_LIMITS)
    with caplog.at_level(logging.DEBUG):
        async with open_store(options) as store:  # a new database: the migrations are applied and logged
            job = await store.enqueue(JobSpec(owner_id=1, config={}, job_dir="/j/a", name="a"), NO_LIMITS)
            assert (await store.get_job(job.id)).name == "a"
            assert password_of(pg_password_url) not in repr(store.__dict__)
    assert "applying migration" in caplog.text
    assert password_of(pg_password_url) not in caplog.text


def test_worker_processes_get_the_database_url_in_their_environment_never_in_argv(tmp_path, monkeypatch):
    url = "postgresql://lora:Zq9xK2-db-password@db.example.org/loracord"
    settings = load_settings(
        None, environ={"LORACORD__STORAGE__DATABASE_URL": url, "LORACORD__STORAGE__DATA_DIR": str(tmp_path)}
    )
    options = WorkerOptions.from_settings(settings, gpu="0")
    assert options.queue.database_url.reveal() == url
    assert "Zq9xK2-db-password" not in repr(options)
    argv = worker_argv(options)
    assert not any("Zq9xK2-db-password" in a for a in argv)
    env = child_env(options)
    assert env[DATABASE_URL_ENV] == url
    # The child process reads it back from that environment.
    monkeypatch.setenv(DATABASE_URL_ENV, env[DATABASE_URL_ENV])
    back = options_from_json(options_to_json(options))
    assert back.queue.database_url.reveal() == url and back.gpu == "0"


def test_a_child_of_a_sqlite_parent_does_not_pick_up_a_stray_database_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://someone@elsewhere/db")
    options = WorkerOptions(queue=QueueOptions(data_dir=tmp_path))
    assert child_env(options)[DATABASE_URL_ENV] == ""  # the child uses exactly the parent's store


def test_migrate_store_takes_the_target_from_the_settings_so_the_password_stays_off_argv(
    tmp_path, pg_password_url, capsys, monkeypatch
):
    db = tmp_path / "old.db"

    async def before():
        async with SqliteJobStore(db) as old:
            await old.enqueue(JobSpec(owner_id=5, config={}, job_dir="/j/a", name="a"), NO_LIMITS)

    asyncio.run(before())
    config = tmp_path / "loracord.toml"
    config.write_text(textwrap.dedent(f'[storage]\ndata_dir = "{tmp_path / "data"}"\n'))
    monkeypatch.setenv("LORACORD__STORAGE__DATABASE_URL", pg_password_url)
    assert main(["--config", str(config), "queue", "migrate-store", str(db)]) == 0
    out = capsys.readouterr()
    assert "jobs: 1 row(s)" in out.out
    assert password_of(pg_password_url) not in out.out + out.err

    async def after():
        async with PgJobStore(Secret(pg_password_url)) as new:
            return await new.count_jobs()

    assert asyncio.run(after()) == 1


def test_migrate_store_without_a_target_or_a_postgresql_setting_says_what_to_set(
    tmp_path, capsys, monkeypatch
):
    config = tmp_path / "loracord.toml"
    config.write_text(f'[storage]\ndata_dir = "{tmp_path / "data"}"\n')
    monkeypatch.delenv("LORACORD__STORAGE__DATABASE_URL", raising=False)
    assert main(["--config", str(config), "queue", "migrate-store", str(tmp_path / "x.db")]) == 2
    assert "LORACORD__STORAGE__DATABASE_URL" in capsys.readouterr().err
