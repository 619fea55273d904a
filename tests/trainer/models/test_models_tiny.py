"""Tiny models: each architecture in both formats loads in its diffusers pipeline and draws an image."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline

from trainer.models.tiny import build_tiny_pipeline, config_folder_for

PIPELINES = {
    "sd15": StableDiffusionPipeline,
    "sd2": StableDiffusionPipeline,
    "sdxl": StableDiffusionXLPipeline,
}


def load_pipeline(path: Path, arch: str):
    cls = PIPELINES[arch]
    if path.is_file():
        return cls.from_single_file(str(path), config=str(config_folder_for(path)), local_files_only=True)
    return cls.from_pretrained(str(path), local_files_only=True)


def file_digests(path: Path) -> dict[str, str]:
    files = [path, *config_folder_for(path).rglob("*")] if path.is_file() else list(path.rglob("*"))
    return {
        str(f.relative_to(path.parent)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in files
        if f.is_file()
    }


@pytest.mark.parametrize("fmt", ["diffusers", "single-file"])
@pytest.mark.parametrize("arch", ["sd15", "sd2", "sdxl"])
def test_loads_in_matching_pipeline_and_generates(tiny_models, arch, fmt):
    pipe = load_pipeline(tiny_models[arch, fmt], arch)
    assert type(pipe) is PIPELINES[arch]
    result = pipe(
        prompt="a photo of a cat",
        num_inference_steps=2,
        height=64,
        width=64,
        generator=torch.Generator().manual_seed(0),
        output_type="np",
    )
    image = result.images[0]
    assert image.shape == (64, 64, 3)
    assert np.isfinite(image).all() and image.std() > 0


@pytest.mark.parametrize("fmt", ["diffusers", "single-file"])
def test_same_seed_gives_byte_identical_files(tmp_path, fmt):
    first = build_tiny_pipeline(tmp_path / "a" / "model", "sdxl", fmt, seed=5)
    again = build_tiny_pipeline(tmp_path / "b" / "model", "sdxl", fmt, seed=5)
    other = build_tiny_pipeline(tmp_path / "c" / "model", "sdxl", fmt, seed=6)
    digests = file_digests(first)
    assert digests == file_digests(again)
    changed = {name for name, digest in file_digests(other).items() if digests[name] != digest}
    weights = {name for name in digests if name.endswith(".safetensors")}
    assert changed == weights  # configs and tokenizers do not depend on the seed; every weight file does


def test_rebuilding_over_a_model_replaces_it(tmp_path):
    out = tmp_path / "model"
    build_tiny_pipeline(out, "sd15", "diffusers", seed=1)
    (out / "stale.txt").write_text("left over", encoding="utf-8")
    build_tiny_pipeline(out, "sd15", "diffusers", seed=1)
    assert not (out / "stale.txt").exists()
    assert (out / "unet" / "diffusion_pytorch_model.safetensors").is_file()


def test_refuses_to_overwrite_a_folder_that_is_not_a_model(tmp_path):
    precious = tmp_path / "photos"
    precious.mkdir()
    (precious / "cat.png").write_bytes(b"png")
    with pytest.raises(FileExistsError, match="not a model folder"):
        build_tiny_pipeline(precious, "sd15", "diffusers")
    assert (precious / "cat.png").read_bytes() == b"png"


def test_bad_arch_or_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="sd15, sd2, sdxl"):
        build_tiny_pipeline(tmp_path / "m", "sd3", "diffusers")
    with pytest.raises(ValueError, match="diffusers, single-file"):
        build_tiny_pipeline(tmp_path / "m", "sd15", "ckpt")


def read_config(folder: Path, component: str) -> dict:
    name = "scheduler_config.json" if component == "scheduler" else "config.json"
    return json.loads((folder / component / name).read_text(encoding="utf-8"))


def test_sd15_shape(tiny_models):
    folder = tiny_models["sd15", "diffusers"]
    unet = read_config(folder, "unet")
    assert unet["down_block_types"] == ["CrossAttnDownBlock2D", "DownBlock2D"]
    assert unet["use_linear_projection"] is False
    assert read_config(folder, "scheduler")["prediction_type"] == "epsilon"
    assert read_config(folder, "text_encoder")["hidden_act"] == "quick_gelu"
    assert len(read_config(folder, "vae")["block_out_channels"]) == 4  # VAE scale factor 8


def test_sd2_uses_v_prediction_and_linear_attention(tiny_models):
    folder = tiny_models["sd2", "diffusers"]
    unet = read_config(folder, "unet")
    assert unet["use_linear_projection"] is True
    assert unet["attention_head_dim"] == [2, 4]
    scheduler = read_config(folder, "scheduler")
    assert scheduler["prediction_type"] == "v_prediction" and scheduler["_class_name"] == "DDIMScheduler"
    assert read_config(folder, "text_encoder")["hidden_act"] == "gelu"  # OpenCLIP ViT-H uses gelu
    pad = json.loads((folder / "tokenizer" / "tokenizer_config.json").read_text(encoding="utf-8"))[
        "pad_token"
    ]
    assert pad == "!"


def test_sdxl_has_two_encoders_and_size_conditioning(tiny_models):
    folder = tiny_models["sdxl", "diffusers"]
    index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
    assert index["text_encoder_2"] == ["transformers", "CLIPTextModelWithProjection"]
    assert index["tokenizer_2"] == ["transformers", "CLIPTokenizer"]
    unet = read_config(folder, "unet")
    te1, te2 = read_config(folder, "text_encoder"), read_config(folder, "text_encoder_2")
    assert unet["down_block_types"] == ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"]
    assert unet["addition_embed_type"] == "text_time"
    # Cross-attention sees both encoders' hidden states side by side; the added embedding gets six
    # size/crop numbers of addition_time_embed_dim each plus the pooled projection of encoder 2.
    assert unet["cross_attention_dim"] == te1["hidden_size"] + te2["hidden_size"]
    assert (
        unet["projection_class_embeddings_input_dim"]
        == 6 * unet["addition_time_embed_dim"] + te2["projection_dim"]
    )
    pad = json.loads((folder / "tokenizer_2" / "tokenizer_config.json").read_text(encoding="utf-8"))[
        "pad_token"
    ]
    assert pad == "!"


def test_models_are_small(tiny_models):
    for path in tiny_models.values():
        files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
        assert sum(f.stat().st_size for f in files) < 40e6
