"""max_token_length 150 / 225: long captions reach the text encoders in 75-token chunks (sd-scripts'
layout); caption_tag_dropout_rate drops tags but never the kept ones."""

from __future__ import annotations

import random

import pytest
import torch

from trainer.engine.data import process_caption
from trainer.engine.long_captions import chunk_ids
from trainer.engine.text import encode_captions, tokenize
from trainer.models.load import load_base

FILLER = ", ".join(f"tag{i} detail" for i in range(60))  # ~ 180 tokens


@pytest.mark.parametrize("arch", ["sd15", "sdxl"])
def test_a_150_token_caption_reaches_the_encoder(tiny_model, arch):
    model = load_base(tiny_model(arch))
    encoders, tokenizers = model.text_encoders, model.tokenizers

    def count(text: str) -> int:
        return len(tokenizers[0](text, padding=False, truncation=False).input_ids) - 2

    assert count(FILLER) > 225
    head = ", ".join(FILLER.split(", ")[:26])  # stays below 150 tokens
    red, blue = f"{head}, red hat", f"{head}, blue hat"
    assert 80 < count(red) <= 150

    def encode(captions, length):
        with torch.no_grad():
            return encode_captions(captions, encoders, tokenizers, arch, 1, length)

    short_hidden, _ = encode([red, blue], 75)
    assert torch.equal(short_hidden[0], short_hidden[1])  # at 75 tokens the colour is cut off
    long_hidden, pooled = encode([red, blue], 150)
    assert long_hidden.shape[1] == 152
    assert not torch.allclose(long_hidden[0], long_hidden[1])  # at 150 it reaches the encoder
    # The first chunk is the ordinary 77-token encoding (chunks are encoded on their own).
    torch.testing.assert_close(long_hidden[:, 1:76], short_hidden[:, 1:76])
    if arch == "sdxl":
        assert pooled is not None and pooled.shape[0] == 2


def test_chunks_follow_sd_scripts_layout(tiny_model):
    model = load_base(tiny_model("sdxl"))
    for tokenizer in model.tokenizers:
        ids = chunk_ids(tokenizer, ["a red circle", FILLER], 225)
        assert ids.shape == (2, 3, 77)
        assert (ids[:, :, 0] == tokenizer.bos_token_id).all()
        assert (ids[1, :, -1] == tokenizer.eos_token_id).all()  # every chunk of a long caption ends in EOS
        assert torch.equal(ids[0, 0], tokenize(tokenizer, ["a red circle"])[0])


def test_tag_dropout_drops_tags_but_keeps_the_leading_ones():
    caption = "sks, " + ", ".join(f"tag{i}" for i in range(200))
    rng = random.Random(0)
    out = process_caption(caption, rng, keep_tokens=1, tag_dropout_rate=0.3).split(", ")
    assert out[0] == "sks"
    kept = len(out) - 1
    assert 110 < kept < 170  # about 70% of 200 tags stay
    assert process_caption(caption, random.Random(0), keep_tokens=1) == caption  # off: unchanged


def test_a_run_with_long_captions_and_tag_dropout(tiny_model, dataset, tmp_path):
    from engine_helpers import fast_config
    from safetensors import safe_open

    from trainer.engine.train import train

    cfg = fast_config(
        tiny_model("sdxl"),
        dataset,
        tmp_path,
        max_token_length=225,
        caption_tag_dropout_rate=0.2,
        max_train_steps=2,
    )
    assert train(cfg, tmp_path).status == "done"
    with safe_open(str(tmp_path / "output" / "my_lora.safetensors"), "pt") as fh:
        meta = fh.metadata()
    assert meta["ss_max_token_length"] == "225" and meta["ss_caption_tag_dropout_rate"] == "0.2"
