"""The worker's mechanics with a contract-following stand-in child (fast; no torch)."""

from __future__ import annotations

import asyncio
import json
import shutil
from dataclasses import replace
from pathlib import Path

from conftest import submit_fake

from trainer.queue.failures import load_diagnosis
from trainer.queue.types import JobStatus
from trainer.queue.worker import Worker


def fake_attempts(job):
    path = Path(job.job_dir) / "attempts"
    return int(path.read_text()) if path.exists() else 0


async def test_job_succeeds_with_progress_events_and_measured_speed(store, worker_options, dataset_dir):
    job = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 6})
    handled = await Worker(store, worker_options, worker_id="w1").run_until_empty()
    assert [j.id for j in handled] == [job.id]
    done = await store.get_job(job.id)
    assert done.status is JobStatus.SUCCEEDED
    assert Path(done.result.output).read_bytes() == b"weights"
    assert (done.progress.step, done.progress.total) == (6, 6)
    assert done.attempts == 1 and done.gpu_seconds > 0
    kinds = [e.type for e in await store.events_since(job.id)]
    assert kinds[:4] == ["queued", "claimed", "spawned", "start"] and kinds[-2:] == ["done", "succeeded"]
    assert kinds.count("checkpoint") == 6
    assert "sd15@512" in await store.step_times()
    assert "attempt 1 of 3" in (Path(job.job_dir) / "train.log").read_text()


async def test_events_a_quick_child_writes_before_the_worker_looks_are_kept(
    store, worker_options, dataset_dir, monkeypatch
):
    """On a loaded machine the child can write its first events (here: all of them) before the worker
    starts reading; none may be lost — the attempt's start, steps and done all reach the store."""
    job = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 2, "step_s": 0})
    events_file = Path(job.job_dir) / "events.jsonl"
    add_event = store.add_event

    async def slow_spawned(job_id, kind, data, **kw):
        if kind == "spawned":  # the worker is held here until its child has finished
            for _ in range(400):
                if events_file.exists() and '"done"' in events_file.read_text():
                    break
                await asyncio.sleep(0.05)
        return await add_event(job_id, kind, data, **kw)

    monkeypatch.setattr(store, "add_event", slow_spawned)
    await Worker(store, worker_options).run_until_empty()
    done = await store.get_job(job.id)
    assert done.status is JobStatus.SUCCEEDED
    kinds = [e.type for e in await store.events_since(job.id)]
    assert "start" in kinds and kinds.count("checkpoint") == 2 and "done" in kinds
    assert (done.progress.step, done.progress.total) == (2, 2)


async def test_crashed_child_is_resumed_from_its_checkpoint(store, worker_options, dataset_dir):
    job = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 6, "crash_at": 3})
    await Worker(store, worker_options).run_until_empty()
    done = await store.get_job(job.id)
    assert done.status is JobStatus.SUCCEEDED and done.attempts == 2
    events = await store.events_since(job.id)
    requeued = [e for e in events if e.type == "requeued"]
    assert len(requeued) == 1 and "exited with status 70 at step 3 of 6" in requeued[0].data["reason"]
    starts = [e.data["resumed_from"] for e in events if e.type == "start"]
    assert starts == [0, 3]


async def test_failure_is_recorded_with_log_tail_and_explanation(store, worker_options, dataset_dir):
    job = await submit_fake(store, worker_options.queue, dataset_dir, {"error": "oom"})
    await Worker(store, worker_options).run_until_empty()
    failed = await store.get_job(job.id)
    assert failed.status is JobStatus.FAILED and failed.attempts == 1  # a reported failure is not retried
    assert failed.result.error_kind == "oom"
    assert failed.result.error_message == "fake oom failure"
    assert "Traceback: fake failure" in failed.result.log_tail
    assert failed.result.cause and failed.result.fix
    assert (Path(job.job_dir) / "config.toml").exists()  # the folder stays for inspection


async def test_injected_diagnosis_wins_over_builtin(store, worker_options, dataset_dir):
    seen = {}

    class Diagnosis:
        kind, cause, fix, rule_ids = "oom", "batch too big for this card", "use batch 1", ("vram.batch",)

    def diagnose(log_text, events, config, lang):
        seen.update(log=log_text, events=events, batch=config.train_batch_size)
        seen.setdefault("langs", []).append(lang)
        return Diagnosis()

    job = await submit_fake(store, worker_options.queue, dataset_dir, {"error": "oom"})
    await Worker(store, worker_options, diagnose=diagnose).run_until_empty()
    result = (await store.get_job(job.id)).result
    assert (result.cause, result.fix, result.rule_ids) == (
        "batch too big for this card",
        "use batch 1",
        ("vram.batch",),
    )
    assert seen["langs"] == ["en", "ko"] and seen["batch"] == 2 and seen["events"][-1]["type"] == "error"
    assert "fake oom failure" in seen["log"]  # the error message leads the log the diagnoser reads


async def test_the_diagnosis_is_kept_with_the_job_in_every_language(store, worker_options, dataset_dir):
    """The worker explains a failure once; the bot only reads what it kept (JOB_DIR/diagnosis.json)."""

    class Diagnosis:
        kind, cause, fix, rule_ids = "oom", "too big", "smaller batch", ("vram.batch",)

        def __init__(self, lang):
            self.lang = lang
            self.changes = {"train_batch_size": (2, 1)}

        def render(self):
            return f"[{self.lang}] too big"

    job = await submit_fake(store, worker_options.queue, dataset_dir, {"error": "oom"})
    await Worker(store, worker_options, diagnose=lambda *a, lang: Diagnosis(lang)).run_until_empty()
    kept = load_diagnosis(Path(job.job_dir))
    assert kept.texts == {"en": "[en] too big", "ko": "[ko] too big"}
    assert kept.changes == {"train_batch_size": (2, 1)} and kept.rule_ids == ("vram.batch",)


