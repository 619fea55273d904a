"""The `ss_*` and `modelspec.*` metadata a kohya LoRA carries, as sd-scripts' train_network.py writes it.

AUTOMATIC1111/Forge (the LoRA card's metadata view), ComfyUI and Civitai read these keys; every value is
a string (safetensors metadata is string → string), numbers and flags written with Python's `str()`
exactly as sd-scripts does (`"16.0"`, `"False"`, `"(512, 512)"`). `sshs_model_hash` and
`sshs_legacy_hash` are added by `kohya.save_kohya_lora`, because they depend on the tensors.

This module does not import torch: the advisor and the bot may read it.

`info` (what the run knows and the config does not):

| key | type | meaning |
|---|---|---|
| steps, epoch | int | optimizer steps done, epoch reached (required) |
| started_at, finished_at | float | Unix times of the run's start and of this save (required) |
| num_train_images | int | training images counted with their repeats, as sd-scripts counts (required) |
| num_reg_images | int | regularization images, with repeats (default 0) |
| img_count, reg_img_count | int | images on disk without repeats (default: derived from the above) |
| tag_frequency | dict | {tag: count} or {folder: {tag: count}} over the captions (default {}) |
| sd_model_name | str | base model name (default: the file/folder name of `pretrained_model`) |
| sd_model_hash, new_sd_model_hash | str | base model hashes (default: computed by model_hash.py) |
| prediction_type | str | "epsilon" or "v_prediction" once resolved (default from the config; "auto" → epsilon) |
| optimizer | str | sd-scripts style, e.g. "torch.optim.adamw.AdamW(weight_decay=0.01)" (default derived) |
| num_epochs, num_batches_per_epoch | int | planned epochs and batches per epoch (default: derived) |
| num_processes | int | data-parallel processes, for ss_total_batch_size (default 1) |
| bucket_info | dict | aspect-ratio buckets used (default: JSON null, as sd-scripts without buckets) |
| training_comment, description | str | free text for ss_training_comment / modelspec.description |
| session_id | int | sd-scripts' random run id (default: derived from name and start time) |
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from config.arch import ARCH_NAMES, arch_spec
from config.training import TrainConfig
from trainer.export.errors import ExportError
from trainer.export.model_hash import base_model_hashes
from trainer.export.options_meta import option_entries
from trainer.export.sd_scripts_keys import sd_scripts_entries
from trainer.export.training_meta import OPTIMIZER_PATHS
from trainer.job_paths import JobPaths

#: The optimizer class each `TrainConfig.optimizer` stands for, named as sd-scripts names it.
OPTIMIZER_NAMES = OPTIMIZER_PATHS  # one table for every optimizer (training_meta.py)
NETWORK_MODULE = "networks.lora"
REQUIRED_INFO = ("steps", "epoch", "started_at", "finished_at", "num_train_images")


def build_metadata(config: TrainConfig, arch: str, info: Mapping[str, Any]) -> dict[str, str]:
    """All `ss_*` and `modelspec.*` entries for a LoRA trained with `config` on an `arch` base model."""
    if arch not in ARCH_NAMES:
        raise ExportError(f"unknown architecture {arch!r}; expected one of {', '.join(ARCH_NAMES)}")
    for key in REQUIRED_INFO:
        if key not in info:
            raise ExportError(f"info[{key!r}] is missing; build_metadata needs {', '.join(REQUIRED_INFO)}")
    v_pred = _prediction_type(config, info) == "v_prediction"
    meta: dict[str, Any] = {
        **_network_entries(config),
        **_training_entries(config, arch, info, v_pred),
        **_dataset_entries(config, info),
        **_base_hash_entries(config, info),
    }
    # sd-scripts' remaining keys (its defaults for options loracord lacks); computed entries win.
    meta = {**sd_scripts_entries(config, info, meta), **meta}
    meta.update(option_entries(config, info))  # issue 19 options (options_meta.py)
    out = {key: str(value) for key, value in meta.items()}
    out.update(_modelspec(config, arch, info, v_pred))
    return out


def _prediction_type(config: TrainConfig, info: Mapping[str, Any]) -> str:
    value = info.get("prediction_type", config.prediction_type)
    if value not in ("auto", "epsilon", "v_prediction"):
        raise ExportError(f"info['prediction_type'] must be 'epsilon' or 'v_prediction', got {value!r}")
    return "epsilon" if value == "auto" else value


def _network_entries(config: TrainConfig) -> dict[str, Any]:
    args: dict[str, str] = {}
    if config.target_modules == "locon":
        # sd-scripts records --network_args as the strings the user typed.
        args = {"conv_dim": str(config.conv_dim), "conv_alpha": str(float(config.conv_alpha))}
    return {
        "ss_network_module": NETWORK_MODULE,
        "ss_network_dim": config.network_dim,
        "ss_network_alpha": float(config.network_alpha),
        "ss_network_args": json.dumps(args),
        "ss_network_dropout": None,
        "ss_network_train_unet_only": not config.train_text_encoder,
        "ss_loracord_target_modules": config.target_modules,
    }


def _training_entries(
    config: TrainConfig, arch: str, info: Mapping[str, Any], v_pred: bool
) -> dict[str, Any]:
    # ss_base_model_version as sd-scripts writes it (model_util / sdxl_model_util): sd_v1_v / sd_v2_v
    # for v-prediction (model_util.get_model_version_str_for_sd1_sd2).
    spec = arch_spec(arch)
    model_version = spec.base_model_version
    if spec.v_prediction_version_suffix and v_pred:
        model_version += "_v"
    entries: dict[str, Any] = {
        "ss_output_name": config.name,
        "ss_base_model_version": model_version,
        "ss_v2": spec.ss_v2,
        "ss_sd_model_name": info.get("sd_model_name") or _model_name(config.pretrained_model),
        "ss_training_started_at": float(info["started_at"]),
        "ss_training_finished_at": float(info["finished_at"]),
        "ss_steps": int(info["steps"]),
        "ss_epoch": int(info["epoch"]),
        "ss_max_train_steps": config.max_train_steps,
        "ss_learning_rate": config.learning_rate,
        "ss_unet_lr": config.effective_unet_lr,
        "ss_text_encoder_lr": config.effective_text_encoder_lr,
        "ss_lr_scheduler": config.lr_scheduler,
        "ss_lr_warmup_steps": config.lr_warmup_steps,
        "ss_optimizer": info.get("optimizer") or _optimizer(config),
        "ss_max_grad_norm": config.max_grad_norm,
        "ss_gradient_accumulation_steps": config.gradient_accumulation_steps,
        "ss_gradient_checkpointing": config.gradient_checkpointing,
        "ss_mixed_precision": config.mixed_precision,
        "ss_full_fp16": False,
        "ss_seed": config.seed,
        "ss_clip_skip": config.clip_skip,
        "ss_noise_offset": config.noise_offset,
        "ss_min_snr_gamma": config.min_snr_gamma,
        "ss_prior_loss_weight": config.prior_loss_weight,
        "ss_cache_latents": config.cache_latents,
        "ss_training_comment": info.get("training_comment"),
    }
    for key in ("num_epochs", "num_batches_per_epoch", "session_id"):
        if info.get(key) is not None:
            entries[f"ss_{key}"] = info[key]
    return entries


def _dataset_entries(config: TrainConfig, info: Mapping[str, Any]) -> dict[str, Any]:
    num_train = int(info["num_train_images"])
    num_reg = int(info.get("num_reg_images", 0))
    data_name = Path(config.data_dir).name or "train"
    dirs = {
        data_name: {
            "n_repeats": config.repeats,
            "img_count": int(info.get("img_count", num_train // config.repeats)),
        }
    }
    reg_dirs = {}
    if num_reg:
        reg_name = Path(config.reg_data_dir).name or "reg"
        reg_count = int(info.get("reg_img_count", num_reg // config.reg_repeats))
        reg_dirs = {reg_name: {"n_repeats": config.reg_repeats, "img_count": reg_count}}
    entries: dict[str, Any] = {
        "ss_num_train_images": num_train,
        "ss_num_reg_images": num_reg,
        "ss_batch_size_per_device": config.train_batch_size,
        "ss_total_batch_size": config.train_batch_size
        * config.gradient_accumulation_steps
        * int(info.get("num_processes", 1)),
        "ss_resolution": (config.resolution, config.resolution),
        "ss_enable_bucket": config.enable_bucket,
        "ss_min_bucket_reso": config.min_bucket_reso,
        "ss_max_bucket_reso": config.max_bucket_reso,
        "ss_bucket_no_upscale": not config.upscale_small_images,
        "ss_shuffle_caption": config.shuffle_caption,
        "ss_keep_tokens": config.keep_tokens,
        "ss_caption_dropout_rate": config.caption_dropout_rate,
        "ss_dataset_dirs": json.dumps(dirs),
        "ss_reg_dataset_dirs": json.dumps(reg_dirs),
        "ss_tag_frequency": json.dumps(_tag_frequency(info.get("tag_frequency") or {}, data_name)),
    }
    if info.get("bucket_info") is not None:
        entries["ss_bucket_info"] = json.dumps(info["bucket_info"])
    return entries


def _base_hash_entries(config: TrainConfig, info: Mapping[str, Any]) -> dict[str, str]:
    """ss_sd_model_hash / ss_new_sd_model_hash: given by the caller, else computed (model_hash.py)."""
    if info.get("sd_model_hash") and info.get("new_sd_model_hash"):
        hashes = {"sd_model_hash": info["sd_model_hash"], "new_sd_model_hash": info["new_sd_model_hash"]}
    else:
        cache = JobPaths(config.output_dir).base_hash if config.output_dir else None
        hashes = base_model_hashes(config.pretrained_model, cache)
    return {f"ss_{key}": value for key, value in hashes.items()}


def _tag_frequency(freq: Mapping[str, Any], data_name: str) -> dict[str, dict[str, int]]:
    """sd-scripts groups tag counts by image folder; a flat {tag: count} is put under the data folder."""
    if not isinstance(freq, Mapping):
        raise ExportError(f"info['tag_frequency'] must be a dict of tag counts, got {type(freq).__name__}")
    if all(isinstance(v, Mapping) for v in freq.values()):
        return {str(folder): {str(t): int(n) for t, n in tags.items()} for folder, tags in freq.items()}
    try:
        return {data_name: {str(tag): int(count) for tag, count in freq.items()}}
    except (TypeError, ValueError):
        raise ExportError("info['tag_frequency'] values must be whole numbers (tag counts)") from None


def _optimizer(config: TrainConfig) -> str:
    name = OPTIMIZER_NAMES[config.optimizer]
    return f"{name}(weight_decay={config.weight_decay})" if config.weight_decay else name


def _model_name(pretrained: str) -> str:
    # sd-scripts records the file name of a local model and the id of a hub model.
    path = Path(pretrained)
    return path.name if path.exists() else pretrained


def _modelspec(config: TrainConfig, arch: str, info: Mapping[str, Any], v_pred: bool) -> dict[str, str]:
    # The Stability AI model-spec ids (sd-scripts' library/sai_model_spec.py); sd-scripts names the SGM
    # U-Net for SDXL LoRAs and the diffusers one for SD1.x/2.x.
    arch_row = arch_spec(arch)
    architecture = arch_row.modelspec_architecture_v if v_pred else arch_row.modelspec_architecture
    finished = datetime.datetime.fromtimestamp(int(float(info["finished_at"])), tz=datetime.UTC)
    spec = {
        "modelspec.sai_model_spec": "1.0.0",
        "modelspec.architecture": f"{architecture}/lora",
        "modelspec.implementation": arch_row.modelspec_implementation,
        "modelspec.title": config.name,
        "modelspec.resolution": f"{config.resolution}x{config.resolution}",
        "modelspec.date": finished.strftime("%Y-%m-%dT%H:%M:%S"),
        "modelspec.prediction_type": "v" if v_pred else "epsilon",
    }
    if config.clip_skip > 1:
        spec["modelspec.encoder_layer"] = str(config.clip_skip)
    if config.trigger_word:
        spec["modelspec.trigger_phrase"] = config.trigger_word
        spec["modelspec.usage_hint"] = f"Put {config.trigger_word!r} in the prompt"
    if info.get("description"):
        spec["modelspec.description"] = str(info["description"])
    return spec
