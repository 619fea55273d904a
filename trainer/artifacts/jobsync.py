"""A job folder across hosts: inputs published at submission, checkpoints and results uploaded as
they are written, and the folder rebuilt on whichever host claims the job.

Layout in the artifact store:

    blobs/sha256/<hex>                        every input file, once per content
    jobs/<id>/inputs.json                     {"job_dir": <submitting host's path>, "files": {rel: sha256}}
    jobs/<id>/checkpoints/step_NNNNNN/<file>  each complete checkpoint; its state.json goes last
    jobs/<id>/output/..., samples/..., events.jsonl, train.log   the results (after the run)

A checkpoint is complete remotely when its `state.json` is there (the trainer writes the same file
last locally), so a worker killed mid-upload leaves a checkpoint that the next host ignores.
"""

from __future__ import annotations

import json
import logging
import shutil
import tomllib
from pathlib import Path

import tomli_w

from trainer.artifacts.base import ArtifactStore, file_sha256
from trainer.artifacts.cache import InputCache, blob_key
from trainer.job_paths import (
    CHECKPOINT_COMPLETE,
    CHECKPOINT_WEIGHTS,
    CHECKPOINT_WEIGHTS_ONLY,
    JobPaths,
    checkpoint_step,
)

log = logging.getLogger(__name__)

MANIFEST = "inputs.json"
_LAYOUT = JobPaths(Path("."))
#: Files and folders of a job folder that are not inputs.
NOT_INPUTS = {p.name for p in _LAYOUT.written_by_the_run}
RESULT_DIRS = tuple(_LAYOUT.relative(p) for p in _LAYOUT.served)
RESULT_FILES = tuple(_LAYOUT.relative(p) for p in _LAYOUT.result_files)
#: The checkpoints' folder, in the job folder and under the job's key prefix alike.
CHECKPOINTS = _LAYOUT.relative(_LAYOUT.checkpoints)


def job_prefix(job_id: str) -> str:
    return f"jobs/{job_id}/"


def publish_job(store: ArtifactStore, job_dir: Path, job_id: str) -> dict[str, str]:
    """Upload the job's inputs (each content once) and its manifest; returns {relative path: sha256}."""
    job_dir = Path(job_dir)
    files: dict[str, str] = {}
    for path in sorted(job_dir.rglob("*")):
        rel = path.relative_to(job_dir)
        if not path.is_file() or rel.parts[0] in NOT_INPUTS:
            continue
        sha = file_sha256(path)
        if not store.exists(blob_key(sha)):
            store.put_file(blob_key(sha), path, sha256=sha)
        files[rel.as_posix()] = sha
    manifest = {"job_dir": str(job_dir), "files": files}
    store.put_bytes(job_prefix(job_id) + MANIFEST, json.dumps(manifest, sort_keys=True).encode())
    return files


def materialize_job(
    store: ArtifactStore, cache: InputCache, job_id: str, jobs_dir: Path, *, resume: bool = True
) -> Path:
    """This host's folder for the job: inputs from the cache, paths in config.toml pointing here,
    and (`resume`) the newest checkpoint uploaded by any host, so training resumes from it."""
    manifest = json.loads(store.get_bytes(job_prefix(job_id) + MANIFEST))
    dest = Path(jobs_dir) / job_id
    if not dest.exists():  # a folder already there is the job's own (submitted here) or an earlier copy
        dest.mkdir(parents=True)
        marker = {"job_id": job_id, "submitted_as": str(manifest["job_dir"])}
        JobPaths(dest).rebuilt_marker.write_text(json.dumps(marker), encoding="utf-8")
    for rel, sha in manifest["files"].items():
        target = dest / rel
        if not target.is_file():
            cache.link_into(store, sha, target)
    config = JobPaths(dest).config
    if config.is_file():
        _relocate_config(config, str(manifest["job_dir"]), str(dest))
    if resume:
        restore_checkpoint(store, job_id, dest)
    return dest


def remote_weight_steps(store: ArtifactStore, job_id: str) -> list[int]:
    """Steps of the uploaded checkpoints whose LoRA weights a sample job can draw from."""
    remote = remote_checkpoints(store, job_id)
    return sorted(
        step
        for name, rels in remote.items()
        if CHECKPOINT_WEIGHTS in rels and (step := checkpoint_step(Path(name))) is not None
    )


def fetch_weights(store: ArtifactStore, job_id: str, job_dir: Path) -> list[Path]:
    """A finished run's weights on this host, for sampling it: every uploaded checkpoint's LoRA file
    (marked weights-only: no optimizer state comes with it) and the run's results (final LoRA, events).
    Returns the files written."""
    job_dir = Path(job_dir)
    written = []
    for name, rels in remote_checkpoints(store, job_id).items():
        folder = JobPaths(job_dir).checkpoints / name
        if CHECKPOINT_WEIGHTS not in rels or (folder / CHECKPOINT_WEIGHTS).is_file():
            continue
        store.get_file(
            f"{job_prefix(job_id)}{CHECKPOINTS}/{name}/{CHECKPOINT_WEIGHTS}", folder / CHECKPOINT_WEIGHTS
        )
        (folder / CHECKPOINT_WEIGHTS_ONLY).write_text("{}", encoding="utf-8")
        written.append(folder / CHECKPOINT_WEIGHTS)
    return written + download_results(store, job_id, job_dir)


