"""Config changes that a rule's `fix` names: `fn(config, facts, **params) -> {field: new value}`.

`diagnose` applies the fixes of the rules that fired to the failed run's config to build the config
to retry with. A fix returns only fields whose value really changes; an empty dict means the fix
has nothing left to give (batch already 1, say), and the next rule's fix is used instead.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from advisor.facts import Facts
from advisor.memory import precision_for
from config.training import TrainConfig

Fix = Callable[..., dict[str, Any]]
FIXES: dict[str, Fix] = {}


def fix(name: str) -> Callable[[Fix], Fix]:
    def register(fn: Fix) -> Fix:
        FIXES[name] = fn
        return fn

    return register


def check_fix(name: str, params: Mapping[str, Any]) -> str | None:
    fn = FIXES.get(name)
    if fn is None:
        return f"unknown fix {name!r}; known: {', '.join(sorted(FIXES))}"
    try:
        inspect.signature(fn).bind(None, None, **params)
    except TypeError as exc:
        return f"fix {name!r}: {exc}"
    return None


def _changed(cfg: TrainConfig, values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if getattr(cfg, k) != v}


@fix("set")
def set_fields(cfg: TrainConfig, facts: Facts, values: Mapping[str, Any]) -> dict[str, Any]:
    return _changed(cfg, values)


@fix("halve_batch")
def halve_batch(cfg: TrainConfig, facts: Facts) -> dict[str, Any]:
    """Half the images per step, twice the accumulation: the same effective batch, half the memory."""
    if cfg.train_batch_size <= 1:
        return {}
    batch = max(1, cfg.train_batch_size // 2)
    factor = cfg.train_batch_size // batch
    return {
        "train_batch_size": batch,
        "gradient_accumulation_steps": cfg.gradient_accumulation_steps * factor,
    }


@fix("halve_rank")
def halve_rank(cfg: TrainConfig, facts: Facts, floor: int = 8) -> dict[str, Any]:
    """Lower rank, alpha scaled with it so the update strength (alpha / rank) stays the same."""
    if cfg.network_dim <= floor:
        return {}
    rank = max(floor, cfg.network_dim // 2)
    return {"network_dim": rank, "network_alpha": cfg.network_alpha * rank / cfg.network_dim}


@fix("lower_resolution")
def lower_resolution(cfg: TrainConfig, facts: Facts, floor: int = 512) -> dict[str, Any]:
    steps = (1024, 896, 768, 640, 512, 384, 256)
    lower = next((s for s in steps if s < cfg.resolution), None)
    if lower is None or lower < floor:
        return {}
    return {"resolution": lower}


@fix("scale_lr")
def scale_lr(cfg: TrainConfig, facts: Facts, factor: float, floor: float = 1e-5) -> dict[str, Any]:
    """Scale every learning rate by `factor`, never below `floor` (Prodigy is left alone)."""
    if cfg.optimizer == "prodigy":
        return {}
    out: dict[str, Any] = {}
    for name in ("learning_rate", "unet_lr", "text_encoder_lr"):
        value = getattr(cfg, name)
        if value is not None and value > floor:
            out[name] = float(f"{max(floor, value * factor):.3g}")
    return out


@fix("safer_precision")
def safer_precision(cfg: TrainConfig, facts: Facts) -> dict[str, Any]:
    """fp16 overflows (NaN) where bf16 does not; GPUs before Ampere have no bf16, so they train in fp32."""
    if cfg.mixed_precision != "fp16":
        return {}
    # bf16 only on a GPU known to have it; an unnamed one may be a GTX 10xx / RTX 20xx.
    return {"mixed_precision": "bf16" if precision_for(facts.hardware) == "bf16" else "no"}


@fix("mixed_precision_on")
def mixed_precision_on(cfg: TrainConfig, facts: Facts) -> dict[str, Any]:
    if cfg.mixed_precision != "no" or facts.hardware.has_gpu is False:
        return {}
    return {"mixed_precision": precision_for(facts.hardware)}


@fix("optimizer_8bit")
def optimizer_8bit(cfg: TrainConfig, facts: Facts) -> dict[str, Any]:
    if cfg.optimizer != "adamw" or facts.hardware.has_gpu is False:
        return {}
    return {"optimizer": "adamw8bit"}


@fix("fewer_checkpoints")
def fewer_checkpoints(cfg: TrainConfig, facts: Facts) -> dict[str, Any]:
    out: dict[str, Any] = {"keep_checkpoints": 1}
    if cfg.save_every_n_steps:
        out["save_every_n_steps"] = cfg.save_every_n_steps * 2
    if cfg.cache_latents and cfg.cache_latents_to == "disk":
        out["cache_latents_to"] = "memory"
    return _changed(cfg, out)


@fix("more_views")
def more_views(cfg: TrainConfig, facts: Facts, target: float, max_steps: int = 5000) -> dict[str, Any]:
    """Enough steps that each image is seen about `target` times, within the guide's step range."""
    n = facts.num_images
    if not n or not cfg.max_train_steps:
        return {}
    per_step = cfg.train_batch_size * cfg.gradient_accumulation_steps
    steps = min(max_steps, max(1000, round(target * n / per_step / 100) * 100))
    return {"max_train_steps": steps} if steps > cfg.max_train_steps else {}


@fix("fewer_views")
def fewer_views(cfg: TrainConfig, facts: Facts, target: float, min_steps: int = 1000) -> dict[str, Any]:
    n = facts.num_images
    if not n or not cfg.max_train_steps:
        return {}
    per_step = cfg.train_batch_size * cfg.gradient_accumulation_steps
    steps = max(min_steps, round(target * n / per_step / 100) * 100)
    return {"max_train_steps": steps} if steps < cfg.max_train_steps else {}
