"""GPU benchmark: `python -m bench gpu --out DIR` on a CUDA host, `--smoke` anywhere (tiny shapes).

Full-size SD1.5 (512 px; batch 1, 4, 8) and SDXL (1024 px; batch 1, 4) U-Nets from their real configs
with random weights, LoRA rank 32 on attention and LoCon, bf16 autocast over a bf16 base with fp32
LoRA weights, cached latents and text outputs as random tensors; eager vs torch.compile, gradient
checkpointing off vs on (bench/gpu_matrix.py). Per row: it/s, images/s, peak VRAM
(`torch.cuda.max_memory_allocated`), TFLOP per step (FlopCounterMode) and MFU against the card's
dense bf16 peak (CARDS), with the advisor's VRAM figure for the batch beside the measured peak.
Then one real `loracord train` on the tiny model through the same device (mixed precision,
samples, the kohya file saved and loaded back into a diffusers pipeline): pass or fail.

Writes DIR/gpu_bench.json and DIR/gpu_bench.md and prints the table. Compiled rows run while the
time budget lasts (`--budget-s`, sized so the whole run ends within 8 minutes on one H100); rows
that do not fit say so. `--smoke` runs the same code on tiny U-Nets at 64 px, compiling with
dynamo's "eager" backend (no C++ build), in under a minute on a CPU (tests/bench/test_bench_gpu.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from bench.gpu_matrix import FULL, NETWORKS, SMOKE, Row, Settings, compiled_rows, eager_rows

# Dense (no sparsity) bf16 tensor-core peaks in TFLOPS, by a substring of torch.cuda.get_device_name().
# First match wins, so the more specific names come first. Sources: NVIDIA's datasheets, which quote
# the with-sparsity figure (twice the dense one) for Hopper/Ada/Ampere data-centre cards.
CARDS: tuple[tuple[str, float, str], ...] = (
    ("H100 PCIe", 756.0, "NVIDIA H100 datasheet: 1,513 TFLOPS bf16 with sparsity (PCIe)"),
    ("H100 NVL", 835.0, "NVIDIA H100 datasheet: 1,671 TFLOPS bf16 with sparsity (NVL)"),
    ("H100", 989.0, "NVIDIA H100 datasheet: 1,979 TFLOPS bf16 with sparsity (SXM)"),
    ("H200", 989.0, "NVIDIA H200 datasheet: 1,979 TFLOPS bf16 with sparsity (SXM)"),
    ("GH200", 989.0, "NVIDIA GH200 datasheet: 1,979 TFLOPS bf16 with sparsity"),
    ("A100", 312.0, "NVIDIA A100 datasheet: 312 TFLOPS bf16 dense (624 with sparsity)"),
    ("L40S", 362.0, "NVIDIA L40S datasheet: 733 TFLOPS bf16 with sparsity"),
    ("L4", 121.0, "NVIDIA L4 datasheet: 242 TFLOPS bf16 with sparsity"),
    ("A10", 125.0, "NVIDIA A10 datasheet: 250 TFLOPS bf16 with sparsity"),
    ("RTX 4090", 165.2, "NVIDIA Ada whitepaper: 165.2 TFLOPS bf16 dense, fp32 accumulate"),
    ("RTX 3090", 71.0, "NVIDIA GA102 (Ampere) whitepaper: 71 TFLOPS bf16 dense, fp32 accumulate"),
)

TRAIN_CHECK_STEPS = 4
SMOKE_BUDGET_S = 20.0  # compiled rows of --smoke start only within this many seconds


def card_peak(name: str) -> tuple[float | None, str]:
    """(dense bf16 TFLOPS, source) for a CUDA device name; (None, why) when the card is not listed."""
    for key, tflops, source in CARDS:
        if key.lower() in name.lower():
            return tflops, source
    return None, f"{name!r} is not in bench.bench_gpu.CARDS; pass --peak-tflops for MFU"


def machine_info(device: torch.device, peak_override: float | None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "device": device.type,
        "torch": torch.__version__,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        peak, source = card_peak(name)
        info |= {
            "gpu": name,
            "cuda": torch.version.cuda,
            "vram_gib": round(torch.cuda.get_device_properties(device).total_memory / 2**30, 1),
            "capability": ".".join(map(str, torch.cuda.get_device_capability(device))),
        }
    else:
        peak, source = None, "no GPU: MFU is not computed"
    if peak_override:
        peak, source = peak_override, "--peak-tflops"
    info |= {"peak_bf16_tflops": peak, "peak_source": source}
    return info


def add_predictions(rows: list[Row]) -> None:
    """The advisor's VRAM figure for each row's (arch, batch), and predicted / measured."""
    from advisor.registry import vram_needed_gb

    for row in rows:
        row.predicted_vram_gb = vram_needed_gb(row.arch, row.batch)
        if row.predicted_vram_gb is None:
            row.notes.append("the advisor's table stops below this batch")
        elif row.peak_vram_gib:
            measured_gb = row.peak_vram_gib * 2**30 / 1e9
            row.predicted_over_measured = round(row.predicted_vram_gb / measured_gb, 3)


def train_check(root: Path, device: torch.device) -> dict[str, Any]:
    """One real `loracord train` on the tiny SD1.5 model; the kohya file must load back and act."""
    from bench.runs import draw_images, loracord_command, read_events
    from trainer.models.tiny import build_tiny_pipeline

    model = build_tiny_pipeline(root / "model", "sd15", "diffusers", seed=0)
    data = draw_images(root / "data", 6, 64)
    run = root / "run"
    precision = "bf16" if device.type != "cuda" or torch.cuda.is_bf16_supported() else "fp16"
    cmd = [
        *loracord_command(),
        "train", "--model", str(model), "--data", str(data), "--out", str(run), "--name", "gpucheck",
        "--steps", str(TRAIN_CHECK_STEPS), "--rank", "4", "--alpha", "4", "--lr", "1e-2",
        "--batch-size", "2", "--resolution", "64",
        "--set", f"mixed_precision={precision}", "--set", "sample_every_n_steps=2",
        "--set", "sample_steps=2", "--set", "save_every_n_steps=0", "--set", "enable_bucket=false",
    ]  # fmt: skip
    began = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    result: dict[str, Any] = {"mixed_precision": precision, "exit_code": proc.returncode}
    result["wall_s"] = round(time.perf_counter() - began, 1)
    events = read_events(run)
    result["samples"] = sum(e["type"] == "sample" for e in events)
    result["done"] = any(e["type"] == "done" for e in events)
    lora = run / "output" / "gpucheck.safetensors"
    problems = []
    if proc.returncode != 0 or not result["done"]:
        problems.append(f"loracord train failed: {(proc.stderr or proc.stdout)[-800:]}")
    elif result["samples"] < 3:
        problems.append(f"expected samples at steps 0, 2 and 4, got {result['samples']} sample events")
    if lora.is_file():
        problems += _load_back(model, lora, device)
    else:
        problems.append(f"no LoRA file at {lora}")
    result["problems"] = problems
    result["passed"] = not problems
    return result


def _load_back(model: Path, lora: Path, device: torch.device) -> list[str]:
    """The file reads clean and changes a diffusers pipeline's U-Net output once loaded."""
    from diffusers import StableDiffusionPipeline

    from trainer.export.reader import inspect_kohya_lora

    found = inspect_kohya_lora(lora)
    problems = [f"file: {p}" for p in found["problems"]]
    pipe = StableDiffusionPipeline.from_pretrained(
        str(model), safety_checker=None, requires_safety_checker=False
    )
    pipe.to(device)
    gen = torch.Generator().manual_seed(0)
    cross = pipe.unet.config.cross_attention_dim
    x = torch.randn(1, 4, 8, 8, generator=gen).to(device)
    h = torch.randn(1, 77, cross, generator=gen).to(device)
    with torch.no_grad():
        before = pipe.unet(x, 10, h).sample
        pipe.load_lora_weights(str(lora), adapter_name="check")
        after = pipe.unet(x, 10, h).sample
    if not float((after - before).abs().max()) > 0:
        problems.append("loading the kohya file back did not change the U-Net's output")
    return problems


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    head = (
        f"# bench gpu ({'smoke, tiny shapes' if report['smoke'] else 'full size'})\n\n"
        f"{m.get('gpu', m['device'])}, torch {m['torch']}, peak {m['peak_bf16_tflops']} TFLOPS bf16 "
        f"({m['peak_source']}); load {m['load_avg']}; {report['wall_s']} s in all\n\n"
        "| arch | px | batch | network | compiled | ckpt | status | it/s | images/s | peak VRAM GiB | "
        "TFLOP/step | MFU | compile s | advisor GB | advisor/measured |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for r in report["rows"]:
        cells = [r["arch"], r["resolution"], r["batch"], r["network"], "yes" if r["compiled"] else "no",
                 "on" if r["checkpointing"] else "off", r["status"], r["it_s"], r["images_s"],
                 r["peak_vram_gib"], r["tflop_per_step"],
                 None if r["mfu"] is None else f"{100 * r['mfu']:.1f}%", r["compile_s"],
                 r["predicted_vram_gb"], r["predicted_over_measured"]]  # fmt: skip
        lines.append("| " + " | ".join("—" if c is None else str(c) for c in cells) + " |")
    check = report["train_check"]
    verdict = "PASS" if check.get("passed") else f"FAIL {check.get('problems')}"
    tail = f"\n\nreal `loracord train` on the tiny model ({check.get('mixed_precision')}): {verdict}\n"
    return head + "\n".join(lines) + tail


def _progress(began: float, what: str) -> None:
    print(f"[bench gpu] {what} done at {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not args.smoke and device.type != "cuda":
        raise SystemExit("bench gpu needs a CUDA GPU; `--smoke` runs the same code on tiny shapes here")
    from trainer.engine.speed import enable_tf32

    enable_tf32(device)
    if device.type == "cpu":
        torch.set_num_threads(1)  # spinning threads on a shared CPU cost far more than they give
    began = time.perf_counter()
    machine = machine_info(device, args.peak_tflops)
    settings = Settings(
        device=device,
        dtype=torch.bfloat16,
        warmup=1 if args.smoke else 3,
        steps=2 if args.smoke else args.steps,
        compile_backend="eager" if args.smoke else args.compile_backend,
        peak_tflops=machine["peak_bf16_tflops"],
        deadline=began + (min(args.budget_s, SMOKE_BUDGET_S) if args.smoke else args.budget_s),
        compile_guess_s=5.0 if args.smoke else 60.0,  # doubled for SDXL
    )
    rows: list[Row] = []
    fallbacks: list[str] = []
    flops: dict[tuple, float] = {}
    pairs = [(family, network) for network in NETWORKS for family in (SMOKE if args.smoke else FULL)]
    for family, network in pairs:  # eager first: always measured
        rows += eager_rows(family, network, settings, flops)
        _progress(began, f"eager {family.arch} {network}")
    for family, network in pairs:  # then compiled, while the budget lasts
        rows += compiled_rows(family, network, settings, flops, fallbacks)
        _progress(began, f"compiled {family.arch} {network}")
    add_predictions(rows)
    with tempfile.TemporaryDirectory() as tmp:
        check = {"passed": False, "problems": ["not run (--no-train-check)"]}
        if not args.no_train_check:
            try:
                check = train_check(Path(tmp), device)
            except Exception as exc:  # noqa: BLE001 - reported as a failed check, the table still counts
                check = {"passed": False, "problems": [f"{type(exc).__name__}: {exc}"]}
    return {
        "smoke": args.smoke,
        "machine": machine,
        "settings": {
            "warmup": settings.warmup,
            "steps": settings.steps,
            "compile_backend": settings.compile_backend,
            "budget_s": args.budget_s,
        },
        "rows": [r.as_dict() for r in rows],
        "train_check": check,
        "compile_fallbacks": fallbacks,
        "wall_s": round(time.perf_counter() - began, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench gpu", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-gpu"), help="folder for the JSON and table")
    parser.add_argument("--smoke", action="store_true", help="tiny shapes, any device (< 1 min on a CPU)")
    parser.add_argument("--steps", type=int, default=10, help="timed steps per row")
    parser.add_argument(
        "--budget-s", type=float, default=360.0, help="seconds after which compiled rows are skipped"
    )
    parser.add_argument(
        "--compile-backend", default="inductor", help="torch.compile backend of compiled rows"
    )
    parser.add_argument("--peak-tflops", type=float, default=None, help="the card's dense bf16 peak, for MFU")
    parser.add_argument("--no-train-check", action="store_true", help="skip the real `loracord train`")
    args = parser.parse_args(argv)
    report = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gpu_bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    table = markdown(report)
    (args.out / "gpu_bench.md").write_text(table, encoding="utf-8")
    print(table, flush=True)
    return 0 if report["train_check"].get("passed") else 1


if __name__ == "__main__":
    sys.exit(main())
