"""Teach the shapes base a concept it has never seen, through the real `loracord train`, and measure.

The concept: the trigger word "sks" for stars (held out of pre-training entirely). Measured are
- concept rate: how often "a <colour> sks on a white background" gives a star, with the LoRA;
- baseline rate: the same prompts at LoRA weight 0 (must equal the base model);
- prior: how often prompts without the trigger ("a blue square ...") still give the right shape and
  colour with the LoRA, against the base model — the drift the guide's regularization images prevent.
Used by the concept test (tests/trainer/tinybase) and the knob benchmark (bench/bench_concept.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trainer.job_paths import JobPaths
from trainer.tinybase import base, shapes

TRIGGER = "sks"
CONCEPT_SHAPE = "star"
PRIOR_SHAPES = ("circle", "square", "triangle")


def write_concept_data(folder: Path, n: int = 20, seed: int = 101) -> Path:
    """`n` star images captioned "a <colour> sks on a white background"."""
    shapes.write_dataset(folder, n, seed, shapes=(CONCEPT_SHAPE,), word=TRIGGER)
    return folder


def write_reg_data(folder: Path, n: int = 40, seed: int = 202) -> Path:
    """Regularization images: the shapes the base already knows, correctly captioned."""
    shapes.write_dataset(folder, n, seed, shapes=PRIOR_SHAPES)
    return folder


def train_lora(
    base_dir: Path,
    data_dir: Path,
    job_dir: Path,
    steps: int = 600,
    rank: int = 8,
    lr: float = 1e-3,
    batch_size: int = 10,
    reg_dir: Path | None = None,
    extra: Sequence[str] = (),
) -> Path:
    """Run `loracord train` in a child process, exactly as a user would; returns the LoRA file."""
    cmd = [
        sys.executable, "-m", "cli", "train",
        "--model", str(base_dir), "--data", str(data_dir), "--out", str(job_dir),
        "--name", "sks_star", "--steps", str(steps), "--rank", str(rank), "--alpha", str(rank),
        "--lr", str(lr), "--batch-size", str(batch_size), "--resolution", "64",
        "--set", "mixed_precision=no", "--set", "enable_bucket=false",
        "--set", f"trigger_word={TRIGGER}", "--set", "sample_every_n_steps=0",
        "--set", "save_every_n_steps=0", "--set", "lr_scheduler=constant",
        "--set", "seed=7", "--set", "save_precision=fp32",
    ]  # fmt: skip
    if reg_dir is not None:
        cmd += ["--set", "regularization=true", "--set", f"reg_data_dir={reg_dir}"]
    cmd += list(extra)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"loracord train failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return JobPaths(job_dir).output / "sks_star.safetensors"


@dataclass(frozen=True)
class ConceptResult:
    concept_rate: float  # stars for "a <colour> sks", with the LoRA
    concept_colour_rate: float  # ... in the prompted colour
    baseline_rate: float  # stars for the same prompts at LoRA weight 0
    prior_base: float  # shape+colour right for prompts without the trigger, base model
    prior_lora: float  # the same with the LoRA

    @property
    def prior_drift(self) -> float:
        return round(self.prior_base - self.prior_lora, 3)


def measure(base_dir: Path, lora_file: Path, seeds: Sequence[int]) -> ConceptResult:
    """Score the base with and without the LoRA on the concept prompts and the prior prompts."""
    pipe = base.load_pipeline(base_dir)
    colours = list(shapes.COLOURS)
    concept_combos = [(c, CONCEPT_SHAPE) for c in colours]
    prior_combos = [(c, s) for s in PRIOR_SHAPES for c in colours]
    word = {CONCEPT_SHAPE: TRIGGER}
    prior_base = base.summary(base.evaluate(pipe, prior_combos, seeds))["both"]
    pipe.load_lora_weights(str(lora_file), adapter_name="concept")
    pipe.set_adapters(["concept"], [0.0])
    off = base.summary(base.evaluate(pipe, concept_combos, seeds, word))
    pipe.set_adapters(["concept"], [1.0])
    on = base.summary(base.evaluate(pipe, concept_combos, seeds, word))
    prior_lora = base.summary(base.evaluate(pipe, prior_combos, seeds))["both"]
    return ConceptResult(on["shape"], on["both"], off["shape"], prior_base, prior_lora)
