"""A LoRA learns what it is shown and little else: the concept test on the tiny shapes base.

"sks" = star, a shape held out of pre-training, taught from 20 captioned images with 40
regularization images of the known shapes, through the real `loracord train` in a child process
(rank 8, lr 1e-3, batch 10, 2,000 steps, text encoder trained: with the tiny 2-layer text encoder
frozen, "sks" is not separable from the other words — measured 0-2% stars with regularization at
1,000-2,000 steps and lr 1e-3/3e-3, see docs/benchmarks.md; min-SNR loss weighting, gamma 5: the
same steps learn the shape decisively, see below).
Then 16 fixed seeds per prompt are generated and scored. The thresholds are set from the measured
rates written beside them, with margin for platform noise; a trainer that ignores captions or
predicts the wrong target falls far below them (shown in issue 5's note).
"""

import pytest

from trainer.tinybase import base, concept

# The suite's 600 s per-test limit guards against hangs; this module's first test includes a 2,000-step
# training (a few minutes on an idle 2-core machine) that took over 600 s when the machine was shared
# with other heavy work, so its guard is wider.
pytestmark = pytest.mark.timeout(1800)

SEEDS = list(range(16))
# Measured 2026-12-08 (16 seeds; 4 concept prompts, 12 prior prompts; 2-core Xeon with AVX-512, other CPUs
# emulated with ATEN_CPU_CAPABILITY=avx2/default and ONEDNN_MAX_CPU_ISA=AVX2; docs/benchmarks.md).
# Without min_snr_gamma the concept rate hung on the run's seed: 62.5% at seed 7 (60.9-62.5% on the
# emulated CPUs), 75.0% at seed 1, 46.9% at seed 2 — under the floor. With min_snr_gamma 5, same cost:
# 92.2% (seed 7), 92.2% (seed 1), 76.6% (seed 2), 78.1% (seed 3, AVX2 kernels and oneDNN); in the prompted
# colour 59-73%; at LoRA weight 0 1.6%; prior 95.8% -> 88.0-97.4% (drop at most 7.8 points).
# A trainer that ignores captions (emulated: every caption "an image"), min_snr_gamma 5: 3.1% stars.
# The concept floor is 21 points (~4 standard errors of a 64-image rate) under the lowest run; the prior
# floor ~7 points (~3 standard errors of a 192-image rate) over the largest drop.
MIN_CONCEPT = 0.55
MAX_AT_WEIGHT_ZERO = 0.10
MAX_PRIOR_DROP = 0.15


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("concept")
    base_dir = base.materialize(root / "base")
    data = concept.write_concept_data(root / "data")
    reg = concept.write_reg_data(root / "reg")
    lora = concept.train_lora(
        base_dir,
        data,
        root / "run",
        steps=2000,
        lr=1e-3,
        reg_dir=reg,
        extra=["--set", "train_text_encoder=true", "--set", "min_snr_gamma=5"],
    )
    assert lora.is_file()
    return concept.measure(base_dir, lora, SEEDS)


@pytest.mark.slow
def test_the_trigger_calls_up_the_concept(result):
    assert result.concept_rate >= MIN_CONCEPT, result


@pytest.mark.slow
def test_without_the_lora_the_concept_is_absent(result):
    assert result.baseline_rate <= MAX_AT_WEIGHT_ZERO, result


@pytest.mark.slow
def test_prompts_without_the_trigger_drift_little_with_regularization(result):
    assert result.prior_drift <= MAX_PRIOR_DROP, result
