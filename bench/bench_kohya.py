"""sd-scripts side by side: `python -m bench kohya --sd-scripts DIR --python VENV/bin/python`.

Runs kohya-ss/sd-scripts' `train_network.py` (an external checkout and its own venv, given by the
user; nothing of it is copied here) and `loracord train` on the same model files, data and settings,
alternating A B A B, and reports per pair: the steady-state step (median gap between each tool's own
optimizer-step time stamps, the first `--skip` steps excluded; sd-scripts' stamps come from the
launcher in bench/kohya_wrapper.py, loracord's from its `step` events), the whole run's wall time and
the peak RSS and the CPU seconds of the process tree (`os.wait4`; on a shared machine the CPU seconds
move far less with other processes' load than wall time does). Equal work (../shared/KOHYA.md): the ~17.6M-parameter
SD1.5-shaped model of `bench.bench_train.build_bench_model`, 12 images at 256 px, batch 2, rank 4 /
alpha 2, lr 1e-3, LoRA on attention + MLP (sd-scripts' set; loracord `attn_mlp`), fp32, seed 0.
Neither tool draws samples (loracord `sample_at_first = false`, `sample_at_end = false`; sd-scripts is
given no prompts), so the whole run is equal work too.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.runs import draw_images, loracord_command, read_events

#: Rows: (name, sd-scripts flags, loracord --set values).
ROWS: dict[str, tuple[list[str], list[str]]] = {
    "unet": (
        ["--network_train_unet_only", "--cache_latents"],
        ["train_text_encoder=false", "cache_latents=true", "cache_text_encoder_outputs=false"],
    ),
    "unet_te": (["--cache_latents"], ["train_text_encoder=true", "cache_latents=true"]),
    "unet_nocache": (
        ["--network_train_unet_only"],
        ["train_text_encoder=false", "cache_latents=false", "cache_text_encoder_outputs=false"],
    ),
    "locon": (
        ["--network_train_unet_only", "--cache_latents", "--network_args", "conv_dim=4", "conv_alpha=2"],
        [
            *("train_text_encoder=false", "cache_latents=true", "cache_text_encoder_outputs=false"),
            *("target_modules=locon", "conv_dim=4", "conv_alpha=2"),
        ],
    ),
}
TOKENIZER_ID = "openai/clip-vit-large-patch14"  # sd-scripts looks for it under --tokenizer_cache_dir


@dataclass(frozen=True)
class Plan:
    scripts: Path
    python: Path
    root: Path
    model: Path
    data: Path
    steps: int
    threads: int
    skip: int


def prepare(root: Path, scripts: Path, python: Path, steps: int, threads: int, skip: int) -> Plan:
    """The shared model files and data, sd-scripts' offline tokenizer folder and our launcher."""
    from bench.bench_train import build_bench_model
    from bench.kohya_wrapper import LAUNCHER

    model = build_bench_model(root / "model", sd_vae=False)
    data = draw_images(root / "data", 12, 256)
    shutil.copytree(model / "tokenizer", root / "tokenizers" / TOKENIZER_ID.replace("/", "_"))
    (root / "kohya_launcher.py").write_text(LAUNCHER, encoding="utf-8")
    return Plan(scripts, python, root, model, data, steps, threads, skip)


