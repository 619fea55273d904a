"""Sample prompt lines reach the pipeline: each image follows its own seed, size, negative and sampler."""

import numpy as np
import pytest
import torch

from trainer.engine.sampling import generate, make_grid
from trainer.models.load import load_base
from trainer.sample_prompts import SCHEDULERS, SampleDefaults, make_scheduler, resolve


@pytest.fixture(scope="module")
def base(tiny_model):
    return load_base(tiny_model("sd15"))


def _draw(base, lines):
    images = generate(
        base, lines, seed=7, steps=2, guidance=5.0, width=64, height=64, device=torch.device("cpu")
    )
    return [np.asarray(i, dtype=np.float32) for i in images]


def test_each_line_sets_its_own_seed_size_negative_and_sampler(base):
    same, seed, size, neg, sampler, fixed_seed = _draw(
        base,
        [
            "a red circle --d 3",
            "a red circle --d 4",
            "a red circle --d 3 --w 96 --h 64",
            "a red circle --d 3 --n blue square",
            "a red circle --d 3 --ss euler_a",
            "a red circle",  # no --d: the run's seed + its index (7 + 5)
        ],
    )
    assert same.shape == (64, 64, 3) and size.shape == (64, 96, 3)
    assert np.abs(same - seed).mean() > 1.0  # another seed, another image
    assert np.abs(same - neg).mean() > 0.1  # the negative prompt reaches the guidance
    assert np.abs(same - sampler).mean() > 0.1  # another sampler
    again = _draw(base, ["a red circle --d 3", "x", "y", "z", "w", "a red circle --d 12"])
    assert np.array_equal(again[0], same)  # a line's seed is its own, whatever its position
    assert np.array_equal(again[5], fixed_seed)  # 7 + 5 = 12


def test_grid_cells_hold_the_largest_image():
    from PIL import Image

    grid = make_grid([Image.new("RGB", (64, 64)), Image.new("RGB", (96, 128))])
    assert grid.size == (192, 128)


def test_defaults_fill_what_a_line_leaves_out():
    defaults = SampleDefaults(seed=100, steps=20, scale=7.0, width=512, height=512)
    spec = resolve("cat --h 768 --l 0", 2, defaults)
    assert (spec.seed, spec.steps, spec.scale, spec.width, spec.height) == (102, 20, 0.0, 512, 768)


def test_every_sampler_builds_from_the_model_config(base):
    for name, (class_name, _) in SCHEDULERS.items():
        assert type(make_scheduler(name, base.scheduler)).__name__ == class_name
    karras = make_scheduler("dpm++_2m_karras", base.scheduler)
    assert karras.config.use_karras_sigmas and karras.config.algorithm_type == "dpmsolver++"
    assert make_scheduler(None, base.scheduler) is base.scheduler
