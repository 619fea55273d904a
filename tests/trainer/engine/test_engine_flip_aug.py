"""flip_aug: a sample trains on the mirrored image half of the time; both orientations are cached."""

from __future__ import annotations

import numpy as np
import torch
from engine_helpers import fast_config
from safetensors import safe_open

from trainer.engine.buckets import load_for_bucket
from trainer.engine.cache import LatentSource, encode_image
from trainer.engine.data import scan_dataset
from trainer.engine.train import train
from trainer.models.load import load_base


def test_flipped_samples_are_the_mirrored_image(tiny_model, dataset):
    items = scan_dataset(dataset, caption_extension=".txt", repeats=1, trigger_word="sks").items
    bucket = (64, 64)
    plain = load_for_bucket(items[0], bucket).pixels
    mirrored = load_for_bucket(items[0], bucket, flip=True).pixels
    np.testing.assert_array_equal(mirrored, plain[:, :, ::-1])
    assert not np.array_equal(mirrored, plain)  # the drawn shapes are off-centre

    model = load_base(tiny_model("sd15"))
    source = LatentSource(
        model.vae, items, scaling=model.scaling_factor, shift=0.0, mode="memory", flip_aug=True
    )
    pairs = [(0, bucket), (1, bucket)]
    assert source.fill(pairs) == 4  # both orientations of both images
    latents, _ = source.get(pairs, [True, False])
    flipped, _ = encode_image(model.vae, items[0], bucket, model.scaling_factor, 0.0, flip=True)
    unflipped, _ = encode_image(model.vae, items[1], bucket, model.scaling_factor, 0.0)
    torch.testing.assert_close(latents[0], flipped)
    torch.testing.assert_close(latents[1], unflipped)


def test_a_run_with_flip_aug_records_it(tiny_model, dataset, tmp_path):
    cfg = fast_config(tiny_model("sd15"), dataset, tmp_path, flip_aug=True, max_train_steps=3)
    assert train(cfg, tmp_path).status == "done"
    with safe_open(str(tmp_path / "output" / "my_lora.safetensors"), "pt") as fh:
        assert fh.metadata()["ss_flip_aug"] == "True"
