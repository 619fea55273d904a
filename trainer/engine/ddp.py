"""One job on several processes (GPUs): data-parallel training with `train.num_processes`.

`python -m trainer.run JOB_DIR` with num_processes N > 1 starts N copies of itself through
`torch.distributed.run` (what `accelerate launch` does); the `Accelerator` of each copy joins the
process group (NCCL on GPUs, gloo on the CPU). Then:

- every rank walks the same batch order and takes every N-th batch (rank r: batches r, N + r, ...),
  so one optimizer step sees N × gradient_accumulation_steps different batches;
- every rank draws the noise of all N batches from the same generator (the U-Net runs only on its
  own batch; the others' draws are cheap), so the run equals a 1-process run with N times the
  gradient accumulation, and one RNG state in a checkpoint serves every rank;
- the LoRA gradients are averaged over the ranks before each optimizer step (one flat all-reduce:
  it covers the text-encoder LoRA too, whose forward does not go through a DDP wrapper);
- only the main process writes events, samples, checkpoints and the output; every rank loads a
  checkpoint when the run resumes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import torch

from trainer.engine.events import EventWriter


def launched() -> bool:
    """True inside a rank started by torch.distributed.run / accelerate launch."""
    return "LOCAL_RANK" in os.environ and int(os.environ.get("WORLD_SIZE", "1")) > 1


def rank() -> int:
    return int(os.environ.get("RANK", "0")) if launched() else 0


def gpu_shortfall(num_processes: int) -> str | None:
    """Why `num_processes` cannot run on this worker (None: it can). On a machine without CUDA the
    ranks run on the CPU (gloo), which is how the tests exercise it."""
    if num_processes <= 1 or not torch.cuda.is_available():
        return None
    gpus = torch.cuda.device_count()
    if num_processes > gpus:
        return (
            f"num_processes = {num_processes} but this worker sees {gpus} GPU(s); lower num_processes "
            "to at most that, or run the job on a worker that is not pinned to one GPU (docs/deploy.md)"
        )
    return None


def launch_ranks(job_dir: Path, num_processes: int) -> int:
    """Run `trainer.run JOB_DIR` as `num_processes` ranks; returns the launcher's exit status."""
    argv = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc_per_node={num_processes}",
        "-m",
        "trainer.run",
        str(job_dir),
    ]
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    return subprocess.run(argv, env=env, check=False).returncode


class RankEvents(EventWriter):
    """The event writer of a rank other than the main one: only its `error` reaches the file."""

    def emit(self, event_type: str, /, **fields):  # noqa: ANN201 - EventWriter's signature
        if event_type == "error":
            return super().emit(event_type, rank=rank(), **fields)
        return {"type": event_type, **fields}


def average_gradients(params: list[torch.nn.Parameter], world: int) -> None:
    """Average the gradients of `params` over all ranks (one flat all-reduce)."""
    if world <= 1:
        return
    import torch.distributed as dist

    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat, op=dist.ReduceOp.SUM)
    flat /= world
    offset = 0
    for g in grads:
        g.copy_(flat[offset : offset + g.numel()].view_as(g))
        offset += g.numel()


def any_rank(accelerator, flag: bool) -> bool:  # noqa: ANN001 - Accelerator
    """True on every rank when `flag` is true on any (a STOP seen by one rank stops them all)."""
    if accelerator.num_processes <= 1:
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=accelerator.device)
    return bool(accelerator.reduce(value, reduction="sum").item() > 0)


def mean_over_ranks(accelerator, value: float) -> float:  # noqa: ANN001 - Accelerator
    """The mean of a per-rank number (the loss of the global batch)."""
    if accelerator.num_processes <= 1:
        return value
    tensor = torch.tensor([value], dtype=torch.float64, device=accelerator.device)
    return float(accelerator.reduce(tensor, reduction="mean").item())


class SkipUNet:
    """Stands in for the U-Net when a rank only replays another rank's noise draws."""

    def __call__(self, noisy: torch.Tensor, *args, **kwargs):
        from types import SimpleNamespace

        return SimpleNamespace(sample=torch.zeros_like(noisy))
