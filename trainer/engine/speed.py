"""Step-time tools: compiling the U-Net with a clean fallback, TF32 matmuls on Ampere and newer.

`compile_in_place` compiles a module where it stands (`nn.Module.compile`'s mechanism), so its
attributes, its parameters and its state-dict keys stay what PEFT and the exporters expect. If
compiling fails (no C++ compiler, an unsupported op, a dynamo error), the module falls back to eager
for the rest of the run and `on_fallback` hears why; an out-of-memory error is never hidden.
docs/benchmarks.md says what each tool measured.
"""

from __future__ import annotations

import logging
import types
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

log = logging.getLogger(__name__)


def compile_in_place(
    module: nn.Module,
    *,
    backend: str = "inductor",
    mode: str | None = None,
    on_fallback: Callable[[BaseException], None] | None = None,
) -> None:
    """Make `module(...)` run through torch.compile; on a compile error, run eager from then on."""
    compiled = torch.compile(module._call_impl, backend=backend, mode=mode)

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return compiled(*args, **kwargs)
        except torch.OutOfMemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - any compiler failure means: run eager instead
            module._compiled_call_impl = None
            log.warning("torch.compile failed for %s, running eager: %s", type(module).__name__, exc)
            if on_fallback is not None:
                on_fallback(exc)
            return module._call_impl(*args, **kwargs)

    module._compiled_call_impl = call


#: The U-Net's repeated blocks: compiled one by one ("regional" compilation), same-shaped blocks share
#: their compiled code, which keeps compile time a fraction of compiling the whole U-Net as one graph.
COMPILED_BLOCKS = ("BasicTransformerBlock", "ResnetBlock2D")


def compile_blocks(
    unet: nn.Module,
    *,
    backend: str = "inductor",
    mode: str | None = None,
    on_fallback: Callable[[BaseException], None] | None = None,
) -> int:
    """Compile every transformer and ResNet block of the U-Net in place; returns how many."""
    import torch._dynamo

    # Each block class meets several channel widths and resolutions: allow a compile for each.
    for name in ("recompile_limit", "cache_size_limit"):
        if hasattr(torch._dynamo.config, name):
            setattr(torch._dynamo.config, name, max(64, getattr(torch._dynamo.config, name)))
    blocks = [m for m in unet.modules() if type(m).__name__ in COMPILED_BLOCKS]
    for block in blocks:
        compile_in_place(block, backend=backend, mode=mode, on_fallback=on_fallback)
    return len(blocks)


def compile_for_training(unet: nn.Module, emit: Callable[..., Any]) -> int:
    """The `compile` option: the U-Net's blocks compiled in place. If compiling fails the run goes on
    eagerly and says so once, as a `warning` event of kind `compile_fallback`."""
    warned: list[BaseException] = []

    def fallback(exc: BaseException) -> None:
        if not warned:
            warned.append(exc)
            why = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            emit(
                "warning",
                kind="compile_fallback",
                message=f"torch.compile failed, training goes on without it ({why})",
            )

    return compile_blocks(unet, on_fallback=fallback)


def uncompile(module: nn.Module) -> None:
    """Back to eager execution (the compiled graphs are dropped with the wrapper)."""
    module._compiled_call_impl = None


def is_compiled(module: nn.Module) -> bool:
    return getattr(module, "_compiled_call_impl", None) is not None


def enable_tf32(device: torch.device) -> bool:
    """TF32 for fp32 matmuls and convolutions on NVIDIA Ampere and newer; True when turned on.

    fp32 work (the fp32 LoRA weights, runs without mixed precision) then uses the tensor cores with a
    10-bit mantissa, the precision diffusion trainers commonly accept for training.
    """
    if device.type != "cuda" or torch.cuda.get_device_capability(device)[0] < 8:
        return False
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    return True


def fuse_lora_linears(model: nn.Module) -> int:
    """PEFT's LoRA Linear computes base(x) + B(A(x)) * s: two more passes over the layer's output (the
    scale, then the sum). Here the scale and the sum go into the second GEMM (addmm with alpha = s):
    the same result with fewer passes. A layer in any other state (merged, adapters disabled, several
    adapters, dropout, DoRA or another variant, a bias on B) keeps PEFT's own forward. Returns how many."""
    from peft.tuners.lora.layer import Linear as LoraLinear

    count = 0
    for module in model.modules():
        if type(module) is LoraLinear:
            module.forward = types.MethodType(_fused_lora_forward, module)
            count += 1
    return count


def _plain_adapter(layer: nn.Module) -> str | None:
    active = layer.active_adapters
    if layer.disable_adapters or layer.merged or len(active) != 1:
        return None
    name = active[0]
    if name not in layer.lora_A or name in layer.lora_variant or layer.lora_B[name].bias is not None:
        return None
    return name if isinstance(layer.lora_dropout[name], nn.Identity) else None


def _fused_lora_forward(self: nn.Module, x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    name = None if args or kwargs else _plain_adapter(self)
    if name is None:
        return type(self).forward(self, x, *args, **kwargs)
    result = self.base_layer(x)
    down = F.linear(x.to(self.lora_A[name].weight.dtype), self.lora_A[name].weight)
    flat = result.reshape(-1, result.shape[-1])
    up = self.lora_B[name].weight.t().to(flat.dtype)
    return torch.addmm(
        flat, down.reshape(-1, down.shape[-1]).to(flat.dtype), up, alpha=self.scaling[name]
    ).view(result.shape)
