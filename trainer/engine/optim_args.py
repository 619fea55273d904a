"""Which class each `optimizer` name builds, its default arguments, and `optimizer_args` checked
against the class's own signature (sd-scripts' `--optimizer_args key=value ...`).

Lion is lion-pytorch's, schedule-free AdamW is Meta's `schedulefree` package (it needs
`optimizer.train()` before steps and `.eval()` before its weights are read: `set_train_mode`), CAME is
`came_pytorch`. Each is imported only when chosen.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping, Sequence
from typing import Any

from config.training_more import parse_optimizer_args
from trainer.engine.errors import TrainingError

#: name -> (module, class, pip package)
CLASSES = {
    "adamw": ("torch.optim", "AdamW", "torch"),
    "adamw8bit": ("bitsandbytes.optim", "AdamW8bit", "bitsandbytes"),
    "adafactor": ("transformers.optimization", "Adafactor", "transformers"),
    "prodigy": ("prodigyopt", "Prodigy", "prodigyopt"),
    "lion": ("lion_pytorch", "Lion", "lion-pytorch"),
    "adamwschedulefree": ("schedulefree", "AdamWScheduleFree", "schedulefree"),
    "came": ("came_pytorch", "CAME", "came-pytorch"),
}

#: Our defaults per optimizer (weight_decay comes from the config); optimizer_args override them.
DEFAULTS: dict[str, dict[str, Any]] = {
    "adamw": {"betas": (0.9, 0.999), "eps": 1e-8},
    "adamw8bit": {"betas": (0.9, 0.999), "eps": 1e-8},
    # A fixed learning rate: no relative steps, so learning_rate means what it says.
    "adafactor": {"scale_parameter": False, "relative_step": False, "warmup_init": False},
    "prodigy": {"safeguard_warmup": True, "use_bias_correction": True},
    "lion": {"betas": (0.9, 0.99)},
    "adamwschedulefree": {"betas": (0.9, 0.999)},
    "came": {"betas": (0.9, 0.999, 0.9999), "eps": (1e-30, 1e-16)},
}

#: Set by the trainer itself, never by optimizer_args.
RESERVED = {"params": "the LoRA weights", "lr": "learning_rate / unet_lr / text_encoder_lr"}


def optimizer_class(name: str) -> type:
    module, cls, package = CLASSES[name]
    try:
        return getattr(importlib.import_module(module), cls)
    except ImportError:
        raise TrainingError(
            "config", f"{name} needs the {package} package: `pip install {package}`", field="optimizer"
        ) from None


def accepted_args(cls: type) -> list[str] | None:
    """The keyword arguments the class takes (None: it takes any **kwargs)."""
    params = inspect.signature(cls.__init__).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return [p.name for p in params if p.name not in ("self", "params", "lr")]


def check_optimizer_args(name: str, items: Sequence[str]) -> dict[str, Any]:
    """Parsed optimizer_args, every key one the optimizer takes; else a TrainingError naming the key."""
    try:
        args = parse_optimizer_args(list(items))
    except ValueError as exc:
        raise TrainingError("config", str(exc), field="optimizer_args") from None
    if not args:
        return args
    accepted = accepted_args(optimizer_class(name))
    for key in args:
        if key in RESERVED:
            raise TrainingError(
                "config", f"{key} is set by loracord ({RESERVED[key]}); remove it", field="optimizer_args"
            )
        if accepted is not None and key not in accepted:
            raise TrainingError(
                "config",
                f"{name} has no argument {key!r}; it takes {', '.join(accepted)}",
                field="optimizer_args",
            )
    return args


def optimizer_kwargs(name: str, weight_decay: float, args: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults < the config's weight_decay < optimizer_args."""
    return {**DEFAULTS.get(name, {}), "weight_decay": weight_decay, **args}


def set_train_mode(optimizer: Any, train: bool) -> None:
    """Schedule-free optimizers keep two weight sequences: train() before steps, eval() before the
    weights are sampled, validated or saved. Other optimizers have no modes; nothing happens."""
    inner = getattr(optimizer, "optimizer", optimizer)  # accelerate wraps it
    method = getattr(inner, "train" if train else "eval", None)
    if callable(method) and "ScheduleFree" in type(inner).__name__:
        method()


class EvalWeights:
    """`with EvalWeights(optimizer):` the weights a schedule-free optimizer would be evaluated with
    (its averaged sequence); train mode again afterwards. A no-op for other optimizers."""

    def __init__(self, optimizer: Any) -> None:
        self.optimizer = optimizer

    def __enter__(self) -> None:
        set_train_mode(self.optimizer, False)

    def __exit__(self, *exc: object) -> None:
        set_train_mode(self.optimizer, True)
