"""Optimizers and learning-rate schedules.

AdamW is torch's; AdamW 8-bit is bitsandbytes' (GPU hosts, optional dependency `loracord[gpu]`);
Adafactor is transformers' with a fixed learning rate (no relative steps, so `learning_rate` means
what it says); Prodigy (prodigyopt) estimates the step size itself and is meant to be run with
learning_rate = 1.0. Schedules come from diffusers.optimization, with linear warm-up.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import torch

from trainer.engine.errors import TrainingError


def check_optimizer_available(name: str, device_type: str) -> None:
    """Refuse an optimizer that cannot run here, before any model is loaded."""
    if name == "adamw8bit":
        if importlib.util.find_spec("bitsandbytes") is None:
            raise TrainingError(
                "config",
                "adamw8bit needs the bitsandbytes package, which is not installed; install it with "
                "`pip install loracord[gpu]` on a GPU host, or choose optimizer = 'adamw'",
                field="optimizer",
            )
        if device_type != "cuda":
            raise TrainingError(
                "config",
                f"adamw8bit runs only on an NVIDIA GPU and this run is on {device_type}; choose 'adamw'",
                field="optimizer",
            )
    if name == "prodigy" and importlib.util.find_spec("prodigyopt") is None:
        raise TrainingError(
            "config", "prodigy needs the prodigyopt package: `pip install prodigyopt`", "optimizer"
        )


def build_optimizer(name: str, groups: Sequence[dict], weight_decay: float) -> torch.optim.Optimizer:
    """`groups` are torch param groups, each with its own "lr" (U-Net and text encoder differ)."""
    groups = [g for g in groups if g["params"]]
    if name == "adamw":
        # On a GPU one fused kernel steps every LoRA tensor (torch's default there, foreach, launches
        # several per group); on the CPU fused measured no faster, so torch's default stays.
        fused = all(p.is_cuda for g in groups for p in g["params"]) or None
        return torch.optim.AdamW(groups, weight_decay=weight_decay, betas=(0.9, 0.999), eps=1e-8, fused=fused)
    if name == "adamw8bit":
        import bitsandbytes as bnb

        return bnb.optim.AdamW8bit(groups, weight_decay=weight_decay, betas=(0.9, 0.999), eps=1e-8)
    if name == "adafactor":
        from transformers.optimization import Adafactor

        return Adafactor(
            groups, scale_parameter=False, relative_step=False, warmup_init=False, weight_decay=weight_decay
        )
    if name == "prodigy":
        from prodigyopt import Prodigy

        return Prodigy(groups, weight_decay=weight_decay, safeguard_warmup=True, use_bias_correction=True)
    raise TrainingError("config", f"unknown optimizer {name!r}", field="optimizer")


def build_scheduler(
    name: str, optimizer: torch.optim.Optimizer, *, warmup_steps: int, total_steps: int
) -> torch.optim.lr_scheduler.LRScheduler:
    from diffusers.optimization import get_scheduler

    if name == "constant" and warmup_steps:
        # "constant" ignores warm-up in diffusers; a user who set warm-up steps wants them.
        name = "constant_with_warmup"
    return get_scheduler(name, optimizer, num_warmup_steps=warmup_steps, num_training_steps=total_steps)
