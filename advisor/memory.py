"""The advisor's own VRAM rules as one function, so `suggest` and `diagnose` cannot break them.

For a model family and a card: the batch the guide's table allows (SDXL below 16 GB: 1), gradient
checkpointing below TIGHT_VRAM, 8-bit AdamW below EIGHT_BIT_BELOW on an NVIDIA GPU (Adafactor on AMD, Intel
or Apple, where bitsandbytes' CUDA build does not run), cached latents,
SDXL's U-Net only below 24 GB, and the precision the GPU can run (fp16 when the GPU is not named:
GTX 10xx / RTX 20xx cards have no bf16). `fit` returns the changes a config needs; a config that
already obeys gets none.
"""

from __future__ import annotations

from typing import Any

from advisor.facts import Hardware
from advisor.registry import max_batch_for
from config.arch import ARCHS, arch_spec
from config.training import TrainConfig

# Below this VRAM (GB) the memory savers that cost speed or need bitsandbytes are turned on
# (the architecture table's VRAM inputs, config/arch.py).
TIGHT_VRAM = {s.arch.value: s.tight_vram_gb for s in ARCHS.values()}
EIGHT_BIT_BELOW = {s.arch.value: s.eight_bit_below_gb for s in ARCHS.values()}
SDXL_UNET_ONLY_BELOW = 24


def precision_for(hardware: Hardware) -> str:
    """bf16 only on a named GPU that has it; fp16 on any other GPU (it runs everywhere); none on the CPU."""
    if hardware.has_gpu is False:
        return "no"
    if hardware.gpu_name and hardware.supports_bf16:
        return "bf16"
    return "fp16"


def small_optimizer(hardware: Hardware) -> str:
    """The optimizer that saves memory on this GPU: 8-bit AdamW where bitsandbytes runs, else Adafactor."""
    return "adamw8bit" if hardware.eight_bit_optimizers else "adafactor"


def fit(config: TrainConfig, arch: str, hardware: Hardware) -> dict[str, Any]:
    """Field changes that make `config` obey the VRAM rules on this hardware (empty when it does)."""
    vram = hardware.vram_gb
    out: dict[str, Any] = {}
    if hardware.gpu_name and not hardware.supports_bf16 and config.mixed_precision == "bf16":
        out["mixed_precision"] = "fp16"
    if not vram or vram <= 0 or arch not in TIGHT_VRAM:
        return out
    allowed = max_batch_for(arch, vram)
    if config.train_batch_size > allowed:
        effective = config.train_batch_size * config.gradient_accumulation_steps
        out["train_batch_size"] = allowed
        out["gradient_accumulation_steps"] = max(1, effective // allowed)
    if vram < TIGHT_VRAM[arch] and not config.gradient_checkpointing:
        out["gradient_checkpointing"] = True
    if vram < EIGHT_BIT_BELOW[arch] and config.optimizer == "adamw":
        out["optimizer"] = small_optimizer(hardware)
    elif config.optimizer == "adamw8bit" and not hardware.eight_bit_optimizers:
        out["optimizer"] = "adafactor" if vram < EIGHT_BIT_BELOW[arch] else "adamw"
    if not config.cache_latents:
        out["cache_latents"] = True
    # A family trained U-Net only by default (SDXL) drops its text encoders when memory is short.
    unet_only = not arch_spec(arch).trains_text_encoder_by_default
    if unet_only and vram < SDXL_UNET_ONLY_BELOW and config.train_text_encoder:
        out["train_text_encoder"] = False
        out["cache_text_encoder_outputs"] = True
    return out


def violations(config: TrainConfig, arch: str, hardware: Hardware) -> list[str]:
    """The VRAM rules `config` breaks on this hardware, by field name (for tests and warnings)."""
    return sorted(fit(config, arch, hardware))
