"""The `ss_*` keys sd-scripts' train_network.py writes for options loracord has no knob for.

sd-scripts writes every argument it knows, with its default when the user did not set it: `None`,
`0.3`, `False`, `l2` ... A LoRA inspector, Civitai's uploader and the A1111 additional-networks info
panel show these; a file that lacks them looks truncated next to an sd-scripts file. loracord has no
such option (no validation split, no Huber loss, no fp8 base ...), so each is written as the default
value sd-scripts would write, as the same string (`str()` of the Python value; JSON where sd-scripts
stores JSON). `metadata.build_metadata` merges these under the entries it computes from the config, so
a key loracord does know (e.g. `ss_num_epochs`) always comes from the run.

Not written, because they do not apply: `ss_sd_scripts_commit_hash` (a commit of sd-scripts; loracord
is not sd-scripts), `ss_vae_name` / `ss_vae_hash` / `ss_new_vae_hash` (only with a separate `--vae`).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

from config.training import TrainConfig

#: sd-scripts' argparse defaults for the options loracord does not offer.
SD_SCRIPTS_DEFAULTS: dict[str, Any] = {
    "ss_num_validation_images": 0,
    "ss_max_token_length": None,  # None = 75 tokens, the one length loracord uses
    "ss_lowram": False,
    "ss_multires_noise_iterations": None,
    "ss_multires_noise_discount": 0.3,
    "ss_adaptive_noise_scale": None,
    "ss_zero_terminal_snr": False,
    "ss_caption_dropout_every_n_epochs": 0,
    "ss_caption_tag_dropout_rate": 0.0,
    "ss_face_crop_aug_range": None,
    "ss_scale_weight_norms": None,
    "ss_ip_noise_gamma": None,
    "ss_debiased_estimation": False,
    "ss_noise_offset_random_strength": False,
    "ss_ip_noise_gamma_random_strength": False,
    "ss_loss_type": "l2",
    "ss_huber_schedule": "snr",
    "ss_huber_scale": 1.0,
    "ss_huber_c": 0.1,
    "ss_fp8_base": False,
    "ss_fp8_base_unet": False,
    "ss_validation_seed": None,
    "ss_validation_split": 0.0,
    "ss_max_validation_steps": None,
    "ss_validate_every_n_epochs": None,
    "ss_validate_every_n_steps": None,
    "ss_color_aug": False,
    "ss_flip_aug": False,
    "ss_random_crop": False,
}
#: loracord resizes with Lanczos (trainer.engine.buckets), one of sd-scripts' interpolation names.
RESIZE_INTERPOLATION = "lanczos"


def sd_scripts_entries(
    config: TrainConfig, info: Mapping[str, Any], meta: Mapping[str, Any]
) -> dict[str, Any]:
    """The keys above plus the run-derived ones sd-scripts always writes (session id, epochs, datasets).

    `meta` holds the entries `build_metadata` already computed (its JSON strings are reused).
    """
    out: dict[str, Any] = dict(SD_SCRIPTS_DEFAULTS)
    out["ss_resize_interpolation"] = RESIZE_INTERPOLATION
    # Knobs loracord has: sd-scripts writes None for the default 75 tokens, else 150 or 225.
    tokens = getattr(config, "max_token_length", 75)
    out["ss_max_token_length"] = None if tokens in (None, 75) else tokens
    out["ss_caption_tag_dropout_rate"] = getattr(config, "caption_tag_dropout_rate", 0.0)
    out["ss_flip_aug"] = bool(getattr(config, "flip_aug", False))
    out["ss_session_id"] = info.get("session_id", _session_id(config, info))
    batches = info.get("num_batches_per_epoch") or _batches_per_epoch(config, info)
    out["ss_num_batches_per_epoch"] = int(batches)
    per_epoch = math.ceil(int(batches) / config.gradient_accumulation_steps)
    planned = config.max_train_steps or per_epoch * max(1, config.max_train_epochs)
    out["ss_num_epochs"] = int(info.get("num_epochs") or math.ceil(planned / max(1, per_epoch)))
    bucket_info = info.get("bucket_info")
    out["ss_bucket_info"] = json.dumps(bucket_info)
    out["ss_datasets"] = json.dumps([_dataset(config, info, meta, bucket_info)])
    return out


def _session_id(config: TrainConfig, info: Mapping[str, Any]) -> int:
    """sd-scripts draws a random integer in [0, 2**32] per run; loracord derives one from the run's
    name and start time, so every file of one run carries the same id."""
    text = f"{config.name}|{float(info['started_at'])!r}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def _batches_per_epoch(config: TrainConfig, info: Mapping[str, Any]) -> int:
    views = int(info["num_train_images"])
    if int(info.get("num_reg_images", 0)):
        views *= 2  # regularization views are paired one for one with training views
    return max(1, math.ceil(views / config.train_batch_size))


def _dataset(
    config: TrainConfig, info: Mapping[str, Any], meta: Mapping[str, Any], bucket_info: Any
) -> dict[str, Any]:
    """One entry of `ss_datasets`, in the layout sd-scripts writes for a DreamBooth-style dataset."""
    subsets = []
    for name, spec in json.loads(meta.get("ss_dataset_dirs", "{}")).items():
        subsets.append(_subset(config, name, spec, is_reg=False))
    for name, spec in json.loads(meta.get("ss_reg_dataset_dirs", "{}")).items():
        subsets.append(_subset(config, name, spec, is_reg=True))
    return {
        "is_dreambooth": True,
        "batch_size_per_device": config.train_batch_size,
        "num_train_images": int(info["num_train_images"]),
        "num_reg_images": int(info.get("num_reg_images", 0)),
        "resolution": [config.resolution, config.resolution],
        "enable_bucket": bool(config.enable_bucket),
        "min_bucket_reso": config.min_bucket_reso,
        "max_bucket_reso": config.max_bucket_reso,
        "tag_frequency": json.loads(meta.get("ss_tag_frequency", "{}")),
        "bucket_info": bucket_info,
        "resize_interpolation": RESIZE_INTERPOLATION,
        "subsets": subsets,
    }


def _subset(config: TrainConfig, name: str, spec: Mapping[str, Any], *, is_reg: bool) -> dict[str, Any]:
    return {
        "img_count": spec["img_count"],
        "num_repeats": spec["n_repeats"],
        "color_aug": False,
        "flip_aug": bool(getattr(config, "flip_aug", False)),
        "alpha_mask": bool(config.alpha_mask),  # sd-scripts' per-subset flag (masked_loss has no ss_ key)
        "random_crop": False,
        "shuffle_caption": bool(config.shuffle_caption),
        "keep_tokens": config.keep_tokens,
        "keep_tokens_separator": "",
        "secondary_separator": None,
        "enable_wildcard": False,
        "caption_prefix": None,
        "caption_suffix": None,
        "resize_interpolation": RESIZE_INTERPOLATION,
        "image_dir": name,
        "class_tokens": config.class_prompt if is_reg else (config.trigger_word or None),
        "is_reg": is_reg,
    }
