"""Where one training step's time goes: `python -m bench profile [--variants A,B,...]`.

The ~17.6M-parameter SD1.5-shaped U-Net of the sd-scripts comparison (bench.bench_train), LoRA rank 4
on attention + MLP (`attn_mlp`), 256 px latents, batch 2, fp32, one torch thread: the engine's loss,
the host read of the loss (the engine's `check_finite`), backward, gradient clipping and the optimizer,
each in its own `torch.profiler.record_function` region. Without --variants it prints the regions'
share of the step and the top operators by self time.

With --variants, each variant is timed on its own (median of `--steps` steps after warm-up), the
variants alternating `--rounds` times so the machine's load hits them alike: `base` (the engine as it
is), `foreach` / `fused` (AdamW implementation), `channels_last`, `compiled` (the `compile` option's
regional torch.compile; the first step's compile time reported apart), `no_sync` (no host read of the
loss), `math_sdpa` (SDPA's math kernel) and `attn_processor` (diffusers' classic attention, `sdpa = false`), `fused_lora` (LoRA's scale and sum
folded into one GEMM, trainer.engine.speed.fuse_lora_linears).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

import torch

VARIANTS = (
    "base", "foreach", "fused", "channels_last", "compiled", "no_sync", "math_sdpa", "attn_processor", "fused_lora",
)  # fmt: skip


def build(variant: str, threads: int) -> dict[str, Any]:
    """The bench U-Net with LoRA, the engine's optimizer and fixed inputs for one variant."""
    from diffusers import DDPMScheduler, UNet2DConditionModel

    from trainer.engine.loop import LossSettings
    from trainer.engine.network import add_lora, lora_parameters, unet_targets

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=32,
        block_out_channels=(64, 128, 256),
        layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=8,
    )
    unet.requires_grad_(False)
    add_lora(unet, unet_targets(unet, "attn_mlp"), rank=4, alpha=2.0, conv_rank=4, conv_alpha=2.0)
    unet.train()
    params = lora_parameters(unet)
    kwargs: dict[str, Any] = {"weight_decay": 1e-2}
    if variant in ("foreach", "fused"):
        kwargs[variant] = True
    optimizer = torch.optim.AdamW(params, lr=1e-3, **kwargs)
    latents = torch.randn(2, 4, 32, 32)
    if variant == "channels_last":
        unet.to(memory_format=torch.channels_last)
        latents = latents.contiguous(memory_format=torch.channels_last)
    if variant == "attn_processor":
        from diffusers.models.attention_processor import AttnProcessor

        unet.set_attn_processor(AttnProcessor())  # the classic bmm + softmax path (`sdpa = false`)
    if variant == "fused_lora":
        from trainer.engine.speed import fuse_lora_linears

        fuse_lora_linears(unet)
    if variant == "compiled":
        from trainer.engine.speed import compile_blocks

        compile_blocks(unet)
    return {
        "unet": unet,
        "optimizer": optimizer,
        "params": params,
        "scheduler": DDPMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012),
        "latents": latents,
        "hidden": torch.randn(2, 77, 32),
        "settings": LossSettings("epsilon", 0.0, 0.0, "sd15"),
        "generator": torch.Generator().manual_seed(0),
        "sync": variant != "no_sync",
        "math_sdpa": variant == "math_sdpa",
    }


def step(parts: dict[str, Any]) -> None:
    if parts["math_sdpa"]:
        from torch.nn.attention import SDPBackend, sdpa_kernel

        with sdpa_kernel(SDPBackend.MATH):
            return _step(parts)
    return _step(parts)


def _step(parts: dict[str, Any]) -> None:
    from torch.profiler import record_function

    from trainer.engine.loop import diffusion_loss

    with record_function("data+noise+forward+loss"):
        loss = diffusion_loss(
            parts["unet"], parts["scheduler"], parts["latents"], torch.zeros(2, 6), parts["hidden"], None,
            torch.ones(2), parts["generator"], parts["settings"],
        )  # fmt: skip
    if parts["sync"]:
        with record_function("host read of the loss"):
            float(loss.detach())
    with record_function("backward"):
        loss.backward()
    with record_function("clip grad norm"):
        torch.nn.utils.clip_grad_norm_(parts["params"], 1.0)
    with record_function("optimizer"):
        parts["optimizer"].step()
        parts["optimizer"].zero_grad(set_to_none=True)


def time_variant(variant: str, steps: int, warmup: int, threads: int) -> dict[str, Any]:
    parts = build(variant, threads)
    began = time.perf_counter()
    step(parts)
    first = time.perf_counter() - began
    for _ in range(warmup - 1):
        step(parts)
    times, cpu = [], []
    for _ in range(steps):
        began, began_cpu = time.perf_counter(), time.process_time()
        step(parts)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    median = statistics.median(times)
    out = {
        "variant": variant,
        "median_s": round(median, 4),
        "median_cpu_s": round(statistics.median(cpu), 4),
        "times": [round(t, 4) for t in times],
    }
    if variant == "compiled":
        out["compile_s"] = round(first - median, 1)
    return out


def profile(steps: int, threads: int) -> dict[str, Any]:
    """Regions' share of the step and the top operators by self CPU time."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    parts = build("base", threads)
    for _ in range(2):
        step(parts)
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step(parts)
    events = prof.key_averages()
    regions = {e.key: e.cpu_time_total / steps / 1e3 for e in events if e.key in _REGIONS}
    total = sum(regions.values())
    ops = sorted(
        (e for e in events if e.key not in _REGIONS), key=lambda e: e.self_cpu_time_total, reverse=True
    )
    top = [
        {
            "op": e.key,
            "self_ms_per_step": round(e.self_cpu_time_total / steps / 1e3, 2),
            "calls": e.count // steps,
        }
        for e in ops[:15]
    ]
    return {
        "step_ms": round(total, 1),
        "regions_ms": {k: round(v, 1) for k, v in regions.items()},
        "regions_share": {k: round(v / total, 3) for k, v in regions.items()},
        "top_ops": top,
    }


_REGIONS = ("data+noise+forward+loss", "host read of the loss", "backward", "clip grad norm", "optimizer")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench profile", description=__doc__.split("\n")[0])
    parser.add_argument("--variants", default="", help=f"comma-separated, of {', '.join(VARIANTS)}")
    parser.add_argument("--rounds", type=int, default=3, help="variants alternate this many times")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.variants:
        print(json.dumps(profile(args.steps, args.threads), indent=1), flush=True)
        return 0
    names = [v for v in args.variants.split(",") if v]
    # CPU time (time.process_time) as well as wall time: with one thread it counts the work a step does
    # and is far less moved than wall time by other processes on a shared machine.
    results: dict[str, dict[str, list[float]]] = {v: {"median_s": [], "median_cpu_s": []} for v in names}
    for _ in range(args.rounds):
        for name in names:
            got = time_variant(name, args.steps, 2, args.threads)
            for key in ("median_s", "median_cpu_s"):
                results[name][key].append(got[key])
            print(json.dumps(got), file=sys.stderr, flush=True)
    for key in ("median_s", "median_cpu_s"):
        base = statistics.median(results[names[0]][key])
        for name in names:
            median = statistics.median(results[name][key])
            print(
                f"{key} {name}: {median:.4f} s/step, ratio to {names[0]} {median / base:.3f} ({results[name][key]})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
