"""The soak's jobs and who finishes them (bench/soak_discord.py).

Real jobs train the project's tiny SD1.5 model for a few steps: queued in the real store with
`submit_job`, run by the project's worker processes (`python -m cli.worker_process`, exactly as
`loracord worker` and the bot's embedded worker start them), each in its own `python -m trainer.run`
child — a real LoRA, sample grids and a loss curve. Stand-in jobs are claimed by this process and
finished at once with files of the same names: they keep `make test`'s soak affordable. The two never
mix: real jobs carry the architecture `sd15` and the workers claim only that; stand-in jobs carry
`standin`, which only the stand-in claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from config.settings import Settings
from trainer.queue.jobdir import submit_job
from trainer.queue.launcher import worker_argv
from trainer.queue.options import QueueOptions, WorkerOptions
from trainer.queue.store import JobStore
from trainer.queue.types import JobResult, JobSpec, JobStatus
from trainer.queue.workers import WorkerCapacity

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 256
#: The architecture stand-in jobs carry, so that no real worker claims one.
STANDIN_ARCH = "standin"
#: Steps of a real job: the base model's baseline grid, two steps, the final grid, the LoRA.
REAL_STEPS = 2
ROOT = Path(__file__).resolve().parents[1]


def build_tiny_model(out: Path) -> Path:
    """The tiny SD1.5 pipeline (random weights), built in a child process: this one stays torch-free."""
    if not (out / "model_index.json").is_file():
        code = (
            "import sys; from pathlib import Path; from trainer.models.tiny import build_tiny_pipeline; "
            "build_tiny_pipeline(Path(sys.argv[1]), 'sd15')"
        )
        subprocess.run([sys.executable, "-c", code, str(out)], check=True, cwd=ROOT, timeout=600)
    return out


def write_dataset(folder: Path) -> Path:
    """Two captioned 64-pixel images: enough for the trainer's checks, quick to load."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(2):
        pixels = rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{i}.png")
        (folder / f"{i}.txt").write_text("sks pattern", encoding="utf-8")
    return folder


def tiny_config(model: Path, data: Path, name: str) -> Any:
    from config.training import TrainConfig

    return TrainConfig(
        pretrained_model=str(model),
        model_arch="sd15",
        data_dir=str(data),
        name=name,
        max_train_steps=REAL_STEPS,
        resolution=64,
        min_bucket_reso=64,
        max_bucket_reso=64,
        train_batch_size=1,
        network_dim=4,
        network_alpha=4.0,
        learning_rate=1e-3,
        sample_every_n_steps=0,
        sample_steps=1,
        save_every_n_steps=0,
        sample_prompts=["sks"],
    )


async def queue_real(store: JobStore, options: QueueOptions, config: Any, owner_id: int, channel: Any) -> str:
    job = await submit_job(
        store, options, config, owner_id=owner_id, guild_id=channel.guild_id, channel_id=channel.id
    )
    return job.id


async def queue_standin(
    store: JobStore, options: QueueOptions, owner_id: int, channel: Any, index: int
) -> str:
    job_dir = options.jobs_dir / f"soak-{index:04d}"
    (job_dir / "output").mkdir(parents=True, exist_ok=True)
    spec = JobSpec(
        owner_id=owner_id, config={}, job_dir=str(job_dir), name=f"soak{index}", guild_id=channel.guild_id,
        channel_id=channel.id, job_id=f"261206-000000-{index:08x}", arch=STANDIN_ARCH,
    )  # fmt: skip
    return (await store.enqueue(spec, options.limits)).id


async def finish_standin(store: JobStore, options: QueueOptions) -> bool:
    """Claim the next stand-in job (the store's fair order) and finish it with the files the trainer
    writes; False when none may be claimed now."""
    capacity = WorkerCapacity(archs=(STANDIN_ARCH,))
    job = await store.claim("soak-standin", 600, options.limits, capacity=capacity)
    if job is None:
        return False
    job_dir = Path(job.job_dir)
    (job_dir / "samples").mkdir(exist_ok=True)
    lora = job_dir / "output" / f"{job.name}.safetensors"
    lora.write_bytes(os.urandom(2048))
    (job_dir / "output" / "loss_curve.png").write_bytes(PNG)
    (job_dir / "samples" / "step_000010_grid.png").write_bytes(PNG)
    await store.finish(job.id, "soak-standin", JobStatus.SUCCEEDED, JobResult(output=str(lora)))
    return True


class Workers:
    """The project's worker processes, claiming only real (`sd15`) jobs; their logs go to files."""

    def __init__(self, settings: Settings, count: int, logs: Path) -> None:
        base = WorkerOptions.from_settings(settings)
        self.options = replace(base, archs=("sd15",), idle_seconds=0.2)
        self.count = count
        self.logs = logs
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self) -> None:
        # One torch thread per training child: much faster for tiny models on a shared CPU.
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.logs.mkdir(parents=True, exist_ok=True)
        for i in range(self.count):
            with open(self.logs / f"worker-{i}.log", "ab") as log:
                self.processes.append(
                    await asyncio.create_subprocess_exec(
                        *worker_argv(self.options), env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
                    )
                )

    def check(self) -> None:
        dead = [p.returncode for p in self.processes if p.returncode is not None]
        if dead:
            raise RuntimeError(f"a worker process exited ({dead}); see {self.logs}")

    async def stop(self) -> None:
        """SIGTERM (what `loracord worker` passes on), then wait; kill what does not stop."""
        for proc in self.processes:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes:
            try:
                await asyncio.wait_for(proc.wait(), self.options.cancel_grace_seconds + 10)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()


def real_indices(jobs: int, real: int | None) -> set[int]:
    """Which of the jobs train for real: all (None), or `real` of them spread evenly."""
    if real is None or real >= jobs:
        return set(range(jobs))
    return {(k * jobs) // real + 1 for k in range(real)} if real > 0 else set()
