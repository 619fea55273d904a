"""Sample jobs: checkpoint × strength grids of a finished training job, through the queue.

`submit_sample_job` checks that the source job exists, belongs to the asking user, has finished and
still has weights to sample, then makes a job folder holding only JOB_DIR/sample_request.json (the
source run's folder is read in place) and queues a job of kind `sample`; the worker runs it as
`python -m trainer.sample JOB_DIR` under the same lease, heartbeat, cancel, timeout, fairness and
quota rules as training. Torch-free (the bot imports it).
"""

from __future__ import annotations

import asyncio
import math
import shutil
from collections.abc import Sequence
from pathlib import Path

from trainer.job_paths import CHECKPOINT_WEIGHTS, JobPaths, checkpoint_step, read_events
from trainer.queue.options import QueueOptions
from trainer.queue.samplereq import (
    DEFAULT_STRENGTHS,
    MAX_PROMPTS,
    SampleRequest,
    SampleRequestError,
    load_request,
)
from trainer.queue.shared_store import SharedStore
from trainer.queue.store import JobStore
from trainer.queue.types import Job, JobKind, JobSpec, JobStatus, new_job_id


class SampleRefused(ValueError):
    """The source job cannot be sampled; `reason` is a stable code the bot words, the message says why."""

    def __init__(self, reason: str, job_id: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.job_id = job_id


def saved_weights(run: Path) -> list[int]:
    """Steps of the LoRA weights a finished run still has: step checkpoints and its final output."""
    run = Path(run)
    steps = set()
    root = JobPaths(run).checkpoints
    if root.is_dir():
        for path in root.iterdir():
            step = checkpoint_step(path)
            if step is not None and (path / CHECKPOINT_WEIGHTS).is_file():
                steps.add(step)
    for event in reversed(read_events(run)):
        if event.get("type") == "done":
            output = event.get("output")
            if isinstance(output, str) and (run / output).is_file():
                steps.add(int(event.get("step") or 0))
            break
    return sorted(steps)


def check_source(source: Job, owner_id: int, elsewhere: Sequence[int] = ()) -> list[int]:
    """The steps to sample by default; SampleRefused when this user may not sample this job.
    `elsewhere`: steps whose weights the artifact store holds (layout 2: checkpoints of a run trained
    on another host, which this host's folder of the job does not have)."""
    if source.owner_id != owner_id:
        raise SampleRefused("not_owner", source.id, f"job {source.id} belongs to another user")
    if source.kind is not JobKind.TRAIN:
        raise SampleRefused(
            "not_training", source.id, f"job {source.id} is a sample job; sample its training job"
        )
    if source.status is not JobStatus.SUCCEEDED:
        raise SampleRefused(
            "not_finished",
            source.id,
            f"job {source.id} is {source.status.value}; only a finished (succeeded) training job can be "
            "sampled. A running job takes `sample now` instead",
        )
    steps = [] if source.files_deleted_at else sorted({*saved_weights(Path(source.job_dir)), *elsewhere})
    if not steps:
        raise SampleRefused(
            "no_weights", source.id, f"job {source.id} has no saved weights any more (its files were deleted)"
        )
    return steps


def planned_steps(request: SampleRequest, checkpoints: int, config_steps: int, prompts: int) -> int:
    """A sample job's length in training-step equivalents: one denoising step with guidance runs the
    U-Net on two latents without a backward pass, about a third of a training step on a batch of 2."""
    images = checkpoints * len(request.strengths) * prompts
    return max(1, math.ceil(images * (request.steps or config_steps) / 3))


def sample_problem(job_dir: Path) -> str | None:
    """Why a sample job cannot start (None when it can). Checked before every start, like training's."""
    try:
        request = load_request(job_dir)
    except SampleRequestError as exc:
        return f"the sample request cannot be read ({exc}); submit the sample job again"
    run = Path(request.source_run)
    if not JobPaths(run).config.is_file() or not saved_weights(run):
        return (
            f"the run to sample vanished: {run} holds no saved LoRA weights any more (deleted after the "
            "job was queued). Train again, then sample the new job"
        )
    return None


def _make_dir(jobs_dir: Path, job_id: str, request: SampleRequest) -> Path:
    job_dir = Path(jobs_dir).resolve() / job_id
    job_dir.parent.mkdir(parents=True, exist_ok=True)
    job_dir.mkdir()  # FileExistsError: the caller draws another id
    try:
        request.save(job_dir)
    except BaseException:
        shutil.rmtree(job_dir, ignore_errors=True)
        raise
    return job_dir


async def submit_sample_job(
    store: JobStore,
    options: QueueOptions,
    source_job_id: str,
    *,
    owner_id: int,
    prompts: Sequence[str] = (),
    strengths: Sequence[float] = DEFAULT_STRENGTHS,
    checkpoints: Sequence[int] = (),
    seed: int | None = None,
    steps: int | None = None,
    guidance: float | None = None,
    guild_id: int | None = None,
    channel_id: int | None = None,
    priority: bool = False,
) -> Job:
    """Queue a sample job for `source_job_id`. Raises JobNotFound, SampleRefused, SampleRequestError
    (a bad prompt or strength, naming the field), QueueFull or QuotaExceeded; a refused job leaves no
    folder."""
    source = await store.get_job(source_job_id)
    elsewhere = await store.weight_steps(source.id) if isinstance(store, SharedStore) else []
    available = await asyncio.to_thread(check_source, source, owner_id, elsewhere)
    request = SampleRequest(
        source_run=str(Path(source.job_dir).resolve()),
        source_job_id=source.id,
        prompts=tuple(prompts),
        strengths=tuple(strengths),
        checkpoints=tuple(checkpoints),
        seed=seed,
        steps=steps,
        guidance=guidance,
    )
    missing = [s for s in request.checkpoints if s not in available]
    if missing:
        raise SampleRequestError(
            "checkpoints",
            f"job {source.id} has no weights at step(s) {', '.join(map(str, missing))}; it has "
            f"{', '.join(map(str, available))}",
        )
    config = dict(source.config)
    rows = len(request.checkpoints or available)
    prompt_count = len(request.prompts) or min(
        MAX_PROMPTS, len(config.get("sample_prompts") or []) or MAX_PROMPTS
    )
    plan = planned_steps(request, rows, int(config.get("sample_steps", 20)), prompt_count)
    for attempt in range(3):
        job_id = new_job_id()
        try:
            job_dir = await asyncio.to_thread(_make_dir, options.jobs_dir, job_id, request)
            break
        except FileExistsError:
            if attempt == 2:
                raise
    spec = JobSpec(
        owner_id=owner_id,
        config=config,
        job_dir=str(job_dir),
        name=f"{source.name} samples",
        guild_id=guild_id,
        channel_id=channel_id,
        dataset_id=source.dataset_id,
        priority=priority,
        job_id=job_id,
        kind=JobKind.SAMPLE,
        source_job_id=source.id,
        planned_steps=plan,
    )
    try:
        return await store.enqueue(spec, options.limits, max_attempts=options.max_attempts)
    except BaseException:
        await asyncio.to_thread(shutil.rmtree, job_dir, True)
        raise
