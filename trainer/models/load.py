"""Load a base model for training: a diffusers folder, a single-file checkpoint, or a hub id.

`load_base` returns the parts the training engine needs (UNet, VAE, text encoders, tokenizers, a
DDPM noise scheduler built from the model's own scheduler config) plus the facts it must not guess:
the architecture, the prediction type and the VAE's scale and scaling factors. Every failure is a
`ModelLoadError` naming the path and what to do about it.
"""

from __future__ import annotations

import inspect
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from config.arch import ARCH_NAMES, ARCHS, Arch, arch_by_cross_attention, arch_spec
from trainer.models.load_reports import capture_load_reports, missing_keys, report_rows
from trainer.models.tiny import config_folder_for
from trainer.quiet import quiet_libraries

log = logging.getLogger(__name__)
PREDICTION_TYPES = ("epsilon", "v_prediction")
SINGLE_FILE_SUFFIXES = (".safetensors",)
#: Suffixes of pickled checkpoints: refused, because unpickling a downloaded file can run code.
PICKLE_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin")
# Original-layout key prefixes that identify each family's text encoder(s).
_SINGLE_FILE_MARKERS = (
    (Arch.SDXL, "conditioner.embedders.1."),
    (Arch.SD2, "cond_stage_model.model."),
    (Arch.SD15, "cond_stage_model.transformer."),
)
_CROSS_ATTN_KEY = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight"


