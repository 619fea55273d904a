"""The measurement matrix of `python -m bench gpu`: full-size U-Nets with LoRA, one row per setting.

Each (architecture, network) pair builds one U-Net from its real diffusers config with random weights
(no download), injects LoRA with the engine's own function, and times the engine's training step
(`trainer.engine.loop.diffusion_loss`, backward, the engine's AdamW) on cached latents and text
outputs given as random tensors of the right shapes. Rows vary batch, eager vs compiled, and
gradient checkpointing. FLOPs of a step are counted once per (arch, network, batch) with
`torch.utils.flop_counter.FlopCounterMode` on the eager, checkpointing-off step (model FLOPs: the
recomputation of checkpointing is not counted, the usual MFU convention).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import torch

from bench.bench_train import SD15_UNET, SDXL_UNET

# Tiny stand-ins with the same block types, for `--smoke` on a CPU.
SD15_TINY = {
    "sample_size": 8,
    "block_out_channels": [32, 64],
    "layers_per_block": 1,
    "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"],
    "cross_attention_dim": 32,
    "attention_head_dim": 8,
    "norm_num_groups": 8,
}
SDXL_TINY = {
    "sample_size": 8,
    "block_out_channels": [32, 64],
    "layers_per_block": 1,
    "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
    "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
    "transformer_layers_per_block": [1, 2],
    "attention_head_dim": [4, 8],
    "cross_attention_dim": 64,
    "use_linear_projection": True,
    "addition_embed_type": "text_time",
    "addition_time_embed_dim": 8,
    "projection_class_embeddings_input_dim": 8 * 6 + 32,  # six size numbers + the pooled embedding
    "norm_num_groups": 8,
}


@dataclass(frozen=True)
class Family:
    arch: str
    resolution: int
    batches: tuple[int, ...]
    unet: dict[str, Any]
    pooled_dim: int  # SDXL's pooled text embedding; 0 for SD1.5


FULL = (
    Family("sd15", 512, (1, 4, 8), SD15_UNET, 0),
    Family("sdxl", 1024, (1, 4), SDXL_UNET, 1280),
)
SMOKE = (
    Family("sd15", 64, (1, 2), SD15_TINY, 0),
    Family("sdxl", 64, (1,), SDXL_TINY, 32),
)
NETWORKS = ("attn", "locon")
RANK, ALPHA, CONV_RANK, CONV_ALPHA = 32, 16.0, 8, 4.0


@dataclass
class Row:
    """One measured setting; `status` is "ok", "out of memory", "skipped: why" or "failed: why"."""

    arch: str
    resolution: int
    batch: int
    network: str
    compiled: bool
    checkpointing: bool
    status: str = "not run"
    step_s: float | None = None
    it_s: float | None = None
    images_s: float | None = None
    peak_vram_gib: float | None = None
    tflop_per_step: float | None = None
    mfu: float | None = None
    compile_s: float | None = None
    predicted_vram_gb: float | None = None
    predicted_over_measured: float | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Settings:
    device: torch.device
    dtype: torch.dtype
    warmup: int
    steps: int
    compile_backend: str
    peak_tflops: float | None
    deadline: float  # time.perf_counter() after which compiled rows are skipped
    compile_guess_s: float  # assumed cost of a compiled row until one was measured
    compiled_rows: int = 0  # compiled rows run so far


def build_unet(family: Family, network: str, device: torch.device, dtype: torch.dtype):
    """The family's U-Net, random weights in `dtype`, LoRA (fp32) on `network` via the engine."""
    from diffusers import UNet2DConditionModel

    from trainer.engine.network import add_lora, unet_targets

    torch.manual_seed(0)
    with torch.device(device):
        unet = UNet2DConditionModel(**family.unet)
    unet.to(dtype=dtype).requires_grad_(False)
    add_lora(
        unet, unet_targets(unet, network), rank=RANK, alpha=ALPHA, conv_rank=CONV_RANK, conv_alpha=CONV_ALPHA
    )
    for name, param in unet.named_parameters():
        if ".lora_" in name:
            param.data = param.data.float()  # trainable weights stay fp32, as in the engine
    unet.train()
    return unet