def is_rebuilt_copy(job_dir: Path) -> bool:
    """Whether `job_dir` is this host's copy of a job submitted on another host (see materialize_job)."""
    return JobPaths(Path(job_dir)).rebuilt_marker.is_file()


def _relocate_config(config: Path, old_dir: str, new_dir: str) -> None:
    """Paths inside the submitting host's job folder become paths inside this one."""
    if old_dir == new_dir:
        return
    data = tomllib.loads(config.read_text(encoding="utf-8"))

    def move(value: object) -> object:
        if isinstance(value, str) and (value == old_dir or value.startswith(old_dir + "/")):
            return new_dir + value[len(old_dir) :]
        if isinstance(value, dict):
            return {k: move(v) for k, v in value.items()}
        return value

    config.unlink()  # a hard link into the cache: never write through it
    config.write_text(tomli_w.dumps(move(data)), encoding="utf-8")


def remote_checkpoints(store: ArtifactStore, job_id: str) -> dict[str, list[str]]:
    """Complete uploaded checkpoints: {folder name: [relative file paths]}."""
    prefix = f"{job_prefix(job_id)}{CHECKPOINTS}/"
    found: dict[str, list[str]] = {}
    for key in store.list_keys(prefix):
        name, _, rel = key[len(prefix) :].partition("/")
        if checkpoint_step(Path(name)) is not None and rel:
            found.setdefault(name, []).append(rel)
    return {name: rels for name, rels in found.items() if CHECKPOINT_COMPLETE in rels}


def restore_checkpoint(store: ArtifactStore, job_id: str, job_dir: Path) -> str | None:
    """Download the newest complete uploaded checkpoint unless this host has it; returns its name."""
    remote = remote_checkpoints(store, job_id)
    if not remote:
        return None
    name = max(remote)
    folder = JobPaths(job_dir).checkpoints / name
    if (folder / CHECKPOINT_COMPLETE).is_file():
        return name
    tmp = folder.with_name(f".{name}.download")
    shutil.rmtree(tmp, ignore_errors=True)
    for rel in sorted(remote[name], key=lambda r: r == CHECKPOINT_COMPLETE):
        store.get_file(f"{job_prefix(job_id)}{CHECKPOINTS}/{name}/{rel}", tmp / rel)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    log.info("job %s: resumes from checkpoint %s uploaded by another host", job_id, name)
    return name


class CheckpointUploader:
    """Uploads each complete local checkpoint once, as the trainer writes it (call `sync()` often)."""

    def __init__(self, store: ArtifactStore, job_id: str, job_dir: Path) -> None:
        self.store = store
        self.job_id = job_id
        self.job_dir = Path(job_dir)
        self.uploaded: set[str] = set(remote_checkpoints(store, job_id))

    def sync(self) -> list[str]:
        """Upload the checkpoints not uploaded yet; returns their names."""
        folder = JobPaths(self.job_dir).checkpoints
        if not folder.is_dir():
            return []
        done = []
        for ckpt in sorted(folder.iterdir()):
            if (
                ckpt.name in self.uploaded
                or checkpoint_step(ckpt) is None
                or not (ckpt / CHECKPOINT_COMPLETE).is_file()
            ):
                continue
            files = sorted(
                (p for p in ckpt.rglob("*") if p.is_file()), key=lambda p: p.name == CHECKPOINT_COMPLETE
            )
            for path in files:
                rel = path.relative_to(ckpt).as_posix()
                self.store.put_file(f"{job_prefix(self.job_id)}{CHECKPOINTS}/{ckpt.name}/{rel}", path)
            self.uploaded.add(ckpt.name)
            done.append(ckpt.name)
        return done


def upload_results(store: ArtifactStore, job_id: str, job_dir: Path) -> list[str]:
    """Upload the run's results (output, samples, events, log); returns the keys written."""
    job_dir = Path(job_dir)
    keys = []
    paths = [job_dir / f for f in RESULT_FILES] + [
        p for d in RESULT_DIRS for p in sorted((job_dir / d).rglob("*")) if (job_dir / d).is_dir()
    ]
    for path in paths:
        if path.is_file():
            key = job_prefix(job_id) + path.relative_to(job_dir).as_posix()
            store.put_file(key, path)
            keys.append(key)
    return keys


def download_results(store: ArtifactStore, job_id: str, job_dir: Path) -> list[Path]:
    """Fetch a finished job's uploaded results (output, samples, events, log, diagnosis) into the
    submitting host's `job_dir`, skipping files it has; returns the files written."""
    job_dir = Path(job_dir)
    prefix = job_prefix(job_id)
    written = []
    for key in store.list_keys(prefix):
        relative = key[len(prefix) :]
        wanted = relative in RESULT_FILES or any(relative.startswith(f"{d}/") for d in RESULT_DIRS)
        dest = job_dir / relative
        if wanted and ".." not in Path(relative).parts and not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            store.get_file(key, dest)
            written.append(dest)
    return written
