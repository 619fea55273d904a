"""Optimizers and learning-rate schedules.

AdamW is torch's; AdamW 8-bit is bitsandbytes' (GPU hosts, optional dependency `loracord[gpu]`);
Adafactor is transformers' with a fixed learning rate (no relative steps, so `learning_rate` means
what it says); Prodigy (prodigyopt) estimates the step size itself and is meant to be run with
learning_rate = 1.0; Lion (lion-pytorch), schedule-free AdamW (schedulefree) and CAME (came-pytorch)
as in sd-scripts. `optimizer_args` are checked and merged in optim_args.py. Schedules come from
diffusers.optimization, with linear warm-up, plus cosine_with_min_lr.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch

from trainer.engine.errors import TrainingError
from trainer.engine.optim_args import CLASSES, optimizer_class, optimizer_kwargs, set_train_mode


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
    if name in ("lion", "adamwschedulefree", "came"):
        module, _, package = CLASSES[name]
        if importlib.util.find_spec(module) is None:
            raise TrainingError(
                "config", f"{name} needs the {package} package: `pip install {package}`", "optimizer"
            )
    if name == "prodigy" and importlib.util.find_spec("prodigyopt") is None:
        raise TrainingError(
            "config", "prodigy needs the prodigyopt package: `pip install prodigyopt`", "optimizer"
        )


def build_optimizer(
    name: str, groups: Sequence[dict], weight_decay: float, args: Mapping[str, Any] | None = None
) -> torch.optim.Optimizer:
    """`groups` are torch param groups, each with its own "lr" (U-Net and text encoder differ);
    `args` are the checked optimizer_args (optim_args.check_optimizer_args), laid over our defaults."""
    groups = [g for g in groups if g["params"]]
    if name not in CLASSES:
        raise TrainingError("config", f"unknown optimizer {name!r}", field="optimizer")
    # Each group carries its own lr; the first is also the default some classes insist on (CAME).
    kwargs = {"lr": groups[0]["lr"], **optimizer_kwargs(name, weight_decay, args or {})} if groups else {}
    if name == "adamw" and "fused" not in kwargs:
        # On a GPU one fused kernel steps every LoRA tensor (torch's default there, foreach, launches
        # several per group); on the CPU fused measured no faster, so torch's default stays.
        kwargs["fused"] = all(p.is_cuda for g in groups for p in g["params"]) or None
    optimizer = optimizer_class(name)(groups, **kwargs)
    set_train_mode(optimizer, True)
    return optimizer


def build_scheduler(
    name: str,
    optimizer: torch.optim.Optimizer,
    *,
    warmup_steps: int,
    total_steps: int,
    num_cycles: int = 1,
    power: float = 1.0,
    min_lr_ratio: float | None = None,
) -> torch.optim.lr_scheduler.LRScheduler:
    """diffusers' schedules (num_cycles: cosine_with_restarts' hard restarts, power: polynomial's),
    and cosine_with_min_lr, a cosine that ends at min_lr_ratio × the start (sd-scripts' names)."""
    from diffusers.optimization import get_scheduler

    if name == "cosine_with_min_lr":
        return cosine_with_min_lr(optimizer, warmup_steps, total_steps, min_lr_ratio or 0.0)
    if name == "constant" and warmup_steps:
        # "constant" ignores warm-up in diffusers; a user who set warm-up steps wants them.
        name = "constant_with_warmup"
    return get_scheduler(
        name,
        optimizer,
        num_warmup_steps=warmup_steps,
        num_training_steps=total_steps,
        num_cycles=num_cycles,
        power=power,
    )


def cosine_with_min_lr(
    optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int, min_lr_ratio: float
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up, then half a cosine from 1 down to min_lr_ratio (times each group's lr)."""

    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
        return min_lr_ratio + (1 - min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
