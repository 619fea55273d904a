"""Validation loss on held-out images, comparable from step to step.

The held-out images come from `validation_data_dir`, or `validation_split` of the training images
(picked with validation_seed, and then never trained on). Every `validate_every_n_steps` (default:
once per epoch's worth of steps) and at the end, each held-out image is noised at the same fixed
timesteps (sd-scripts': 4 evenly spaced inside [min_timestep, max_timestep]) with the same noise
(seeded per image), and the plain MSE to the target is averaged. Nothing random is drawn from the
run's own generators, so training continues exactly as without validation; the same weights always
give the same value. `val_loss` goes into the step event and a `validation` event.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from config.arch import arch_spec
from trainer.engine.cache import LatentSource
from trainer.engine.checkpoint import list_checkpoints
from trainer.engine.data import Dataset
from trainer.engine.errors import TrainingError
from trainer.engine.optim_args import EvalWeights
from trainer.job_paths import JobPaths

#: sd-scripts' NUM_VALIDATION_TIMESTEPS.
NUM_TIMESTEPS = 4


def validation_seed(cfg: Any) -> int:
    return cfg.seed if cfg.validation_seed is None else cfg.validation_seed


def split_validation(
    cfg: Any, train_data: Dataset, scan: Callable[[Path], Dataset]
) -> tuple[Dataset, Dataset | None]:
    """(training images, held-out images or None). `scan(folder)` reads validation_data_dir."""
    if cfg.validation_data_dir:
        folder = Path(cfg.validation_data_dir).expanduser()
        if not folder.is_dir():
            raise TrainingError(
                "data", f"validation folder {folder} does not exist or is not a folder", "validation_data_dir"
            )
        held = scan(folder)
        if not held.items:
            raise TrainingError("data", f"{folder} holds no usable images", "validation_data_dir")
        return train_data, held
    if not cfg.validation_split:
        return train_data, None
    n = len(train_data.items)
    k = round(n * cfg.validation_split)
    if k < 1 or k >= n:
        raise TrainingError(
            "data",
            f"validation_split {cfg.validation_split:g} of {n} images holds out {k}; it must leave at least "
            "one image on each side (raise or lower it, or use validation_data_dir)",
            "validation_split",
        )
    held = set(random.Random(f"{validation_seed(cfg)}:validation").sample(range(n), k))
    keep = [it for i, it in enumerate(train_data.items) if i not in held]
    out = [it for i, it in enumerate(train_data.items) if i in held]
    return dataclasses.replace(train_data, items=keep), Dataset(items=out)


def fixed_timesteps(min_timestep: int, max_timestep: int) -> list[int]:
    return [int(t) for t in np.linspace(min_timestep, max_timestep, NUM_TIMESTEPS + 2, dtype=int)[1:-1]]


@dataclass
class Validator:
    """The held-out images' latents (cached in memory) and captions, and when to measure."""

    latents: LatentSource
    pairs: list[tuple[int, tuple[int, int]]]
    captions: list[str]
    timesteps: list[int]
    seed: int
    every: int

    def due(self, step: int, total: int) -> bool:
        return step % self.every == 0 or step == total


def build_validator(
    cfg: Any, held: Dataset | None, model: Any, text: Any, bucket: Callable, steps_per_epoch: int
) -> Validator | None:
    """Encode the held-out images once (and their captions, when the run caches captions);
    `bucket(item)` is the bucket the run would give the image."""
    if held is None:
        return None
    items = held.items[: cfg.max_validation_steps or None]
    latents = LatentSource(
        model.vae, items, scaling=model.scaling_factor, shift=model.shift_factor or 0.0, mode="memory"
    )
    pairs = [(i, bucket(it)) for i, it in enumerate(items)]
    latents.fill(pairs)
    if text.cached:
        text.fill([it.caption for it in items])
    return Validator(
        latents=latents,
        pairs=pairs,
        captions=[it.caption for it in items],
        timesteps=fixed_timesteps(cfg.min_timestep, min(cfg.max_timestep, 1000)),
        seed=validation_seed(cfg),
        every=cfg.validate_every_n_steps or max(1, steps_per_epoch),
    )


@torch.no_grad()
def validation_loss(
    validator: Validator, unet: Any, noise_scheduler: Any, text: Any, settings: Any, device: torch.device
) -> float:
    """Mean MSE over held-out images × fixed timesteps, with fixed noise per image."""
    dtype = next(unet.parameters()).dtype
    values = []
    for j, (pair, caption) in enumerate(zip(validator.pairs, validator.captions, strict=True)):
        latents, sizes = validator.latents.get([pair])
        latents = latents.to(device, dtype)
        hidden, pooled = text.get([caption])
        hidden = hidden.to(device, dtype)
        added = None
        if arch_spec(settings.arch).micro_conditioning:
            added = {"text_embeds": pooled.to(device, dtype), "time_ids": sizes.to(device, dtype)}
        generator = torch.Generator("cpu").manual_seed(validator.seed * 100_003 + j)
        noise = torch.randn(latents.shape, generator=generator).to(device, dtype)
        for t in validator.timesteps:
            timesteps = torch.tensor([t], device=device)
            noisy = noise_scheduler.add_noise(latents, noise, timesteps)
            if settings.prediction_type == "v_prediction":
                target = noise_scheduler.get_velocity(latents, noise, timesteps)
            else:
                target = noise
            pred = unet(noisy, timesteps, hidden, added_cond_kwargs=added).sample
            values.append(torch.nn.functional.mse_loss(pred.float(), target.float()).item())
    return float(np.mean(values))


def validate_if_due(session: Any, step: int) -> dict[str, float]:
    """At a due step: measure, remember, emit a `validation` event; returns the step event's extra
    field ({"val_loss": v}) or {}."""
    validator = session.validator
    if validator is None or not validator.due(step, session.total_steps):
        return {}
    accelerator = session.accelerator
    if not accelerator.is_main_process:
        # With several processes the main one measures and writes the curve; validation uses
        # no collective operation and none of the run's random draws, so the others skip it.
        return {}
    with EvalWeights(session.optimizer), accelerator.autocast():
        value = validation_loss(
            validator,
            session.trained[0],
            session.model.noise_scheduler,
            session.text,
            session.loss_settings,
            accelerator.device,
        )
    value = round(value, 6)
    session.val_losses.append((step, value))
    session.events.emit("validation", step=step, val_loss=value, images=len(validator.pairs))
    write_curve(session.job_dir, session.val_losses)
    return {"val_loss": value}


def write_curve(job_dir: Path, curve: list[tuple[int, float]]) -> None:
    """JOB_DIR/validation.json, atomically: the curve so far and the checkpoints saved so far."""
    path = JobPaths(job_dir).validation_curve
    saved = [step for step, _ in list_checkpoints(job_dir)]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"curve": [list(p) for p in curve], "checkpoints": saved}), encoding="utf-8")
    tmp.replace(path)
