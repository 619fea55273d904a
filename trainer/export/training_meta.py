"""`ss_*` entries for issue 19's sample prompts, validation, masked loss and optimizer options, as
sd-scripts' train_network.py writes them; laid over build_metadata's entries by options_meta.

This module does not import torch.
"""

from __future__ import annotations

from typing import Any

from config.training import TrainConfig
from config.training_more import parse_optimizer_args

#: The class path sd-scripts records in ss_optimizer (module.Class of the optimizer it built).
OPTIMIZER_PATHS = {
    "adamw": "torch.optim.adamw.AdamW",
    "adamw8bit": "bitsandbytes.optim.adamw.AdamW8bit",
    "adafactor": "transformers.optimization.Adafactor",
    "prodigy": "prodigyopt.prodigy.Prodigy",
    "lion": "lion_pytorch.lion_pytorch.Lion",
    "adamwschedulefree": "schedulefree.adamw_schedulefree.AdamWScheduleFree",
    "came": "came_pytorch.CAME.CAME",
}


def optimizer_entry(config: TrainConfig) -> str:
    """`module.Class(key=value,...)`: weight_decay and the optimizer_args, as sd-scripts joins them."""
    args: dict[str, Any] = {}
    if config.weight_decay:
        args["weight_decay"] = config.weight_decay
    args.update(parse_optimizer_args(list(config.optimizer_args)))
    text = ",".join(f"{k}={v}" for k, v in args.items())
    return OPTIMIZER_PATHS[config.optimizer] + (f"({text})" if text else "")


def more_entries(config: TrainConfig) -> dict[str, Any]:
    """ss_optimizer with its arguments; the scheduler knobs sd-scripts records in ss_lr_scheduler's
    neighbours are not ss_ keys there, so only the optimizer line carries them."""
    return {"ss_optimizer": optimizer_entry(config)}
