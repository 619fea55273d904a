"""The committed shapes base has really learned: its VAE keeps shapes and colours, and its UNet draws
the prompted shape in the prompted colour most of the time. Thresholds come from measured rates (see
the constants); they leave room for platform noise, not for a broken model."""

import numpy as np
import pytest
import torch

from trainer.tinybase import base, scorer, shapes

# Measured on the committed base (seed 0; trainer/tinybase/shapes_base/pretrain.json):
# - VAE: 200 generated images, MAE 3.15/255, shape and colour kept in 200/200 (stars included);
# - UNet: 12 trained prompts x 16 seeds, shape 96.9%, colour 99.0%, both 95.8%;
# - star prompts (never shown): a star in 1.6% of images.
MIN_BOTH_RIGHT = 0.85  # measured 0.958; the test uses 8 seeds, so allow for sampling noise
MIN_RECON_KEPT = 0.95  # measured 1.00
MAX_RECON_MAE = 5.0  # measured 3.15
MAX_UNKNOWN_STAR = 0.15  # measured 0.016


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    return base.load_pipeline(base.materialize(tmp_path_factory.mktemp("shapes-base")))


def test_vae_reconstructs_shapes_recognisably(pipe):
    pairs = list(shapes.generate(64, seed=77))
    pixels = torch.from_numpy(np.stack([np.asarray(img, np.float32) / 127.5 - 1 for img, _ in pairs]))
    pixels = pixels.permute(0, 3, 1, 2)
    with torch.no_grad():
        latents = pipe.vae.encode(pixels).latent_dist.mean
        recon = pipe.vae.decode(latents).sample.clamp(-1, 1)
    mae = float((recon - pixels).abs().mean() * 127.5)
    images = [pipe.image_processor.postprocess(r[None], output_type="pil")[0] for r in recon]
    kept = sum(
        scorer.score_image(im).matches(spec.shape, spec.colour)
        for im, (_, spec) in zip(images, pairs, strict=True)
    )
    assert mae <= MAX_RECON_MAE
    assert kept / len(pairs) >= MIN_RECON_KEPT


def test_unet_draws_the_prompted_shape_and_colour(pipe):
    scores = base.evaluate(pipe, base.trained_combos(), seeds=range(8))
    summary = base.summary(scores)
    assert summary["both"] >= MIN_BOTH_RIGHT, scores


def test_the_held_out_shape_is_unknown(pipe):
    # Stars were never shown: asking for one gives a star rarely (it is the concept the LoRA teaches).
    scores = base.evaluate(pipe, [(c, "star") for c in shapes.COLOURS], seeds=range(8))
    assert base.summary(scores)["shape"] <= MAX_UNKNOWN_STAR
