"""The command line of the scale-out: migrate-store, queue workers, clear messages, no secret in argv."""

from __future__ import annotations

import asyncio
import textwrap
from dataclasses import replace

import pytest
from conftest import NO_LIMITS

from cli.main import main
from trainer.artifacts.base import ArtifactOptions
from trainer.queue.launcher import child_env, options_from_json, options_to_json
from trainer.queue.options import QueueOptions, WorkerOptions
from trainer.queue.pg_store import PgJobStore
from trainer.queue.sqlite_store import SqliteJobStore
from trainer.queue.types import JobSpec
from trainer.queue.workers import WorkerInfo


def settings_for(tmp_path, database_url=""):
    path = tmp_path / "loracord.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [storage]
            data_dir = "{tmp_path / "data"}"
            database_url = "{database_url}"
            """
        )
    )
    return path


def test_migrate_store_command_copies_and_the_new_store_serves_workers(tmp_path, pg_url, capsys):
    db = tmp_path / "old.db"

    async def before():
        async with SqliteJobStore(db) as old:
            return await old.enqueue(JobSpec(owner_id=5, config={}, job_dir="/j/a", name="a"), NO_LIMITS)

    job = asyncio.run(before())
    settings = settings_for(tmp_path)
    assert main(["--config", str(settings), "queue", "migrate-store", str(db), pg_url]) == 0
    out = capsys.readouterr().out
    assert "jobs: 1 row(s)" in out and "storage.database_url" in out
    assert main(["--config", str(settings), "queue", "migrate-store", str(db), pg_url]) == 2  # not empty now
    assert "already holds jobs" in capsys.readouterr().err

    async def after():
        async with PgJobStore(pg_url) as new:
            assert (await new.get_job(job.id)).owner_id == 5
            info = WorkerInfo("home:gpu0", "home", "0", "RTX 4090", 24.0, 20.5, ("sdxl",), 1.0, 2.0)
            await new.register_worker(info)
            await new.worker_seen("home:gpu0", job_id=job.id)

    asyncio.run(after())
    (tmp_path / "pg").mkdir()
    pg_settings = settings_for(tmp_path / "pg", pg_url)
    assert main(["--config", str(pg_settings), "queue", "workers"]) == 0
    table = capsys.readouterr().out
    assert "home:gpu0" in table and "RTX 4090" in table and "20.5/24.0 GB" in table and job.id in table


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://loracord@/db?host=/nonexistent&port=1", "cannot reach PostgreSQL"),
        ("mysql://x/y", "storage.database_url"),
    ],
)
def test_a_bad_database_is_one_line_naming_the_setting(tmp_path, capsys, url, words):
    assert main(["--config", str(settings_for(tmp_path, url)), "queue", "list"]) == 2
    err = capsys.readouterr().err.strip()
    assert "storage.database_url" in err and words in err and "Traceback" not in err


def test_worker_processes_get_the_s3_keys_in_their_environment_never_in_argv(tmp_path):
    artifacts = ArtifactOptions(
        url="s3://b/p", data_dir=tmp_path, access_key_id="AKIDX", secret_access_key="s3cr3t"
    )
    options = WorkerOptions(
        queue=QueueOptions(data_dir=tmp_path, artifacts=artifacts), gpu="1", archs=("sd15",)
    )
    text = options_to_json(options)
    assert "s3cr3t" not in text and "AKIDX" not in text
    back = options_from_json(text)
    assert back.queue.artifacts.url == "s3://b/p" and back.archs == ("sd15",) and back.gpu == "1"
    env = child_env(options)
    assert env["AWS_SECRET_ACCESS_KEY"] == "s3cr3t" and env["AWS_ACCESS_KEY_ID"] == "AKIDX"
    assert child_env(replace(options, queue=QueueOptions(data_dir=tmp_path))) is None