async def test_without_a_diagnoser_the_builtin_explanation_is_kept(store, worker_options, dataset_dir):
    job = await submit_fake(store, worker_options.queue, dataset_dir, {"error": "nan"})
    await Worker(store, worker_options).run_until_empty()
    kept = load_diagnosis(Path(job.job_dir))
    assert kept.kind == "nan" and "NaN" in kept.cause and kept.texts == {} and kept.changes == {}


async def test_timeout_stops_the_job_and_fails_it(store, worker_options, dataset_dir):
    opts = replace(worker_options, job_timeout_seconds=0.6)
    job = await submit_fake(store, opts.queue, dataset_dir, {"steps": 10_000, "step_s": 0.02})
    await Worker(store, opts).run_until_empty()
    failed = await store.get_job(job.id)
    assert failed.status is JobStatus.FAILED and failed.result.error_kind == "timeout"
    assert "time limit of 0.01 min" in failed.result.error_message
    assert 0 < failed.progress.step < 10_000


async def test_cancel_while_running_kills_a_child_that_ignores_stop(store, worker_options, dataset_dir):
    job = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 10_000, "ignore_stop": True})

    async def cancel_after_first_step():
        while (await store.get_job(job.id)).progress.step == 0:
            await asyncio.sleep(0.05)
        await store.request_cancel(job.id)

    canceller = asyncio.create_task(cancel_after_first_step())
    await Worker(store, worker_options).run_until_empty()
    await canceller
    cancelled = await store.get_job(job.id)
    assert cancelled.status is JobStatus.CANCELLED
    assert "cancelled on request at step" in cancelled.result.error_message
    assert (Path(job.job_dir) / "STOP").exists()  # asked politely first, killed after the grace period


async def test_vanished_dataset_fails_clearly_while_others_go_on(store, worker_options, dataset_dir):
    lost = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 2}, owner=1)
    fine = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 2}, owner=2)
    shutil.rmtree(Path(lost.job_dir) / "dataset")
    await Worker(store, worker_options).run_until_empty()
    failed, ok = await store.get_job(lost.id), await store.get_job(fine.id)
    assert ok.status is JobStatus.SUCCEEDED
    assert failed.status is JobStatus.FAILED and failed.result.error_kind == "data"
    assert (
        "dataset vanished" in failed.result.error_message
        and "Upload the images again" in failed.result.error_message
    )
    assert fake_attempts(failed) == 0  # no child was started for it


async def test_full_disk_keeps_jobs_queued(store, worker_options, dataset_dir):
    opts = replace(worker_options, min_free_disk_gb=1e9)
    job = await submit_fake(store, opts.queue, dataset_dir, {"steps": 2})
    worker = Worker(store, opts)
    assert await worker.run_until_empty() == [await store.get_job(job.id)]
    waiting = await store.get_job(job.id)
    assert waiting.status is JobStatus.QUEUED and waiting.attempts == 0
    assert "worker.min_free_disk_gb" in worker.disk_blocked


async def test_job_finished_before_its_worker_died_is_not_trained_again(store, worker_options, dataset_dir):
    job = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 2})
    out = Path(job.job_dir) / "output"
    out.mkdir()
    (out / "fake.safetensors").write_bytes(b"weights")
    with (Path(job.job_dir) / "events.jsonl").open("w") as fh:
        fh.write(
            json.dumps({"type": "done", "time": 1.0, "step": 2, "output": "output/fake.safetensors"}) + "\n"
        )
    await Worker(store, worker_options).run_until_empty()
    assert (await store.get_job(job.id)).status is JobStatus.SUCCEEDED
    assert fake_attempts(job) == 0


async def test_shutdown_stops_the_child_and_requeues_without_using_an_attempt(
    store, worker_options, dataset_dir
):
    job = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 10_000})
    worker = Worker(store, worker_options)

    async def shutdown_after_first_step():
        while (await store.get_job(job.id)).progress.step == 0:
            await asyncio.sleep(0.05)
        worker.request_shutdown()

    stopper = asyncio.create_task(shutdown_after_first_step())
    await worker.run_until_empty()
    await stopper
    back = await store.get_job(job.id)
    assert back.status is JobStatus.QUEUED and back.attempts == 0
    kinds = [e.type for e in await store.events_since(job.id)]
    assert "stopped" in kinds and kinds[-1] == "requeued"


async def test_worker_runs_three_users_jobs_round_robin_with_admin_first(store, worker_options, dataset_dir):
    names = {}
    for owner, count in ((1, 3), (2, 2), (3, 1)):
        for i in range(count):
            job = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 1}, owner=owner)
            names[job.id] = f"u{owner}.{i}"
    admin = await submit_fake(store, worker_options.queue, dataset_dir, {"steps": 1}, owner=4, priority=True)
    names[admin.id] = "admin"
    handled = await Worker(store, worker_options).run_until_empty()
    assert [names[j.id] for j in handled] == ["admin", "u1.0", "u2.0", "u3.0", "u1.1", "u2.1", "u1.2"]
    assert all(j.status is JobStatus.SUCCEEDED for j in handled)