def _env(plan: Plan, **extra: str) -> dict[str, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1", **extra)
    env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(plan.threads)
    return env


def kohya_command(plan: Plan, row: str, out: Path) -> list[str]:
    return [
        str(plan.python), str(plan.root / "kohya_launcher.py"),
        "--pretrained_model_name_or_path", str(plan.model), "--train_data_dir", str(plan.data),
        "--resolution", "256", "--network_module", "networks.lora", "--network_dim", "4",
        "--network_alpha", "2", "--max_train_steps", str(plan.steps), "--train_batch_size", "2",
        "--learning_rate", "1e-3", "--output_dir", str(out), "--output_name", "kohya_ref",
        "--save_model_as", "safetensors", "--mixed_precision", "no", "--caption_extension", ".txt",
        "--sdpa", "--seed", "0", "--max_data_loader_n_workers", "0",
        "--tokenizer_cache_dir", str(plan.root / "tokenizers"), *ROWS[row][0],
    ]  # fmt: skip


def loracord_cmd(plan: Plan, row: str, out: Path) -> list[str]:
    sets = [
        "target_modules=attn_mlp", "save_precision=fp32", "seed=0", "mixed_precision=no",
        "sample_every_n_steps=0", "save_every_n_steps=0", "sample_at_first=false", "sample_at_end=false",
        *ROWS[row][1],
    ]  # fmt: skip
    cmd = [*loracord_command(), "train", "--model", str(plan.model), "--data", str(plan.data)]
    cmd += ["--out", str(out), "--name", "loracord_ref", "--steps", str(plan.steps), "--rank", "4"]
    cmd += ["--alpha", "2", "--lr", "1e-3", "--batch-size", "2", "--resolution", "256"]
    return cmd + [arg for value in sets for arg in ("--set", value)]


def _timed(cmd: list[str], env: dict[str, str], log: Path) -> tuple[float, float, float, float, int]:
    """(start time, wall seconds, peak RSS MiB of the process tree, its CPU seconds, exit code)."""
    with log.open("w", encoding="utf-8") as fh:
        start = time.time()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.time() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return start, wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, proc.returncode


def _steady(stamps: list[float], skip: int) -> float | None:
    gaps = [b - a for a, b in itertools.pairwise(stamps)][skip:]
    return statistics.median(gaps) if gaps else None


def _tensors(path: Path) -> int | None:
    if not path.is_file():
        return None
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as fh:
        return len(list(fh.keys()))


def run_once(plan: Plan, tool: str, row: str, index: int) -> dict[str, Any]:
    out = plan.root / "runs" / f"{row}_{tool}_{index}"
    out.mkdir(parents=True)
    if tool == "kohya":
        stamp_file = out / "steps.txt"
        unet_config = plan.model / "unet" / "config.json"
        env = _env(
            plan, LORACORD_SD_SCRIPTS=str(plan.scripts), LORACORD_UNET_CONFIG=str(unet_config),
            LORACORD_STEP_LOG=str(stamp_file),
        )  # fmt: skip
        start, wall, rss, cpu, code = _timed(kohya_command(plan, row, out), env, out / "log.txt")
        text = stamp_file.read_text() if stamp_file.is_file() else ""
        stamps = [float(x) for x in text.split()]
        lora = out / "kohya_ref.safetensors"
    else:
        start, wall, rss, cpu, code = _timed(loracord_cmd(plan, row, out), _env(plan), out / "log.txt")
        stamps = [e["time"] for e in read_events(out) if e["type"] == "step"]
        lora = out / "output" / "loracord_ref.safetensors"
    result = {
        "tool": tool, "row": row, "exit_code": code, "steps_seen": len(stamps),
        "steady_s": _steady(stamps, plan.skip), "wall_s": round(wall, 2), "cpu_s": round(cpu, 1), "peak_rss_mib": round(rss),
        "first_step_at_s": round(stamps[0] - start, 2) if stamps else None, "tensors": _tensors(lora),
        "load_avg": round(os.getloadavg()[0], 2),
    }  # fmt: skip
    if code != 0 or len(stamps) != plan.steps:
        result["log_tail"] = (out / "log.txt").read_text(errors="replace")[-2000:]
    print(json.dumps(result), file=sys.stderr, flush=True)
    return result


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def summarize(row: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Ratios loracord / sd-scripts pair by pair (the runs alternate, so pair i is run 2i, 2i+1)."""
    kohya = [r for r in runs if r["tool"] == "kohya"]
    ours = [r for r in runs if r["tool"] == "loracord"]
    pairs = list(zip(kohya, ours, strict=False))
    out: dict[str, Any] = {"row": row, "pairs": len(pairs)}
    for key in ("steady_s", "wall_s", "cpu_s", "peak_rss_mib"):
        out[f"{key}_ratios"] = [_ratio(b.get(key), a.get(key)) for a, b in pairs]
        vals = [x for x in out[f"{key}_ratios"] if x is not None]
        out[f"{key}_ratio_median"] = round(statistics.median(vals), 3) if vals else None
        for name, group in (("kohya", kohya), ("loracord", ours)):
            got = [r[key] for r in group if r.get(key) is not None]
            out[f"{name}_{key}_median"] = round(statistics.median(got), 3) if got else None
    out["tensors"] = {
        "kohya": kohya[0]["tensors"] if kohya else None,
        "loracord": ours[0]["tensors"] if ours else None,
    }
    out["load_avg"] = [r["load_avg"] for r in runs]
    out["failed"] = [r for r in runs if r["exit_code"] != 0 or r["steps_seen"] == 0]
    return out


def markdown(summaries: list[dict[str, Any]]) -> str:
    head = (
        "| row | s/step sd-scripts | s/step loracord | step ratio (pairs) | wall ratio (pairs) | "
        "CPU-seconds ratio (pairs) | RSS ratio (pairs) | RSS MiB sd-scripts / loracord | tensors sd-scripts / loracord | load avg |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for s in summaries:

        def pairs(key: str, s: dict[str, Any] = s) -> str:
            return f"**{s[key + '_ratio_median']}** ({', '.join(map(str, s[key + '_ratios']))})"

        load = s["load_avg"]
        lines.append(
            f"| {s['row']} | {s['kohya_steady_s_median']} | {s['loracord_steady_s_median']} | "
            f"{pairs('steady_s')} | {pairs('wall_s')} | {pairs('cpu_s')} | {pairs('peak_rss_mib')} | "
            f"{s['kohya_peak_rss_mib_median']} / {s['loracord_peak_rss_mib_median']} | "
            f"{s['tensors']['kohya']} / {s['tensors']['loracord']} | {min(load)}–{max(load)} |"
        )
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench kohya", description=__doc__.split("\n")[0])
    parser.add_argument("--sd-scripts", type=Path, required=True, help="a kohya-ss/sd-scripts checkout")
    parser.add_argument("--python", type=Path, required=True, help="the Python of sd-scripts' own venv")
    parser.add_argument("--rows", default=",".join(ROWS), help=f"comma-separated, of {', '.join(ROWS)}")
    parser.add_argument("--rounds", type=int, default=3, help="A B pairs per row")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--skip", type=int, default=5, help="first step gaps left out of the steady state")
    parser.add_argument("--threads", type=int, default=2, help="torch threads of both tools")
    parser.add_argument("--out", type=Path, default=None, help="write kohya_bench.json and .md here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, files)")
    args = parser.parse_args(argv)
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    problems = [f"unknown row {r!r}" for r in rows if r not in ROWS]
    if not (args.sd_scripts / "train_network.py").is_file():
        problems.append(f"--sd-scripts {args.sd_scripts}: no train_network.py there")
    if not args.python.is_file():
        problems.append(f"--python {args.python}: no such file")
    if problems:
        parser.error("; ".join(problems))
    root = Path(tempfile.mkdtemp(prefix="bench_kohya_"))
    try:
        plan = prepare(root, args.sd_scripts.resolve(), args.python, args.steps, args.threads, args.skip)
        summaries = []
        for row in rows:
            runs = []
            for index in range(args.rounds):
                runs += [run_once(plan, tool, row, index) for tool in ("kohya", "loracord")]
            summaries.append(summarize(row, runs))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    table = markdown(summaries)
    print(table, flush=True)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "kohya_bench.json").write_text(json.dumps(summaries, indent=2), encoding="utf-8")
        (args.out / "kohya_bench.md").write_text(table, encoding="utf-8")
    return 1 if any(s["failed"] for s in summaries) else 0


if __name__ == "__main__":
    sys.exit(main())
