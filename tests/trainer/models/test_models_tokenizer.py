"""The CLIP tokenizer derived from open_clip's BPE list is the real one SD models use."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from trainer.models.tokenizer import (
    TokenizerSourceError,
    derive_vocab_and_merges,
    load_tokenizer,
    write_tokenizer,
)

# "a photo of a cat" as CLIP tokenizes it: <|startoftext|> a</w> photo</w> of</w> a</w> cat</w> <|endoftext|>.
# Source: elixir-nx/bumblebee test/bumblebee/text/clip_tokenizer_test.exs, which loads
# openai/clip-vit-base-patch32's tokenizer from the Hugging Face hub and asserts exactly these ids
# (the same ids appear in diffusers users' printouts of `pipe.tokenizer("a photo of a cat")` for
# SD 2.x, padded with 0). Hard-coded from that source, not from our code.
A_PHOTO_OF_A_CAT = [49406, 320, 1125, 539, 320, 2368, 49407]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tok")
    return {flavour: write_tokenizer(root / flavour, flavour) for flavour in ("clip", "openclip")}


def test_files_have_clip_sizes_and_header(folders):
    vocab = json.loads((folders["clip"] / "vocab.json").read_text(encoding="utf-8"))
    lines = (folders["clip"] / "merges.txt").read_text(encoding="utf-8").splitlines()
    assert len(vocab) == 49408
    assert sorted(vocab.values()) == list(range(49408))
    assert lines[0] == "#version: 0.2"
    assert len(lines) - 1 == 48894
    # The byte symbols come first (printable ASCII from "!"), the special tokens last.
    assert vocab["!"] == 0 and vocab["a"] == 64 and vocab["a</w>"] == 320
    assert vocab["<|startoftext|>"] == 49406 and vocab["<|endoftext|>"] == 49407


@pytest.mark.parametrize("flavour", ["clip", "openclip"])
def test_encodes_a_photo_of_a_cat_like_clip(folders, flavour):
    tokenizer = load_tokenizer(folders[flavour])
    assert len(tokenizer) == 49408
    assert tokenizer("a photo of a cat").input_ids == A_PHOTO_OF_A_CAT
    # Case and extra spaces do not matter to CLIP.
    assert tokenizer("  A Photo OF a   CAT ").input_ids == A_PHOTO_OF_A_CAT


def test_padding_token_differs_between_openai_clip_and_openclip(folders):
    # SD 1.x pads with <|endoftext|>; SD 2.x and SDXL's tokenizer_2 pad with "!" (id 0), as the
    # special_tokens_map.json of stabilityai/stable-diffusion-xl-base-1.0/tokenizer_2 says.
    clip = load_tokenizer(folders["clip"])("a photo of a cat", padding="max_length").input_ids
    openclip = load_tokenizer(folders["openclip"])("a photo of a cat", padding="max_length").input_ids
    assert len(clip) == len(openclip) == 77
    assert clip[7:] == [49407] * 70
    assert openclip[7:] == [0] * 70


def test_long_prompts_are_truncated_to_77_with_the_end_token(folders):
    tokenizer = load_tokenizer(folders["clip"])
    ids = tokenizer("cat " * 200, truncation=True, padding="max_length").input_ids
    assert len(ids) == 77 and ids[-1] == 49407 and ids[1:76] == [2368] * 75


def test_damaged_bpe_list_is_reported(tmp_path):
    broken = tmp_path / "bpe.txt.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(TokenizerSourceError, match="reinstall open-clip-torch"):
        derive_vocab_and_merges(str(broken))
    short = tmp_path / "short.txt.gz"
    short.write_bytes(gzip.compress(b"#version\na b\n"))
    with pytest.raises(TokenizerSourceError, match="48894 merges"):
        derive_vocab_and_merges(str(short))


def test_unknown_flavour_is_refused(tmp_path):
    with pytest.raises(ValueError, match="clip"):
        write_tokenizer(tmp_path, "t5")
