"""`ss_*` entries for the training options of issue 19 (network types, v-prediction / zero terminal
SNR, fp8 base, long captions, loss and noise options), written from the config as sd-scripts'
train_network.py writes them. `metadata.build_metadata` lays these over its other entries.

This module does not import torch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from config.training import TrainConfig
from trainer.export.training_meta import more_entries

LYCORIS_MODULE = "lycoris.kohya"
#: LyCORIS' `algo` per network_type (DoRA is LyCORIS' LoCon with dora_wd).
LYCORIS_ALGO = {"loha": "loha", "lokr": "lokr", "dora": "locon"}
#: LyCORIS' preset that adapts the same layers as each target_modules.
LYCORIS_PRESET = {"attn": "attn-only", "attn_mlp": "attn-mlp", "locon": "full"}


def network_type_entries(config: TrainConfig) -> dict[str, Any]:
    """LoHa / LoKr / DoRA: `ss_network_module = lycoris.kohya` and the `--network_args` LyCORIS takes."""
    if config.network_type == "lora":
        return {}
    args = {"algo": LYCORIS_ALGO[config.network_type], "preset": LYCORIS_PRESET[config.target_modules]}
    if config.network_type == "dora":
        args["dora_wd"] = "True"
    if config.network_type == "lokr":
        args["factor"] = "-1"
    if config.target_modules == "locon":
        args["conv_dim"] = str(config.conv_dim)
        args["conv_alpha"] = str(float(config.conv_alpha))
    return {"ss_network_module": LYCORIS_MODULE, "ss_network_args": json.dumps(args)}


def schedule_entries(config: TrainConfig, info: Mapping[str, Any]) -> dict[str, Any]:
    """`ss_zero_terminal_snr` as the run resolved it (asked for, or announced by the model)."""
    return {"ss_zero_terminal_snr": bool(info.get("zero_terminal_snr", config.zero_terminal_snr))}


def loss_and_data_entries(config: TrainConfig) -> dict[str, Any]:
    """Loss, noise, caption and fp8 options with sd-scripts' values (None where its argument is unset)."""
    return {
        "ss_fp8_base": config.fp8_base,
        "ss_max_token_length": None if config.max_token_length == 75 else config.max_token_length,
        "ss_caption_tag_dropout_rate": config.caption_tag_dropout_rate,
        "ss_flip_aug": config.flip_aug,
        "ss_loss_type": config.loss_type,
        "ss_huber_c": config.huber_c,
        "ss_huber_schedule": config.huber_schedule,
        "ss_debiased_estimation": config.debiased_estimation_loss,
        "ss_multires_noise_iterations": config.multires_noise_iterations or None,
        "ss_multires_noise_discount": config.multires_noise_discount,
        "ss_ip_noise_gamma": config.ip_noise_gamma or None,
    }


def option_entries(config: TrainConfig, info: Mapping[str, Any]) -> dict[str, Any]:
    """Every entry of this module; values are converted with str() by the caller."""
    return {
        **network_type_entries(config),
        **schedule_entries(config, info),
        **loss_and_data_entries(config),
        **more_entries(config, info),  # items 3, 4, 5, 8 (training_meta.py)
    }