class ModelLoadError(RuntimeError):
    """A base model cannot be found, recognised or read. The message says what to do."""

    def __init__(self, path: str | Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


@dataclass
class BaseModel:
    """The loaded parts of a Stable Diffusion base model, in the given dtype, on the CPU."""

    arch: str
    prediction_type: str
    unet: Any
    vae: Any
    text_encoders: list[Any]
    tokenizers: list[Any]
    noise_scheduler: Any
    vae_scale_factor: int
    scaling_factor: float
    pipeline_class: type
    source: str = ""
    #: The model's own inference scheduler (PNDM, DDIM, Euler ...), for sampling.
    scheduler: Any = None
    shift_factor: float | None = None

    def make_pipeline(self, scheduler: Any = None) -> Any:
        """A pipeline over these very modules (no copies), e.g. to draw samples during training."""
        parts: dict[str, Any] = {
            "vae": self.vae,
            "text_encoder": self.text_encoders[0],
            "tokenizer": self.tokenizers[0],
            "unet": self.unet,
            "scheduler": scheduler if scheduler is not None else self.scheduler,
        }
        if len(self.text_encoders) > 1:
            parts.update(text_encoder_2=self.text_encoders[1], tokenizer_2=self.tokenizers[1])
        if _has_safety_checker(self.pipeline_class):
            parts.update(safety_checker=None, feature_extractor=None, requires_safety_checker=False)
        return self.pipeline_class(**parts)


def arch_from_unet_config(config: dict[str, Any], has_second_encoder: bool = False) -> str:
    """Family from a UNet config: SDXL's size/crop conditioning, else SD 2's 1024-wide or linear attention.

    Real SD 1.x has cross_attention_dim 768, SD 2.x 1024. Other widths (the tiny test models, odd
    fine-tunes) are told apart by SD 2's linear attention projections, which SD 1.x never uses.
    """
    if config.get("addition_embed_type") == "text_time" or has_second_encoder:
        return Arch.SDXL
    single = [s for s in ARCHS.values() if len(s.text_encoders) == 1]
    by_width = next(
        (s.arch for s in single if s.cross_attention_dim == config.get("cross_attention_dim")), None
    )
    if by_width is not None:
        return by_width
    linear = bool(config.get("use_linear_projection"))
    return next(s.arch for s in single if s.linear_projection == linear)


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(path, f"cannot read the {what} ({exc}); the model folder looks damaged") from exc
    if not isinstance(data, dict):
        raise ModelLoadError(path, f"the {what} is not a JSON object; the model folder looks damaged")
    return data


def _detect_folder(folder: Path) -> str:
    index_path = folder / "model_index.json"
    if not index_path.is_file():
        raise ModelLoadError(
            folder,
            "not a diffusers model folder (no model_index.json); give a folder saved with "
            "save_pretrained, a .safetensors checkpoint, or a hub id",
        )
    index = _read_json(index_path, "model_index.json")
    unet_config_path = folder / "unet" / "config.json"
    if not unet_config_path.is_file():
        raise ModelLoadError(folder, "has no unet/config.json; not a Stable Diffusion pipeline folder")
    unet_config = _read_json(unet_config_path, "UNet config")
    second = "text_encoder_2" in index and index["text_encoder_2"][0] is not None
    return arch_from_unet_config(unet_config, has_second_encoder=second)


def single_file_keys(file: Path) -> tuple[list[str], dict[str, list[int]]]:
    """Tensor names and the shapes of a few telling ones, read from the header only (no weights)."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(file), framework="pt") as handle:
            keys = list(handle.keys())
            shapes = {k: list(handle.get_slice(k).get_shape()) for k in keys if k == _CROSS_ATTN_KEY}
    except (SafetensorError, OSError) as exc:
        raise ModelLoadError(file, f"not a readable .safetensors file ({exc}); download it again") from exc
    return keys, shapes


def _detect_single_file(file: Path) -> str:
    config = config_folder_for(file)
    if config.is_dir():
        return _detect_folder(config)
    keys, shapes = single_file_keys(file)
    for arch, prefix in _SINGLE_FILE_MARKERS:
        if any(k.startswith(prefix) for k in keys):
            return arch
    width = shapes.get(_CROSS_ATTN_KEY, [0])[-1]
    by_width = arch_by_cross_attention(width)
    if by_width is not None and len(ARCHS[by_width].text_encoders) == 1:
        return by_width
    raise ModelLoadError(
        file, "does not look like an SD 1.x, SD 2.x or SDXL checkpoint (no known text encoder or UNet keys)"
    )


def single_file_markers(path_or_id: str | Path) -> dict[str, Any]:
    """Scheduler settings announced by marker tensors in a single-file checkpoint.

    v-prediction SDXL models (NoobAI-XL v-pred and others) carry empty `v_pred` and `ztsnr` tensors,
    which ComfyUI and Forge read to pick v-prediction and a zero-terminal-SNR schedule.
    """
    path = Path(path_or_id).expanduser()
    if not (_is_local(path_or_id) and path.is_file() and path.suffix == ".safetensors"):
        return {}
    keys = set(single_file_keys(path)[0])
    out: dict[str, Any] = {}
    if "v_pred" in keys:
        out["prediction_type"] = "v_prediction"
    if "ztsnr" in keys:
        out["rescale_betas_zero_snr"] = True
        out["timestep_spacing"] = "trailing"  # the spacing that reaches the zero-SNR step when sampling
    return out


def _is_local(path_or_id: str | Path) -> bool:
    """A hub id is exactly `owner/name`; anything else that is not an existing path is a (bad) path."""
    text = str(path_or_id)
    if isinstance(path_or_id, Path) or Path(text).expanduser().exists():
        return True
    looks_like_id = text.count("/") == 1 and not text.startswith((".", "/", "~")) and "\\" not in text
    return not looks_like_id or text.endswith(SINGLE_FILE_SUFFIXES + PICKLE_SUFFIXES)


def _check_local_path(path: Path) -> None:
    if not path.exists():
        raise ModelLoadError(path, "does not exist; check the path in the model allowlist (settings: models)")
    if path.is_file() and path.suffix in PICKLE_SUFFIXES:
        raise ModelLoadError(
            path, "pickled checkpoints are not loaded (they can run code); use the .safetensors version"
        )
    if path.is_file() and path.suffix not in SINGLE_FILE_SUFFIXES:
        raise ModelLoadError(path, "is neither a model folder nor a .safetensors checkpoint")


def detect_arch(path_or_id: str | Path, local_files_only: bool = True) -> str:
    """'sd15', 'sd2' or 'sdxl' for a diffusers folder, a single file, or a hub id (from its configs)."""
    if _is_local(path_or_id):
        path = Path(path_or_id).expanduser()
        _check_local_path(path)
        return _detect_folder(path) if path.is_dir() else _detect_single_file(path)
    index, unet_config = _hub_configs(str(path_or_id), local_files_only)
    second = "text_encoder_2" in index and index["text_encoder_2"][0] is not None
    return arch_from_unet_config(unet_config, has_second_encoder=second)


def _hub_configs(repo_id: str, local_files_only: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HFValidationError

    try:
        index_file = hf_hub_download(repo_id, "model_index.json", local_files_only=local_files_only)
        unet_file = hf_hub_download(
            repo_id, "config.json", subfolder="unet", local_files_only=local_files_only
        )
    except (OSError, ValueError, HFValidationError) as exc:
        hint = (
            "no such local path, and no hub model of that id in the local Hugging Face cache; check the "
            "path in the model allowlist, or allow downloads (local_files_only=False) on a host with internet"
            if local_files_only
            else f"cannot fetch it from the hub ({exc}); check the id and the network"
        )
        raise ModelLoadError(repo_id, hint) from exc
    return _read_json(Path(index_file), "model_index.json"), _read_json(Path(unet_file), "UNet config")


def _pipeline_class(arch: str) -> type:
    import diffusers

    return getattr(diffusers, arch_spec(arch).pipeline_class)


def _has_safety_checker(pipeline_class: type) -> bool:
    """SD 1.x/2.x pipelines take a safety checker (we train: none); the SDXL one has no such slot."""
    return "safety_checker" in inspect.signature(pipeline_class.__init__).parameters


def _load_pipeline(path_or_id: str | Path, arch: str, dtype: torch.dtype, local_files_only: bool) -> Any:
    from safetensors import SafetensorError

    cls = _pipeline_class(arch)
    path = Path(path_or_id).expanduser()
    is_file = _is_local(path_or_id) and path.is_file()
    kwargs: dict[str, Any] = {"local_files_only": local_files_only, "dtype": dtype}
    if _has_safety_checker(cls):
        kwargs.update(safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    try:
        if is_file:
            config = config_folder_for(path)
            if config.is_dir():
                kwargs["config"] = str(config)
            return cls.from_single_file(str(path), **kwargs)
        return cls.from_pretrained(str(path) if _is_local(path_or_id) else str(path_or_id), **kwargs)
    except (OSError, ValueError, RuntimeError, KeyError, TypeError, SafetensorError) as exc:
        if is_file and "config" not in kwargs and local_files_only:
            hint = (
                "a single-file checkpoint needs its diffusers configs: put them in "
                f"{config_folder_for(path).name}/ beside the file, or allow downloads once"
            )
        else:
            hint = "the files look incomplete or damaged; re-create or re-download the model"
        raise ModelLoadError(
            path_or_id, f"cannot load it as {arch} ({type(exc).__name__}: {exc}); {hint}"
        ) from exc


def _check_load_reports(path_or_id: str | Path, reports: list[str]) -> None:
    """A weight missing from the files is an error (it would train with random values); keys the files
    have and the model does not use are noted in one line instead of transformers' table."""
    missing = missing_keys(reports)
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ModelLoadError(
            path_or_id,
            f"weights missing from the files: {shown}; the model would run with random values there. "
            "The files are incomplete or from another architecture: re-create or re-download the model",
        )
    extra = [key for _, key, status in report_rows(reports) if status == "UNEXPECTED"]
    if extra:
        log.info("ignored %d weights the model does not use (e.g. %s)", len(extra), extra[0])


def load_base(
    path_or_id: str | Path,
    arch: str = "auto",
    prediction_type: str = "auto",
    dtype: torch.dtype = torch.float32,
    local_files_only: bool = True,
) -> BaseModel:
    """Load a Stable Diffusion base model's parts for LoRA training.

    `arch` "auto" detects the family (an explicit one must agree with the files); `prediction_type`
    "auto" takes the model's scheduler setting, which is how SD 2.x 768 models announce
    v-prediction. Hub ids are fetched only when `local_files_only` is False.
    """
    quiet_libraries()
    from diffusers import DDPMScheduler

    if arch not in ("auto", *ARCH_NAMES):
        raise ModelLoadError(path_or_id, f"arch must be auto, {', '.join(ARCH_NAMES)}; got {arch!r}")
    if prediction_type not in ("auto", *PREDICTION_TYPES):
        raise ModelLoadError(
            path_or_id,
            f"prediction_type must be auto, {', '.join(PREDICTION_TYPES)}; got {prediction_type!r}",
        )
    detected = detect_arch(path_or_id, local_files_only=local_files_only)
    if arch not in ("auto", detected):
        raise ModelLoadError(
            path_or_id, f"is an {detected} model but arch {arch!r} was asked for; use 'auto' or '{detected}'"
        )
    with capture_load_reports() as reports:
        pipe = _load_pipeline(path_or_id, detected, dtype, local_files_only)
    _check_load_reports(path_or_id, reports)
    if pipe.text_encoder is None:
        # The SDXL refiner has only the OpenCLIP encoder: it refines images, it is no base to train on.
        raise ModelLoadError(path_or_id, "has no first text encoder (an SDXL refiner?); use a base model")
    scheduler_config = dict(pipe.scheduler.config)
    markers = single_file_markers(path_or_id)
    if markers:
        # A v-prediction / zero-terminal-SNR checkpoint says so by marker tensors, not by a config:
        # training and the samples' own scheduler both follow them.
        scheduler_config.update(markers)
        pipe.scheduler = type(pipe.scheduler).from_config(scheduler_config)
    predicted = (
        prediction_type if prediction_type != "auto" else scheduler_config.get("prediction_type", "epsilon")
    )
    if predicted not in PREDICTION_TYPES:
        raise ModelLoadError(
            path_or_id,
            f"its scheduler uses prediction_type {predicted!r}, which LoRA training here does not support",
        )
    # Training noise follows the model's own schedule (betas, offsets) whatever its sampler is.
    noise_scheduler = DDPMScheduler.from_config(scheduler_config, prediction_type=predicted)
    count = len(arch_spec(detected).text_encoders)
    encoders = [pipe.text_encoder, getattr(pipe, "text_encoder_2", None)][:count]
    tokenizers = [pipe.tokenizer, getattr(pipe, "tokenizer_2", None)][:count]
    vae_config = pipe.vae.config
    return BaseModel(
        arch=detected,
        prediction_type=predicted,
        unet=pipe.unet,
        vae=pipe.vae,
        text_encoders=encoders,
        tokenizers=tokenizers,
        noise_scheduler=noise_scheduler,
        vae_scale_factor=2 ** (len(vae_config.block_out_channels) - 1),
        scaling_factor=float(vae_config.scaling_factor),
        shift_factor=getattr(vae_config, "shift_factor", None),
        pipeline_class=type(pipe),
        source=str(path_or_id),
        scheduler=pipe.scheduler,
    )
