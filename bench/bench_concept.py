"""The guide's knobs, measured on the tiny shapes base: concept accuracy and prior drift.

Each row trains the "sks" = star LoRA through the real `loracord train` (a child process) from the
same 20 images, changing one knob from the baseline, then scores 16 seeds per prompt:
- concept: share of "a <colour> sks ..." images that show a star (4 colours);
- prior: share of "a <colour> <circle|square|triangle> ..." images right in shape and colour,
  with the LoRA (the base model's own rate is printed once);
- drift: base prior minus LoRA prior (what regularization images should keep small).
Single runs with one seed: differences under ~10 points are within noise.

    python -m bench.bench_concept [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from trainer.tinybase import base, concept

# The concept test's configuration; every other row changes one knob from it.
BASELINE = {"steps": 2000, "rank": 8, "lr": 1e-3, "te": True, "reg": True, "min_snr": 5}
VARIANTS: list[tuple[str, dict]] = [
    ("baseline (TE on, reg on, min-SNR 5)", {}),
    ("min-SNR off", {"min_snr": None}),
    ("steps 1000", {"steps": 1000}),
    ("lr 3e-3", {"lr": 3e-3}),
    ("rank 4", {"rank": 4}),
    ("rank 32", {"rank": 32}),
    ("text encoder off", {"te": False}),
    ("regularization off", {"reg": False}),
    ("text encoder off, regularization off", {"te": False, "reg": False}),
]


def run_variant(
    root: Path, base_dir: Path, data: Path, reg: Path, name: str, knobs: dict, seeds: list[int]
) -> dict:
    k = {**BASELINE, **knobs}
    extra = ["--set", "train_text_encoder=true"] if k["te"] else []
    if k["min_snr"]:
        extra += ["--set", f"min_snr_gamma={k['min_snr']}"]
    started = time.monotonic()
    lora = concept.train_lora(
        base_dir,
        data,
        root / "".join(c if c.isalnum() else "_" for c in name),
        steps=k["steps"],
        rank=k["rank"],
        lr=k["lr"],
        reg_dir=reg if k["reg"] else None,
        extra=extra,
    )
    train_s = time.monotonic() - started
    result = concept.measure(base_dir, lora, seeds)
    return {"name": name, "train_s": train_s, **result.__dict__, "drift": result.prior_drift}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="baseline and regularization off only, 8 seeds")
    args = parser.parse_args(argv)
    seeds = list(range(8 if args.quick else 16))
    variants = VARIANTS[:1] + VARIANTS[-2:-1] if args.quick else VARIANTS
    with tempfile.TemporaryDirectory(prefix="bench-concept-") as tmp:
        root = Path(tmp)
        base_dir = base.materialize(root / "base")
        data = concept.write_concept_data(root / "data")
        reg = concept.write_reg_data(root / "reg")
        rows = [run_variant(root, base_dir, data, reg, name, knobs, seeds) for name, knobs in variants]
    print(f"base model, prompts without the trigger: {rows[0]['prior_base']:.0%} right (shape and colour)")
    print(
        "| variant | concept (star) | star in prompted colour | at weight 0 | prior with LoRA | prior drop | train s |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['concept_rate']:.0%} | {r['concept_colour_rate']:.0%} | {r['baseline_rate']:.0%} "
            f"| {r['prior_lora']:.0%} | {r['drift'] * 100:+.0f} pts | {r['train_s']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
