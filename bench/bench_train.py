"""Training-engine benchmark: `python -m bench.bench_train [--part tiny|full|all]`.

tiny: a ~17M-parameter U-Net (block_out_channels 64/128/256) at 256 px, batch 2, trained by the real
      engine (`trainer.engine.train.train`) with latent + text caching on and off. Each mode runs in
      its own child process so its peak RSS is its own; seconds per step are the median gap between
      consecutive `step` events. Two VAEs: the project's tiny one and one with SD's real VAE shape
      (random weights), since what caching saves is the VAE encode.
full: full-size SD 1.5 and SDXL U-Net shapes (the real diffusers configs below, random weights), LoRA
      rank 32 / alpha 16 on the attention layers, one training step at 256 px on the CPU through the
      engine's loss (`trainer.engine.loop.diffusion_loss`) with AdamW. Slow: minutes, several GiB.
Prints one JSON object per measurement; docs/benchmarks.md records the results.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# The real U-Net configs of the two families (values of their published diffusers unet/config.json).
SD15_UNET = {
    "sample_size": 64,
    "in_channels": 4,
    "out_channels": 4,
    "layers_per_block": 2,
    "block_out_channels": [320, 640, 1280, 1280],
    "down_block_types": [
        "CrossAttnDownBlock2D",
        "CrossAttnDownBlock2D",
        "CrossAttnDownBlock2D",
        "DownBlock2D",
    ],
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    "cross_attention_dim": 768,
    "attention_head_dim": 8,
    "norm_num_groups": 32,
}
SDXL_UNET = {
    "sample_size": 128,
    "in_channels": 4,
    "out_channels": 4,
    "layers_per_block": 2,
    "block_out_channels": [320, 640, 1280],
    "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
    "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"],
    "transformer_layers_per_block": [1, 2, 10],
    "attention_head_dim": [5, 10, 20],
    "cross_attention_dim": 2048,
    "use_linear_projection": True,
    "addition_embed_type": "text_time",
    "addition_time_embed_dim": 256,
    "projection_class_embeddings_input_dim": 2816,
    "norm_num_groups": 32,
}
SD_VAE = {"block_out_channels": [128, 256, 512, 512], "layers_per_block": 2, "latent_channels": 4}


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def build_bench_model(out: Path, sd_vae: bool) -> Path:
    """The project's tiny SD1.5 pipeline with a ~17M U-Net (and optionally SD's VAE shape)."""
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel

    from trainer.models.tiny import build_tiny_pipeline

    build_tiny_pipeline(out, "sd15", "diffusers", seed=0)
    torch.manual_seed(0)
    cross = json.loads((out / "unet" / "config.json").read_text())["cross_attention_dim"]
    unet = UNet2DConditionModel(
        sample_size=32,
        block_out_channels=(64, 128, 256),
        layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=cross,
        attention_head_dim=8,
    )
    unet.save_pretrained(out / "unet")
    if sd_vae:
        vae = AutoencoderKL(
            down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4, **SD_VAE
        )
        vae.save_pretrained(out / "vae")
    return out


def _tiny_child(model: str, data: str, run: str, cached: bool, steps: int, threads: int, queue: Any) -> None:
    import torch
    from diffusers import UNet2DConditionModel

    from config.training import TrainConfig
    from trainer.engine.train import train
    from trainer.job_paths import read_events

    cfg = TrainConfig(
        pretrained_model=model,
        data_dir=data,
        output_dir=run,
        max_train_steps=steps,
        resolution=256,
        train_batch_size=2,
        network_dim=16,
        network_alpha=8.0,
        sample_steps=1,
        sample_every_n_steps=0,
        save_every_n_steps=0,
        cache_latents=cached,
        cache_text_encoder_outputs=cached,
        seed=1,
    )
    torch.set_num_threads(threads)
    began = time.perf_counter()
    train(cfg, Path(run))
    times = [e["time"] for e in read_events(Path(run)) if e["type"] == "step"]
    gaps = [b - a for a, b in itertools.pairwise(times)]  # the first (warm-up) step is not a gap
    unet = UNet2DConditionModel.from_pretrained(str(Path(model) / "unet"))
    queue.put(
        {
            "cached": cached,
            "s_per_step": round(statistics.median(gaps), 3),
            "steps": steps,
            "wall_s": round(time.perf_counter() - began, 1),
            "peak_rss_mib": round(_peak_rss_mib()),
            "unet_params_m": round(sum(p.numel() for p in unet.parameters()) / 1e6, 2),
            "torch_threads": torch.get_num_threads(),
        }
    )


def bench_tiny(steps: int = 8, threads: int = 1, rounds: int = 2) -> list[dict[str, Any]]:
    """Cached against uncached, alternating (c, u, c, u ...) so that load from other processes hits
    both alike; the faster round of each mode counts."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "trainer" / "engine"))
    from engine_helpers import draw_dataset

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = draw_dataset(root / "data", 8, size=256)
        ctx = mp.get_context("spawn")
        for sd_vae in (False, True):
            model = build_bench_model(root / f"model_{sd_vae}", sd_vae)
            best: dict[bool, dict[str, Any]] = {}
            for round_ in range(rounds):
                for cached in (True, False):
                    queue = ctx.Queue()
                    run = root / f"run_{sd_vae}_{cached}_{round_}"
                    child = ctx.Process(
                        target=_tiny_child,
                        args=(str(model), str(data), str(run), cached, steps, threads, queue),
                    )
                    child.start()
                    got = queue.get()
                    child.join()
                    if cached not in best or got["s_per_step"] < best[cached]["s_per_step"]:
                        best[cached] = got
            result = {
                "bench": "tiny_cache",
                "vae": "sd-shaped (83M)" if sd_vae else "tiny",
                "resolution": 256,
                "batch": 2,
                "rounds": rounds,
                "cached": best[True],
                "uncached": best[False],
                "ratio_cached_over_uncached": round(best[True]["s_per_step"] / best[False]["s_per_step"], 3),
                "load_avg": os.getloadavg()[0],
            }
            print(json.dumps(result), flush=True)
            results.append(result)
    return results


