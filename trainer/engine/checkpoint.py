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

CHECKPOINTS = "checkpoints"
COMPLETE_MARK = "state.json"  # written last: its presence means the folder is complete
#: A finished job's checkpoint trimmed by retention to its LoRA weights (trainer.queue.retention):
#: no longer resumable, still good for sampling and export.
WEIGHTS_ONLY_MARK = "weights_only.json"
WEIGHTS_FILE = "lora.safetensors"
_PREFIX = "step_"


@dataclass
class Checkpoint:
    path: Path
    step: int
    lora: dict[str, dict[str, torch.Tensor]]
    optimizer: dict[str, Any]
    scheduler: dict[str, Any]
    rng: dict[str, Any]
    state: dict[str, Any]


def checkpoint_dir(run_dir: Path, step: int) -> Path:
    return Path(run_dir) / CHECKPOINTS / f"{_PREFIX}{step:06d}"


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
    run_dir: Path,
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
    final = checkpoint_dir(run_dir, step)
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
        (tmp / COMPLETE_MARK).write_text(json.dumps({**state, "step": step}, indent=1), encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    prune_checkpoints(run_dir, keep)
    return final


def list_checkpoints(run_dir: Path) -> list[tuple[int, Path]]:
    """Complete checkpoints, oldest first."""
    root = Path(run_dir) / CHECKPOINTS
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        name = path.name
        numbered = name.startswith(_PREFIX) and name[len(_PREFIX) :].isdigit()
        if numbered and path.is_dir() and (path / COMPLETE_MARK).is_file():
            found.append((int(name[len(_PREFIX) :]), path))
    return sorted(found)


def list_weights(run_dir: Path) -> list[tuple[int, Path]]:
    """Checkpoints whose LoRA weights can be read (complete or trimmed to weights), oldest first."""
    root = Path(run_dir) / CHECKPOINTS
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        digits = path.name[len(_PREFIX) :]
        marked = (path / COMPLETE_MARK).is_file() or (path / WEIGHTS_ONLY_MARK).is_file()
        if path.name.startswith(_PREFIX) and digits.isdigit() and marked and (path / WEIGHTS_FILE).is_file():
            found.append((int(digits), path))
    return sorted(found)


def prune_checkpoints(run_dir: Path, keep: int) -> None:
    for _, path in list_checkpoints(run_dir)[:-keep]:
        shutil.rmtree(path, ignore_errors=True)


def latest_checkpoint(run_dir: Path) -> Path | None:
    found = list_checkpoints(run_dir)
    return found[-1][1] if found else None


def load_lora_weights(path: Path) -> dict[str, dict[str, torch.Tensor]]:
    """Only the LoRA weights of a checkpoint folder ({"unet": ..., "te1": ...}), for sampling and export."""
    lora: dict[str, dict[str, torch.Tensor]] = {}
    for key, tensor in load_file(str(Path(path) / WEIGHTS_FILE)).items():
        part, _, rest = key.partition(".")
        lora.setdefault(part, {})[rest] = tensor
    return lora


def checkpoint_state(path: Path) -> dict[str, Any]:
    """The step, epoch, data position and losses a checkpoint was written with."""
    path = Path(path)
    mark = path / COMPLETE_MARK if (path / COMPLETE_MARK).is_file() else path / WEIGHTS_ONLY_MARK
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
