"""The layout of a job folder (JOB_DIR): one place that names every file and folder in it.

A job folder is what the worker gives a training or sample child (`python -m trainer.run JOB_DIR`,
`python -m trainer.sample JOB_DIR`) and what `loracord train --out DIR` writes; docs/contracts.md
("A job folder") describes each entry. Every reader and writer builds its paths here, so a renamed
file is renamed once. Torch-free and import-light: the bot, the queue and the CLI use it too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: data/jobs/<id>/ under storage.data_dir (the queue's job folders).
JOBS_FOLDER = "jobs"
#: data/datasets/<id>/ under storage.data_dir (the bot's datasets: raw uploads and prepared images).
DATASETS_FOLDER = "datasets"
CHECKPOINT_PREFIX = "step_"
# Inside a checkpoint folder (trainer.engine.checkpoint writes them; the queue reads them torch-free):
#: the LoRA weights,
CHECKPOINT_WEIGHTS = "lora.safetensors"
#: written last: its presence means the folder is complete and resumable,
CHECKPOINT_COMPLETE = "state.json"
#: a finished job's checkpoint trimmed by retention to its weights: good for sampling, not resumable.
CHECKPOINT_WEIGHTS_ONLY = "weights_only.json"


@dataclass(frozen=True)
class JobPaths:
    """Paths inside one job folder. `JobPaths(job_dir)`; `relative(path)` is how events name files."""

    job_dir: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "job_dir", Path(self.job_dir))

    # --- inputs ---------------------------------------------------------------------------------------
    @property
    def config(self) -> Path:
        """The frozen TrainConfig (config.toml)."""
        return self.job_dir / "config.toml"

    @property
    def dataset(self) -> Path:
        """The job's own copy of the training images (the dataset may change after submitting)."""
        return self.job_dir / "dataset"

    @property
    def reg_dataset(self) -> Path:
        """The job's own copy of the regularization images."""
        return self.job_dir / "reg_dataset"

    @property
    def network_weights(self) -> Path:
        """The job's own copy of the LoRA it continues from (`network_weights`)."""
        return self.job_dir / "network_weights.safetensors"

    @property
    def sample_request(self) -> Path:
        """A sample job's request (trainer.queue.samplereq)."""
        return self.job_dir / "sample_request.json"

    # --- what the child writes ------------------------------------------------------------------------
    @property
    def events(self) -> Path:
        """One JSON object per line, appended and flushed per event."""
        return self.job_dir / "events.jsonl"

    @property
    def samples(self) -> Path:
        return self.job_dir / "samples"

    def sample_image(self, step: int, index: int) -> Path:
        """A training run's sample: samples/step_000250_p0.png (step 0 = before training)."""
        return self.samples / f"step_{step:06d}_p{index}.png"

    def sample_grid(self, step: int) -> Path:
        """All prompts' samples of one step side by side: samples/step_000250_grid.png."""
        return self.samples / f"step_{step:06d}_grid.png"

    def sample_grids(self) -> list[Path]:
        """A training run's sample grids as they exist, oldest step first."""
        return sorted(self.samples.glob("step_*_grid.png"))

    def prompt_grid(self, prompt_index: int) -> Path:
        """A sample job's grid of one prompt (checkpoints x strengths): samples/grid_p0.png."""
        return self.samples / f"grid_p{prompt_index}.png"

    @property
    def checkpoints(self) -> Path:
        return self.job_dir / "checkpoints"

    def checkpoint(self, step: int) -> Path:
        """checkpoints/step_000500 (resumable: LoRA weights, optimizer, scheduler, RNG, data order)."""
        return self.checkpoints / f"{CHECKPOINT_PREFIX}{step:06d}"

    @property
    def output(self) -> Path:
        """The exported LoRA files (and the loss curve)."""
        return self.job_dir / "output"

    @property
    def loss_curve(self) -> Path:
        return self.output / "loss_curve.png"

    @property
    def validation_curve(self) -> Path:
        """validation.json: {"curve": [[step, val_loss], ...], "checkpoints": [steps]} (held-out
        images only; rewritten at each validation, read by the bot's progress message)."""
        return self.job_dir / "validation.json"

    @property
    def logs(self) -> Path:
        """TensorBoard logs (tensorboard = true)."""
        return self.job_dir / "logs"

    @property
    def cache(self) -> Path:
        """What a run may compute once and reuse on resume (latents, the base model's hash)."""
        return self.job_dir / "cache"

    @property
    def latent_cache(self) -> Path:
        """Latents cached on disk (cache_latents_to = "disk")."""
        return self.cache / "latents"

    @property
    def base_hash(self) -> Path:
        """The base model's hashes for the ss_* metadata (hashing a checkpoint takes seconds)."""
        return self.cache / "base_hash.json"

    @property
    def reg_images(self) -> Path:
        """Class images generated for prior preservation."""
        return self.job_dir / "reg_images"

    # --- what the worker and the bot write ------------------------------------------------------------
    @property
    def train_log(self) -> Path:
        """The child's stdout and stderr."""
        return self.job_dir / "train.log"

    @property
    def child_pid(self) -> Path:
        return self.job_dir / "child.pid"

    @property
    def diagnosis(self) -> Path:
        """A failed job's explanation (trainer.queue.failures)."""
        return self.job_dir / "diagnosis.json"

    @property
    def stop_flag(self) -> Path:
        """Written to stop: the loop stops before the next step and stays stopped while it exists."""
        return self.job_dir / "STOP"

    @property
    def sample_flag(self) -> Path:
        """Written to ask for samples after the current step; the loop deletes it."""
        return self.job_dir / "SAMPLE_NOW"

    @property
    def rebuilt_marker(self) -> Path:
        """Present in a worker host's copy of a job submitted elsewhere (trainer.artifacts.jobsync
        `materialize_job`): a copy is removed once the job ends; the job's own folder never has it."""
        return self.job_dir / ".rebuilt.json"

    @property
    def written_by_the_run(self) -> tuple[Path, ...]:
        """What training and the worker write into the folder; everything else in it is an input."""
        return (
            self.checkpoints,
            self.output,
            self.samples,
            self.logs,
            self.cache,
            self.events,
            self.train_log,
            self.stop_flag,
            self.child_pid,
            self.rebuilt_marker,
        )

    @property
    def result_files(self) -> tuple[Path, ...]:
        """The files of a finished job kept beside its served folders (events, log, diagnosis)."""
        return (self.events, self.train_log, self.diagnosis)

    def relative(self, path: Path) -> str:
        """`path` as events name it: relative to the job folder, with forward slashes."""
        return Path(path).relative_to(self.job_dir).as_posix()

    @property
    def served(self) -> tuple[Path, ...]:
        """The folders whose files the bot may hand out by signed link."""
        return (self.output, self.samples)


def checkpoint_step(path: Path) -> int | None:
    """The step of a checkpoint folder named by `JobPaths.checkpoint` (None for any other name)."""
    name = Path(path).name
    digits = name[len(CHECKPOINT_PREFIX) :]
    return int(digits) if name.startswith(CHECKPOINT_PREFIX) and digits.isdigit() else None


def read_events(job_dir: Path) -> list[dict[str, Any]]:
    """All well-formed events of JOB_DIR/events.jsonl (a half-written last line is skipped)."""
    path = JobPaths(job_dir).events
    if not path.is_file():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events
