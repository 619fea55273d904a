"""`fp8_base`: the frozen U-Net and text encoders stored in float8, the LoRA trained in bf16/fp32.

Every frozen nn.Linear / nn.Conv2d weight (the layers PEFT wraps included) is kept as
`torch.float8_e4m3fn`, one byte per weight instead of two, and cast to the input's dtype (the mixed
precision dtype) for each call; biases, norms, embeddings and the VAE stay as they were. The LoRA
weights are not touched. It saves about half the memory of the frozen weights (SDXL: ~3.4 GB of its
6.8 GB in bf16). Only GPUs with fp8 support run it (compute capability 8.9+: Ada and Hopper), as
sd-scripts' `--fp8_base` requires; the check runs before anything is queued.
"""

from __future__ import annotations

import types

import torch
import torch.nn.functional as F
from torch import nn

from trainer.engine.errors import TrainingError

FP8 = torch.float8_e4m3fn
MIN_CAPABILITY = (8, 9)


def check_fp8_supported(device: str) -> None:
    """Refuse fp8_base on hosts that cannot run it, saying what to change."""
    if device != "cuda":
        raise TrainingError(
            "config",
            f"fp8_base needs an NVIDIA GPU with fp8 (RTX 40xx, L4, L40, H100) and this run is on {device}; "
            "turn fp8_base off",
            "fp8_base",
        )
    capability = torch.cuda.get_device_capability()
    if capability < MIN_CAPABILITY:
        name = torch.cuda.get_device_name()
        raise TrainingError(
            "config",
            f"{name} (compute capability {capability[0]}.{capability[1]}) has no fp8; fp8_base needs 8.9 or "
            "newer (Ada: RTX 40xx, L4, L40; Hopper: H100). Turn fp8_base off and use gradient_checkpointing "
            "or a smaller batch instead",
            "fp8_base",
        )


def _linear(self: nn.Linear, x: torch.Tensor) -> torch.Tensor:
    bias = None if self.bias is None else self.bias.to(x.dtype)
    return F.linear(x, self.weight.to(x.dtype), bias)


def _conv(self: nn.Conv2d, x: torch.Tensor) -> torch.Tensor:
    bias = None if self.bias is None else self.bias.to(x.dtype)
    return self._conv_forward(x, self.weight.to(x.dtype), bias)


def store_in_fp8(module: nn.Module) -> int:
    """Keep `module`'s frozen Linear / Conv2d weights in float8; returns how many bytes that saves."""
    saved = 0
    for layer in module.modules():
        if not isinstance(layer, nn.Linear | nn.Conv2d) or layer.weight.requires_grad:
            continue
        if layer.weight.dtype == FP8:
            continue
        before = layer.weight.numel() * layer.weight.element_size()
        layer.weight.data = layer.weight.data.to(FP8)
        saved += before - layer.weight.numel()
        layer.forward = types.MethodType(_linear if isinstance(layer, nn.Linear) else _conv, layer)
    return saved
