"""Resumable checkpoints: RUN/checkpoints/step_NNNNNN/ with everything a run needs to continue exactly.

A checkpoint holds the LoRA weights in fp32 (lora.safetensors, keys prefixed "unet." / "te1." /
"te2."), the optimizer and scheduler states, every random-number state (Python, NumPy, torch, CUDA,
and the run's own noise generator), the step and the data position (epoch, batch). It is written
into a temporary folder and renamed when complete, so a crash mid-save never leaves a checkpoint
that looks usable; only `keep_checkpoints` of them are kept.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from trainer.job_paths import (
    CHECKPOINT_COMPLETE,
    CHECKPOINT_WEIGHTS,
    CHECKPOINT_WEIGHTS_ONLY,
    JobPaths,
    checkpoint_step,
)


@dataclass
class Checkpoint:
    path: Path
    step: int
    lora: dict[str, dict[str, torch.Tensor]]
    optimizer: dict[str, Any]
    scheduler: dict[str, Any]
    rng: dict[str, Any]
    state: dict[str, Any]


def checkpoint_dir(job_dir: Path, step: int) -> Path:
    return JobPaths(job_dir).checkpoint(step)


def rng_state(generator: torch.Generator) -> dict[str, Any]:
    state = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
        "generator": generator.get_state(),
        "generator_device": str(generator.device),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict[str, Any], generator: torch.Generator) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    generator.set_state(state["generator"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(
    job_dir: Path,
    step: int,
    *,
    lora: dict[str, dict[str, torch.Tensor]],
    optimizer: dict[str, Any],
    scheduler: dict[str, Any],
    rng: dict[str, Any],
    state: dict[str, Any],
    keep: int,
) -> Path:
    """Write a complete checkpoint atomically and delete the oldest beyond `keep`."""
    final = checkpoint_dir(job_dir, step)
    tmp = final.with_name(final.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        flat = {
            f"{part}.{key}": tensor.contiguous() for part, sd in lora.items() for key, tensor in sd.items()
        }
        save_file(flat, str(tmp / "lora.safetensors"))
        torch.save(optimizer, tmp / "optimizer.pt")
        torch.save(scheduler, tmp / "scheduler.pt")
        torch.save(rng, tmp / "rng.pt")
        (tmp / CHECKPOINT_COMPLETE).write_text(
            json.dumps({**state, "step": step}, indent=1), encoding="utf-8"
        )
        if final.exists():
            shutil.rmtree(final)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    prune_checkpoints(job_dir, keep)
    return final


def list_checkpoints(job_dir: Path) -> list[tuple[int, Path]]:
    """Complete checkpoints, oldest first."""
    root = JobPaths(job_dir).checkpoints
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        step = checkpoint_step(path)
        if step is not None and path.is_dir() and (path / CHECKPOINT_COMPLETE).is_file():
            found.append((step, path))
    return sorted(found)


def list_weights(job_dir: Path) -> list[tuple[int, Path]]:
    """Checkpoints whose LoRA weights can be read (complete or trimmed to weights), oldest first."""
    root = JobPaths(job_dir).checkpoints
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        step = checkpoint_step(path)
        marked = (path / CHECKPOINT_COMPLETE).is_file() or (path / CHECKPOINT_WEIGHTS_ONLY).is_file()
        if step is not None and marked and (path / CHECKPOINT_WEIGHTS).is_file():
            found.append((step, path))
    return sorted(found)


def prune_checkpoints(job_dir: Path, keep: int) -> None:
    for _, path in list_checkpoints(job_dir)[:-keep]:
        shutil.rmtree(path, ignore_errors=True)


def latest_checkpoint(job_dir: Path) -> Path | None:
    found = list_checkpoints(job_dir)
    return found[-1][1] if found else None


def load_lora_weights(path: Path) -> dict[str, dict[str, torch.Tensor]]:
    """Only the LoRA weights of a checkpoint folder ({"unet": ..., "te1": ...}), for sampling and export."""
    lora: dict[str, dict[str, torch.Tensor]] = {}
    for key, tensor in load_file(str(Path(path) / CHECKPOINT_WEIGHTS)).items():
        part, _, rest = key.partition(".")
        lora.setdefault(part, {})[rest] = tensor
    return lora


def checkpoint_state(path: Path) -> dict[str, Any]:
    """The step, epoch, data position and losses a checkpoint was written with."""
    path = Path(path)
    mark = (
        path / CHECKPOINT_COMPLETE
        if (path / CHECKPOINT_COMPLETE).is_file()
        else path / CHECKPOINT_WEIGHTS_ONLY
    )
    return json.loads(mark.read_text(encoding="utf-8"))


def load_checkpoint(path: Path) -> Checkpoint:
    path = Path(path)
    state = checkpoint_state(path)
    lora = load_lora_weights(path)
    optimizer = torch.load(path / "optimizer.pt", weights_only=True)
    scheduler = torch.load(path / "scheduler.pt", weights_only=True)
    # NumPy's RNG state is not a plain tensor, so weights_only cannot read it; the run wrote this file.
    rng = torch.load(path / "rng.pt", weights_only=False)
    return Checkpoint(path, int(state["step"]), lora, optimizer, scheduler, rng, state)