def bench_full_unet(arch: str, threads: int = 2) -> dict[str, Any]:
    import torch
    from diffusers import DDPMScheduler, UNet2DConditionModel

    from trainer.engine.loop import LossSettings, diffusion_loss
    from trainer.engine.network import add_lora, lora_parameters, unet_targets

    torch.set_num_threads(threads)
    began = time.perf_counter()
    torch.manual_seed(0)
    unet = UNet2DConditionModel(**(SDXL_UNET if arch == "sdxl" else SD15_UNET))
    unet.requires_grad_(False)
    params_m = sum(p.numel() for p in unet.parameters()) / 1e6
    add_lora(unet, unet_targets(unet, "attn"), rank=32, alpha=16.0, conv_rank=8, conv_alpha=4.0)
    unet.train()
    build_s = time.perf_counter() - began
    scheduler = DDPMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012)
    optimizer = torch.optim.AdamW(lora_parameters(unet), lr=1e-4)
    batch = 1
    latents = torch.randn(batch, 4, 32, 32)  # 256 px
    if arch == "sdxl":
        hidden, pooled = torch.randn(batch, 77, 2048), torch.randn(batch, 1280)
    else:
        hidden, pooled = torch.randn(batch, 77, 768), None
    sizes = torch.tensor([[256, 256, 0, 0, 256, 256]] * batch)
    settings = LossSettings("epsilon", 0.0, 0.0, arch)
    gen = torch.Generator().manual_seed(0)
    step_began = time.perf_counter()
    loss = diffusion_loss(unet, scheduler, latents, sizes, hidden, pooled, torch.ones(batch), gen, settings)
    loss.backward()
    optimizer.step()
    step_s = time.perf_counter() - step_began
    result = {
        "bench": "full_unet_step",
        "arch": arch,
        "resolution": 256,
        "batch": batch,
        "unet_params_m": round(params_m),
        "lora_params_m": round(sum(p.numel() for p in lora_parameters(unet)) / 1e6, 2),
        "build_s": round(build_s, 1),
        "step_s": round(step_s, 1),
        "peak_rss_mib": round(_peak_rss_mib()),
        "load_avg": os.getloadavg()[0],
        "torch_threads": torch.get_num_threads(),
    }
    print(json.dumps(result), flush=True)
    return result


def _full_child(arch: str, queue: Any) -> None:
    queue.put(bench_full_unet(arch))


def bench_full() -> list[dict[str, Any]]:
    ctx = mp.get_context("spawn")
    results = []
    for arch in ("sd15", "sdxl"):
        queue = ctx.Queue()
        child = ctx.Process(target=_full_child, args=(arch, queue))
        child.start()
        results.append(queue.get())
        child.join()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_train", description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["tiny", "full", "all"], default="tiny")
    parser.add_argument("--steps", type=int, default=8, help="training steps per tiny run")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads for the tiny runs (1: steady on a shared CPU)"
    )
    args = parser.parse_args(argv)
    if args.part in ("tiny", "all"):
        bench_tiny(args.steps, args.threads)
    if args.part in ("full", "all"):
        bench_full()
    return 0


if __name__ == "__main__":
    sys.exit(main())
