"""Before any work: check the config against the files, the hardware and the base model.

`validate` reads only headers and folder listings (no weights), so a bad run fails in a second with
a `TrainingError` naming the field. `load_model` then loads the base model and checks what only the
weights' configs can tell (the U-Net's downsampling factor against the resolution).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import torch

from config.training import TrainConfig
from trainer.engine.data import Dataset, scan_dataset
from trainer.engine.errors import TrainingError
from trainer.engine.fp8 import check_fp8_supported
from trainer.engine.masks import check_masks
from trainer.engine.network_weights import resolve_network_weights
from trainer.engine.optim import check_optimizer_available
from trainer.engine.optim_args import check_optimizer_args
from trainer.engine.validation import split_validation
from trainer.job_paths import JobPaths

log = logging.getLogger(__name__)


@dataclass
class RunSetup:
    cfg: TrainConfig
    job_dir: Path
    arch: str
    device_type: str
    train_data: Dataset
    reg_data: Dataset | None  # None: no regularization
    generate_reg_into: Path | None  # set when class images must be generated first
    val_data: Dataset | None = None  # held-out images for validation loss (validation.py)


def device_type() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def _check_folder(value: str, field: str, what: str) -> Path:
    if not value:
        raise TrainingError("config", f"no {what} folder given; set {field} to a folder of images", field)
    path = Path(value).expanduser()
    if not path.is_dir():
        raise TrainingError("data", f"{what} folder {path} does not exist or is not a folder", field)
    return path


def _scan(path: Path, cfg: TrainConfig, field: str, *, repeats: int, is_reg: bool) -> Dataset:
    found = scan_dataset(
        path,
        caption_extension=cfg.caption_extension,
        repeats=repeats,
        trigger_word=cfg.trigger_word,
        is_reg=is_reg,
    )
    if not found.items:
        why = f" ({len(found.skipped)} unreadable files)" if found.skipped else ""
        raise TrainingError(
            "data",
            f"{path} holds no usable images (.png .jpg .jpeg .webp .bmp, directly or in N_name "
            f"sub-folders){why}; add images or point {field} elsewhere",
            field,
        )
    return found


def _check_arch(cfg: TrainConfig) -> str:
    from trainer.models.load import ModelLoadError, detect_arch

    if not cfg.pretrained_model:
        raise TrainingError(
            "config", "no base model given; set it to a model folder, file or hub id", "pretrained_model"
        )
    try:
        detected = detect_arch(cfg.pretrained_model)
    except ModelLoadError as exc:
        raise TrainingError("model", str(exc), "pretrained_model") from exc
    if cfg.model_arch not in ("auto", detected):
        raise TrainingError(
            "config",
            f"is {cfg.model_arch!r} but {cfg.pretrained_model} is an {detected} model; "
            f"set model_arch to 'auto' or '{detected}', or choose an {cfg.model_arch} base model",
            "model_arch",
        )
    return detected


def _check_hardware(cfg: TrainConfig, device: str) -> None:
    if cfg.mixed_precision == "fp16" and device != "cuda":
        raise TrainingError(
            "config",
            f"fp16 needs an NVIDIA GPU and this run is on {device}; use 'no' (or 'bf16')",
            "mixed_precision",
        )
    if cfg.mixed_precision == "bf16" and device == "cuda" and not torch.cuda.is_bf16_supported():
        raise TrainingError("config", "this GPU has no bf16 support; use 'fp16'", "mixed_precision")
    check_optimizer_available(cfg.optimizer, device)
    check_optimizer_args(cfg.optimizer, cfg.optimizer_args)
    if cfg.fp8_base:
        check_fp8_supported(device)
    if cfg.optimizer == "prodigy":
        if cfg.train_text_encoder and cfg.effective_text_encoder_lr != cfg.effective_unet_lr:
            raise TrainingError(
                "config",
                "Prodigy needs one learning rate for the U-Net and the text encoder; leave unet_lr and "
                "text_encoder_lr unset (or equal)",
                "text_encoder_lr",
            )
        if cfg.effective_unet_lr < 0.1:
            log.warning(
                "Prodigy adapts the step size itself and expects learning_rate = 1.0; %g makes it crawl",
                cfg.effective_unet_lr,
            )


def _check_job_dir(job_dir: Path) -> None:
    try:
        job_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TrainingError("disk", f"cannot create the run folder {job_dir}: {exc}", "output_dir") from exc
    if not os.access(job_dir, os.W_OK):
        raise TrainingError("disk", f"the run folder {job_dir} is not writable", "output_dir")


def validate(cfg: TrainConfig, job_dir: Path) -> RunSetup:
    """Every check that needs no weights; raises TrainingError naming the field."""
    job_dir = Path(job_dir)
    arch = _check_arch(cfg)
    cfg = resolve_network_weights(cfg, arch)  # network_weights.py: the file's network, checked
    device = device_type()
    _check_hardware(cfg, device)
    data_path = _check_folder(cfg.data_dir, "data_dir", "training image")
    train_data = _scan(data_path, cfg, "data_dir", repeats=cfg.repeats, is_reg=False)
    check_masks(cfg, train_data.items)  # masks.py: a mask of another size is refused here
    train_data, val_data = split_validation(
        cfg, train_data, lambda p: _scan(p, cfg, "validation_data_dir", repeats=1, is_reg=False)
    )
    reg_data: Dataset | None = None
    generate_into: Path | None = None
    if cfg.regularization:
        if cfg.reg_data_dir:
            reg_path = _check_folder(cfg.reg_data_dir, "reg_data_dir", "regularization image")
            found = scan_dataset(
                reg_path, caption_extension=cfg.caption_extension, repeats=cfg.reg_repeats, is_reg=True
            )
            if found.items:
                reg_data = found
            else:
                generate_into = reg_path
        else:
            generate_into = JobPaths(job_dir).reg_images
    _check_job_dir(job_dir)
    return RunSetup(cfg, job_dir, arch, device, train_data, reg_data, generate_into, val_data)


def load_model(setup: RunSetup, dtype: torch.dtype = torch.float32):  # noqa: ANN201 - BaseModel
    """Load the base model and check the resolution against the U-Net's downsampling."""
    from trainer.models.load import ModelLoadError, load_base

    cfg = setup.cfg
    try:
        model = load_base(
            cfg.pretrained_model, arch=setup.arch, prediction_type=cfg.prediction_type, dtype=dtype
        )
    except ModelLoadError as exc:
        raise TrainingError("model", str(exc), "pretrained_model") from exc
    factor = size_factor(model)
    if cfg.resolution % factor:
        raise TrainingError(
            "config",
            f"must be a multiple of {factor} for this {setup.arch} model, got {cfg.resolution}",
            "resolution",
        )
    if cfg.enable_bucket and cfg.bucket_reso_step % factor:
        raise TrainingError(
            "config",
            f"must be a multiple of {factor} for this {setup.arch} model, got {cfg.bucket_reso_step}",
            "bucket_reso_step",
        )
    return model


def size_factor(model) -> int:  # noqa: ANN001 - BaseModel
    """Image sides must divide by this: the VAE's 8 times 2 per U-Net down block but the last."""
    return model.vae_scale_factor * 2 ** (len(model.unet.config.block_out_channels) - 1)