def _inputs(family: Family, batch: int, device: torch.device, dtype: torch.dtype) -> dict[str, Any]:
    side = family.resolution // 8
    cross = family.unet["cross_attention_dim"]
    res = family.resolution
    return {
        "latents": torch.randn(batch, 4, side, side, device=device, dtype=dtype),
        "hidden": torch.randn(batch, 77, cross, device=device, dtype=dtype),
        "pooled": torch.randn(batch, family.pooled_dim, device=device, dtype=dtype)
        if family.pooled_dim
        else None,
        "sizes": torch.tensor([[res, res, 0, 0, res, res]] * batch, device=device),
        "weights": torch.ones(batch, device=device),
    }


class Stepper:
    """The engine's training step on one U-Net: loss, backward, AdamW, zero_grad."""

    def __init__(self, unet, family: Family, settings: Settings) -> None:
        from diffusers import DDPMScheduler

        from trainer.engine.loop import LossSettings
        from trainer.engine.network import lora_parameters
        from trainer.engine.optim import build_optimizer

        self.unet = unet
        self.family = family
        self.settings = settings
        self.scheduler = DDPMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012)
        self.optimizer = build_optimizer("adamw", [{"params": lora_parameters(unet), "lr": 1e-4}], 1e-2)
        self.loss_settings = LossSettings("epsilon", 0.0, 0.0, family.arch)
        self.generator = torch.Generator().manual_seed(0)

    def step(self, inputs: dict[str, Any]) -> None:
        from trainer.engine.loop import diffusion_loss

        device = self.settings.device
        with torch.autocast(
            device.type, dtype=self.settings.dtype, enabled=self.settings.dtype != torch.float32
        ):
            loss = diffusion_loss(
                self.unet,
                self.scheduler,
                inputs["latents"],
                inputs["sizes"],
                inputs["hidden"],
                inputs["pooled"],
                inputs["weights"],
                self.generator,
                self.loss_settings,
            )
        loss.backward()
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def count_flops(stepper: Stepper, inputs: dict[str, Any]) -> float:
    """FLOPs of one whole step (forward, backward; the optimizer's elementwise work is not counted)."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        stepper.step(inputs)
    return float(counter.get_total_flops())


def measure(stepper: Stepper, row: Row, inputs: dict[str, Any]) -> None:
    """Warm up (the first call compiles when compiled), then time `steps` steps."""
    settings = stepper.settings
    device = settings.device
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
    began = time.perf_counter()
    stepper.step(inputs)
    _sync(device)
    first = time.perf_counter() - began
    for _ in range(max(0, settings.warmup - 1)):
        stepper.step(inputs)
    _sync(device)
    began = time.perf_counter()
    for _ in range(settings.steps):
        stepper.step(inputs)
    _sync(device)
    step_s = (time.perf_counter() - began) / settings.steps
    row.status = "ok"
    row.step_s = round(step_s, 5)
    row.it_s = round(1.0 / step_s, 3)
    row.images_s = round(row.batch / step_s, 3)
    if row.compiled:
        row.compile_s = round(max(0.0, first - step_s), 2)
    if device.type == "cuda":
        row.peak_vram_gib = round(torch.cuda.max_memory_allocated(device) / 2**30, 3)


def _set_checkpointing(unet, on: bool) -> None:
    if on:
        unet.enable_gradient_checkpointing()
    else:
        unet.disable_gradient_checkpointing()


def _free(device: torch.device) -> None:
    import gc

    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def _run_row(stepper: Stepper, row: Row, flops: dict[tuple, float]) -> None:
    """Measure one row in place; out-of-memory and other errors end up in `row.status`."""
    settings = stepper.settings
    inputs = _inputs(stepper.family, row.batch, settings.device, settings.dtype)
    _set_checkpointing(stepper.unet, row.checkpointing)
    key = (row.arch, row.network, row.batch)
    try:
        if key not in flops and not row.compiled and not row.checkpointing:
            flops[key] = count_flops(stepper, inputs)
        measure(stepper, row, inputs)
    except torch.OutOfMemoryError:
        row.status = "out of memory"
        if settings.device.type == "cuda":
            row.peak_vram_gib = round(torch.cuda.max_memory_allocated(settings.device) / 2**30, 3)
    except Exception as exc:  # noqa: BLE001 - one broken row must not end the whole benchmark
        row.status = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    finally:
        stepper.optimizer.zero_grad(set_to_none=True)
        del inputs
        _free(settings.device)
    if key in flops:
        row.tflop_per_step = round(flops[key] / 1e12, 4)
        if row.status == "ok" and settings.peak_tflops:
            row.mfu = round(flops[key] / (row.step_s * settings.peak_tflops * 1e12), 4)


def _priority(row: Row, family: Family) -> tuple:
    """Compiled rows in the order the targets need them: SD1.5 biggest batch, SDXL batch 1, first."""
    target = max(family.batches) if family.arch == "sd15" else min(family.batches)
    return (row.batch != target, row.checkpointing, row.batch)


def _build(family: Family, network: str, settings: Settings) -> Stepper | str:
    try:
        return Stepper(build_unet(family, network, settings.device, settings.dtype), family, settings)
    except torch.OutOfMemoryError:
        _free(settings.device)
        return "out of memory while building the U-Net"


def eager_rows(family: Family, network: str, settings: Settings, flops: dict[tuple, float]) -> list[Row]:
    """Every eager row of one (family, network); FLOPs are counted here."""
    rows = [
        Row(family.arch, family.resolution, b, network, False, g)
        for b in family.batches
        for g in (False, True)
    ]
    stepper = _build(family, network, settings)
    for row in rows:
        if isinstance(stepper, str):
            row.status = stepper
        else:
            _run_row(stepper, row, flops)
    del stepper
    _free(settings.device)
    return rows


def compiled_rows(
    family: Family, network: str, settings: Settings, flops: dict[tuple, float], fallbacks: list[str]
) -> list[Row]:
    """The compiled rows of one (family, network), most wanted first, while the time budget lasts.
    The run's first compiled row always runs; compile time is each row's first step less a step."""
    from trainer.engine.speed import compile_blocks

    rows = sorted(
        (
            Row(family.arch, family.resolution, b, network, True, g)
            for b in family.batches
            for g in (False, True)
        ),
        key=lambda r: _priority(r, family),
    )
    guess = settings.compile_guess_s * (2 if family.arch == "sdxl" else 1)
    if settings.compiled_rows and time.perf_counter() + guess > settings.deadline:
        for row in rows:
            row.status = "skipped: time budget (--budget-s)"
        return rows
    stepper = _build(family, network, settings)
    if not isinstance(stepper, str):
        compile_blocks(
            stepper.unet, backend=settings.compile_backend, on_fallback=lambda e: fallbacks.append(repr(e))
        )
    for row in rows:
        if isinstance(stepper, str):
            row.status = stepper
        elif settings.compiled_rows and time.perf_counter() + guess > settings.deadline:
            row.status = "skipped: time budget (--budget-s)"
        else:
            began = time.perf_counter()
            seen = len(fallbacks)
            _run_row(stepper, row, flops)
            settings.compiled_rows += 1
            guess = time.perf_counter() - began
            if len(fallbacks) > seen:
                row.notes.append("compile fell back to eager: " + fallbacks[-1][:200])
    del stepper
    import torch._dynamo

    torch._dynamo.reset()  # drop the compiled graphs with the model they were made for
    _free(settings.device)
    return rows
