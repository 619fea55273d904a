"""`loracord queue ...` and `loracord worker` through the real console-script entry (cli.main.main)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cli.main import main


@pytest.fixture
def settings_file(tmp_path, fake_python):
    path = tmp_path / "loracord.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [storage]
            data_dir = "{tmp_path / "data"}"
            [worker]
            python_executable = "{fake_python}"
            min_free_disk_gb = 0.0
            [limits]
            max_queued_jobs_per_user = 2
            daily_gpu_minutes_per_user = 1
            """
        )
    )
    return path


@pytest.fixture
def train_toml(tmp_path, dataset_dir):
    path = tmp_path / "job.toml"
    path.write_text(
        f'pretrained_model = "/models/tiny"\ndata_dir = "{dataset_dir}"\nmax_train_steps = 5\nname = "cat"\n'
    )
    return path


def cli(settings_file, *args):
    return main(["--config", str(settings_file), *args])


def test_submit_list_show_cancel_pause_resume(settings_file, train_toml, capsys):
    assert (
        cli(settings_file, "queue", "submit", str(train_toml), "--user", "11", "--json", "--set", "name=dog")
        == 0
    )
    job = json.loads(capsys.readouterr().out)
    assert (job["status"], job["name"], job["owner_id"], job["position"]) == ("queued", "dog", 11, 1)
    assert Path(job["job_dir"], "dataset", "0.png").exists()
    assert 'name = "dog"' in Path(job["job_dir"], "config.toml").read_text()
    assert cli(settings_file, "queue", "submit", str(train_toml), "--user", "12") == 0
    assert "position 2" in capsys.readouterr().out

    assert cli(settings_file, "queue", "pause") == 0
    assert cli(settings_file, "queue", "list") == 0
    out = capsys.readouterr().out
    assert "PAUSED" in out and out.count("queued") == 2 and "dog" in out
    assert cli(settings_file, "queue", "resume") == 0
    assert cli(settings_file, "queue", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert listed["paused"] is False and [j["position"] for j in listed["jobs"]] == [1, 2]

    assert cli(settings_file, "queue", "cancel", job["id"]) == 0
    assert "cancelled job" in capsys.readouterr().out
    assert cli(settings_file, "queue", "show", job["id"], "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "cancelled" and shown["config"]["name"] == "dog"
    assert [e["type"] for e in shown["events"]] == ["queued", "cancelled"]
    assert cli(settings_file, "queue", "cancel", job["id"]) == 2
    assert "already finished" in capsys.readouterr().err
    assert cli(settings_file, "queue", "delete-files", job["id"]) == 0  # ended: its files can go now
    assert "deleted the files of job" in capsys.readouterr().out and not Path(job["job_dir"]).exists()
    queued = next(j for j in listed["jobs"] if j["id"] != job["id"])
    assert cli(settings_file, "queue", "delete-files", queued["id"]) == 2  # still queued: refused
    assert "cancel it first" in capsys.readouterr().err and Path(queued["job_dir"]).exists()


def test_refusals_are_one_clear_line(settings_file, train_toml, tmp_path, capsys):
    for _ in range(2):
        assert cli(settings_file, "queue", "submit", str(train_toml), "--user", "5") == 0
    assert cli(settings_file, "queue", "submit", str(train_toml), "--user", "5") == 2
    err = capsys.readouterr().err
    assert "queue full: you already have 2 queued job(s), the limit is 2" in err
    assert len(list((tmp_path / "data" / "jobs").iterdir())) == 2  # the refused job left no folder
    assert cli(settings_file, "queue", "submit", str(train_toml), "--user", "5", "--priority") == 0
    assert cli(settings_file, "queue", "submit", str(tmp_path / "missing.toml"), "--user", "5") == 2
    assert "file not found" in capsys.readouterr().err
    assert cli(settings_file, "queue", "submit", str(train_toml), "--user", "5", "--set", "rank=4") == 2
    assert "rank: unknown setting" in capsys.readouterr().err
    assert cli(settings_file, "queue", "show", "nope") == 2


def test_quota_refusal_says_when_it_resets(settings_file, train_toml, tmp_path, capsys):
    import asyncio
    import time

    from trainer.queue.backends import open_store
    from trainer.queue.options import QueueLimits, QueueOptions
    from trainer.queue.types import JobSpec

    now = time.time()

    async def use_two_gpu_minutes():
        async with open_store(QueueOptions(data_dir=tmp_path / "data")) as store:
            free = QueueLimits(0, 0, 0, 0)
            job = await store.enqueue(JobSpec(owner_id=9, config={}, job_dir="/x"), free, now=now)
            await store.claim("w", 600, free, now=now - 120)
            await store.heartbeat(job.id, "w", 600, now=now)

    asyncio.run(use_two_gpu_minutes())
    assert cli(settings_file, "queue", "submit", str(train_toml), "--user", "9") == 2
    err = capsys.readouterr().err
    assert "daily GPU quota used: 2 of 1 minutes today; it resets at 00:00 UTC" in err


def test_worker_runs_one_process_per_gpu(settings_file, train_toml, tmp_path):
    for user in (1, 2):
        assert cli(settings_file, "queue", "submit", str(train_toml), "--user", str(user)) == 0
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "--config",
            str(settings_file),
            "worker",
            "--gpus",
            "0,1",
            "--burst",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    jobs = sorted((tmp_path / "data" / "jobs").iterdir())
    assert sorted(Path(j, "gpu.txt").read_text() for j in jobs) == ["0", "1"]
    assert all(Path(j, "output", "fake.safetensors").exists() for j in jobs)


def test_worker_refuses_a_bad_gpu_list(settings_file, capsys):
    assert cli(settings_file, "worker", "--gpus", "0,0") == 2
    assert "names a GPU twice" in capsys.readouterr().err


def test_queue_package_never_imports_torch():
    code = (
        "import sys, cli.queue, trainer.queue.worker, trainer.queue.launcher, trainer.queue.retention, "
        "trainer.queue.jobdir, trainer.queue.eta; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_options_follow_the_settings(settings_file):
    from config.settings import load_settings
    from trainer.queue.options import WorkerOptions

    settings = load_settings(settings_file, environ={})
    options = WorkerOptions.from_settings(settings, gpu="1")
    assert options.gpu == "1" and options.python == settings.worker.python_executable
    assert options.queue.data_dir == settings.storage.data_dir
    assert options.queue.limits.max_queued_jobs_per_user == 2
    assert options.queue.limits.daily_gpu_minutes_per_user == 1
    assert options.lease_seconds == settings.worker.lease_seconds
    assert options.job_timeout_seconds == 60 * settings.worker.job_timeout_minutes
    assert options.queue.retention_days == settings.limits.retention_days


async def test_sigterm_to_a_worker_process_requeues_its_job(store, worker_options, dataset_dir, tmp_path):
    import asyncio
    import signal

    from conftest import submit_fake

    from trainer.queue.launcher import worker_argv
    from trainer.queue.types import JobStatus

    job = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 10_000, "step_s": 0.05})
    proc = await asyncio.create_subprocess_exec(*worker_argv(worker_options), stderr=asyncio.subprocess.PIPE)
    # Wait for the outcome (the job has stepped), not for a fixed time: a worker's start takes
    # seconds on a loaded 2-core host.
    for _ in range(2400):
        if (await store.get_job(job.id)).progress.step > 0:
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the worker never started the job")
    proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    back = await store.get_job(job.id)
    assert back.status is JobStatus.QUEUED and back.attempts == 0 and back.progress.step > 0


def test_show_says_where_the_result_went_and_links_every_file(
    settings_file, train_toml, tmp_path, capsys, monkeypatch
):
    # The bot could not deliver (channel forbidden, DMs closed): the operator finds the files here.
    import asyncio
    import dataclasses
    from urllib.parse import parse_qs, urlparse

    from bot.files import LinkSigner
    from bot.tracked import Tracked, progress_folder
    from config.secrets import Secret
    from trainer.job_paths import JobPaths
    from trainer.queue.backends import open_store
    from trainer.queue.options import QueueLimits, QueueOptions
    from trainer.queue.types import JobResult, JobStatus

    monkeypatch.setenv("LORACORD__FILES__SIGNING_KEY", "operator-test-key-of-at-least-32-characters")
    assert cli(settings_file, "queue", "submit", str(train_toml), "--user", "7", "--json") == 0
    job = json.loads(capsys.readouterr().out)
    paths = JobPaths(job["job_dir"])
    paths.output.mkdir(parents=True, exist_ok=True)
    lora = paths.output / "cat.safetensors"
    lora.write_bytes(b"\0" * 2048)
    paths.loss_curve.write_bytes(b"png")

    async def finish():
        async with open_store(QueueOptions(data_dir=tmp_path / "data")) as store:
            free = QueueLimits(0, 0, 0, 0)
            await store.claim("w", 600, free)
            await store.finish(job["id"], "w", JobStatus.SUCCEEDED, JobResult(output=str(lora)))

    asyncio.run(finish())
    tracked = Tracked(job["id"], channel_id=1, message_id=2, owner_id=7, locale="en")
    tracked = dataclasses.replace(
        tracked,
        delivered=True,
        delivered_to="status",
        channel_error="403 Forbidden (50013): Missing Permissions",
        dm_error="403 Forbidden (50007): Cannot send messages to this user",
    )
    folder = progress_folder(tmp_path / "data")
    folder.mkdir(parents=True)
    (folder / f"{job['id']}.json").write_text(json.dumps(dataclasses.asdict(tracked)))

    assert cli(settings_file, "queue", "show", job["id"]) == 0
    out = capsys.readouterr().out
    assert "not delivered in Discord" in out and "50013" in out and "50007" in out
    assert cli(settings_file, "queue", "show", job["id"], "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [f["name"] for f in shown["files"]] == ["cat.safetensors", "loss_curve.png"]
    signer = LinkSigner(Secret("operator-test-key-of-at-least-32-characters"), "http://x", 60)
    for entry in shown["files"]:
        link = urlparse(entry["link"])
        query = parse_qs(link.query)
        assert link.path.endswith(f"/{job['id']}/{entry['name']}")
        assert signer.valid(job["id"], entry["name"], query["exp"][0], query["sig"][0])
