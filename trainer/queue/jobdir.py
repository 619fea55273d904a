"""Job folders: everything a job needs goes into data/jobs/<job id>/ before it is queued.

`create_job_dir` freezes the TrainConfig (with its `config_version`) to JOB_DIR/config.toml and links
the prepared dataset into JOB_DIR/dataset (hard links where the file system allows, copies otherwise),
so a job keeps working when its owner edits or deletes the dataset afterwards, and a worker on
another host needs nothing but the folder.
"""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
from pathlib import Path
from typing import Any

from config.training import ConfigError, TrainConfig, load_train_config
from trainer.job_paths import JobPaths, read_events
from trainer.queue.options import QueueOptions
from trainer.queue.store import JobStore
from trainer.queue.types import Job, JobSpec, new_job_id

#: The image types the training engine reads (trainer.engine.data); kept here so that the queue does
#: not import the engine (which imports torch).
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp")


class JobDirError(ValueError):
    """The job folder cannot be made (or is unusable); the message says what to do."""


def count_images(folder: Path) -> int:
    """Images in `folder` and one level of sub-folders (kohya's `N_name` folders), as the engine reads."""
    if not folder.is_dir():
        return 0
    total = 0
    for entry in folder.iterdir():
        if entry.is_file() and entry.suffix.lower() in IMAGE_EXTENSIONS:
            total += 1
        elif entry.is_dir() and not entry.name.startswith("."):
            total += sum(1 for p in entry.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)
    return total


def _link_or_copy(src: str, dst: str) -> str:
    try:
        os.link(src, dst)
    except OSError as exc:
        # Another file system, or one without hard links: a real copy keeps the job self-contained.
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
            raise
        shutil.copy2(src, dst)
    return dst


def _copy_dataset(source: str, dest: Path, field_name: str) -> None:
    src = Path(source)
    if not source or not src.is_dir():
        raise JobDirError(
            f"{field_name}: dataset folder {source!r} does not exist; prepare the dataset first"
        )
    if count_images(src) == 0:
        raise JobDirError(
            f"{field_name}: {src} holds no images ({', '.join(IMAGE_EXTENSIONS)}); add images and captions"
        )
    shutil.copytree(src, dest, copy_function=_link_or_copy, ignore=shutil.ignore_patterns(".*"))


def create_job_dir(jobs_dir: Path, job_id: str, config: TrainConfig) -> Path:
    """Make JOB_DIR = jobs_dir/job_id with the frozen config and the dataset; returns it.

    A half-made folder is removed again, so a failure never leaves a job that cannot run.
    """
    job_dir = Path(jobs_dir).resolve() / job_id
    job_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        job_dir.mkdir()
    except FileExistsError:
        raise JobDirError(f"job folder {job_dir} already exists; job ids must be new") from None
    try:
        paths = JobPaths(job_dir)
        _copy_dataset(config.data_dir, paths.dataset, "data_dir")
        changes: dict[str, Any] = {"data_dir": str(paths.dataset), "output_dir": str(job_dir)}
        if config.regularization and config.reg_data_dir:
            _copy_dataset(config.reg_data_dir, paths.reg_dataset, "reg_data_dir")
            changes["reg_data_dir"] = str(paths.reg_dataset)
        if config.network_weights:
            changes["network_weights"] = str(_copy_network_weights(config, paths.network_weights))
        config.replace(**changes).save(paths.config)
    except BaseException:
        shutil.rmtree(job_dir, ignore_errors=True)
        raise
    return job_dir


def _copy_network_weights(config: TrainConfig, target: Path) -> Path:
    """Check the LoRA a job continues from (a kohya .safetensors, for the config's model family when it
    names one; no pickles) from its header, without torch, and copy it into the job folder, so the job
    does not depend on a file that may move or change. The worker checks it against the model again."""
    from trainer.engine.errors import TrainingError
    from trainer.engine.network_file import inspect_network_weights, resolve_network_weights

    try:
        if config.model_arch == "auto":
            inspect_network_weights(config.network_weights)  # the family is checked when the job starts
        else:
            resolve_network_weights(config, config.model_arch)
    except TrainingError as exc:
        raise JobDirError(f"network_weights: {exc.message}") from exc
    shutil.copyfile(Path(config.network_weights).expanduser(), target)
    return target


def read_job_config(job_dir: Path) -> TrainConfig:
    """The frozen config of a job folder (ConfigError names the file when it is missing or bad)."""
    return load_train_config(JobPaths(job_dir).config)


def dataset_problem(job_dir: Path) -> str | None:
    """Why the job cannot start for lack of data (None when it can). Checked before every start."""
    job_dir = Path(job_dir)
    if not job_dir.is_dir():
        return (
            f"the job folder {job_dir} is gone; it was deleted after the job was queued. Submit the job again"
        )
    try:
        config = read_job_config(job_dir)
    except ConfigError as exc:
        return f"the job's frozen config cannot be read ({exc}); submit the job again"
    folders = [("dataset", config.data_dir)]
    if config.regularization and config.reg_data_dir:
        folders.append(("regularization dataset", config.reg_data_dir))
    for what, folder in folders:
        if count_images(Path(folder)) == 0:
            return (
                f"the {what} vanished: {folder} holds no images any more (deleted after the job was "
                "queued). Upload the images again and submit a new job"
            )
    return None


def finished_output(job_dir: Path) -> dict[str, Any] | None:
    """The `done` event of a job that already finished training, when its output file is there.

    A worker that died between the child's `done` and recording success must not train the job again.
    """
    for event in reversed(read_events(job_dir)):
        if event.get("type") == "done":
            output = event.get("output")
            if isinstance(output, str) and (Path(job_dir) / output).is_file():
                return event
            return None
        if event.get("type") in ("start", "step"):
            return None
    return None


async def submit_job(
    store: JobStore,
    options: QueueOptions,
    config: TrainConfig,
    *,
    owner_id: int,
    guild_id: int | None = None,
    channel_id: int | None = None,
    dataset_id: str | None = None,
    priority: bool = False,
    vram_gb: float | None = None,
) -> Job:
    """Make the job folder, then queue the job. A refused job (`QueueFull`, `QuotaExceeded`) leaves
    no folder behind. Copying runs in a thread: the bot's event loop never waits on the disk.
    `vram_gb`: the advisor's estimate (`advisor.vram.job_needs`), so that only workers with that much
    free GPU memory claim it; the architecture comes from the config (none for 'auto')."""
    for attempt in range(3):
        job_id = new_job_id()
        try:
            job_dir = await asyncio.to_thread(create_job_dir, options.jobs_dir, job_id, config)
            break
        except JobDirError:
            # Only a name collision (or a folder left by a recreated database) gets another id.
            if attempt == 2 or not (options.jobs_dir / job_id).exists():
                raise
    frozen = await asyncio.to_thread(read_job_config, job_dir)
    spec = JobSpec(
        owner_id=owner_id,
        config=frozen.to_dict(),
        job_dir=str(job_dir),
        name=frozen.name,
        guild_id=guild_id,
        channel_id=channel_id,
        dataset_id=dataset_id,
        priority=priority,
        job_id=job_id,
        vram_gb=vram_gb,
        arch=frozen.model_arch if frozen.model_arch != "auto" else None,
        num_gpus=frozen.num_processes,  # a worker with fewer GPUs leaves it to one that has them
    )
    try:
        return await store.enqueue(spec, options.limits, max_attempts=options.max_attempts)
    except BaseException:
        await asyncio.to_thread(shutil.rmtree, job_dir, True)
        raise
