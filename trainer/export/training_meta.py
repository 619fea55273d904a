"""`ss_*` entries for issue 19's sample prompts, validation, masked loss and optimizer options, as
sd-scripts' train_network.py writes them; laid over build_metadata's entries by options_meta.

This module does not import torch.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def validation_entries(config: TrainConfig, info: Mapping[str, Any]) -> dict[str, Any]:
    """sd-scripts' validation keys (None where its argument is unset) and the held-out image count."""
    on = bool(config.validation_split or config.validation_data_dir)
    return {
        "ss_validation_seed": config.validation_seed,
        "ss_validation_split": config.validation_split,
        "ss_validate_every_n_steps": (config.validate_every_n_steps or None) if on else None,
        "ss_max_validation_steps": config.max_validation_steps or None,
        "ss_num_validation_images": info.get("num_validation_images", 0),
    }


def more_entries(config: TrainConfig, info: Mapping[str, Any]) -> dict[str, Any]:
    """ss_optimizer with its arguments (sd-scripts writes no ss_ key for the scheduler knobs), the
    validation keys."""
    return {"ss_optimizer": optimizer_entry(config), **validation_entries(config, info)}
