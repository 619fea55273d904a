"""ss_* / modelspec.* metadata as sd-scripts writes it, and the sshs hashes A1111's extensions index by."""

from __future__ import annotations

import hashlib
import json
import struct

import pytest
from export_helpers import fake_lora_state
from safetensors.torch import save_file

from config.training import TrainConfig
from trainer.export.errors import ExportError
from trainer.export.kohya import read_kohya_lora, save_kohya_lora
from trainer.export.metadata import build_metadata

INFO = {
    "steps": 1200,
    "epoch": 6,
    "started_at": 1764000000.25,
    "finished_at": 1764003600.75,
    "num_train_images": 200,
    "num_reg_images": 0,
    "tag_frequency": {"sks": 20, "red": 12},
}
REQUIRED = [
    "ss_network_module",
    "ss_network_dim",
    "ss_network_alpha",
    "ss_network_args",
    "ss_base_model_version",
    "ss_v2",
    "ss_output_name",
    "ss_steps",
    "ss_epoch",
    "ss_learning_rate",
    "ss_unet_lr",
    "ss_text_encoder_lr",
    "ss_num_train_images",
    "ss_num_reg_images",
    "ss_resolution",
    "ss_tag_frequency",
    "ss_seed",
    "ss_training_started_at",
    "ss_training_finished_at",
    "ss_mixed_precision",
    "ss_optimizer",
    "ss_network_dropout",
    "ss_clip_skip",
    "ss_noise_offset",
    "ss_min_snr_gamma",
    "ss_caption_dropout_rate",
    "ss_keep_tokens",
    "ss_shuffle_caption",
    "ss_max_grad_norm",
    "ss_prior_loss_weight",
    "ss_sd_model_name",
    "ss_training_comment",
    "modelspec.sai_model_spec",
    "modelspec.architecture",
    "modelspec.implementation",
    "modelspec.title",
    "modelspec.resolution",
    "modelspec.date",
    "modelspec.prediction_type",
]


def config(**changes) -> TrainConfig:
    base = {
        "pretrained_model": "stabilityai/stable-diffusion-xl-base-1.0",
        "name": "sks_dog",
        "data_dir": "/data/datasets/7/prepared",
        "trigger_word": "sks",
        "network_dim": 32,
        "network_alpha": 16.0,
        "learning_rate": 1e-4,
        "text_encoder_lr": 5e-5,
        "train_text_encoder": True,
        "repeats": 10,
        "resolution": 1024,
        "mixed_precision": "bf16",
    }
    return TrainConfig(**{**base, **changes})


@pytest.mark.parametrize(
    ("arch", "changes", "version", "architecture"),
    [
        ("sd15", {"resolution": 512}, "sd_v1", "stable-diffusion-v1/lora"),
        (
            "sd2",
            {"prediction_type": "v_prediction", "resolution": 768},
            "sd_v2_v",
            "stable-diffusion-v2-768-v/lora",
        ),
        ("sd2", {"prediction_type": "epsilon", "resolution": 512}, "sd_v2", "stable-diffusion-v2-512/lora"),
        ("sdxl", {}, "sdxl_base_v1-0", "stable-diffusion-xl-v1-base/lora"),
    ],
)
def test_metadata_is_complete_strings_and_right_per_arch(arch, changes, version, architecture):
    meta = build_metadata(config(**changes), arch, INFO)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())
    assert [k for k in REQUIRED if k not in meta] == []
    assert meta["ss_base_model_version"] == version
    assert meta["modelspec.architecture"] == architecture
    assert meta["ss_v2"] == str(arch == "sd2")
    assert meta["modelspec.implementation"] == (
        "https://github.com/Stability-AI/generative-models" if arch == "sdxl" else "diffusers"
    )
    assert meta["modelspec.prediction_type"] == ("v" if version == "sd_v2_v" else "epsilon")


def test_metadata_values_read_like_sd_scripts():
    meta = build_metadata(config(target_modules="locon", conv_dim=8, conv_alpha=4.0), "sdxl", INFO)
    assert meta["ss_network_module"] == "networks.lora"
    assert meta["ss_network_dim"] == "32"
    assert meta["ss_network_alpha"] == "16.0"
    assert json.loads(meta["ss_network_args"]) == {"conv_dim": "8", "conv_alpha": "4.0"}
    assert meta["ss_output_name"] == "sks_dog"
    assert (meta["ss_steps"], meta["ss_epoch"]) == ("1200", "6")
    assert float(meta["ss_training_started_at"]) == INFO["started_at"]
    assert meta["ss_learning_rate"] == "0.0001"
    assert meta["ss_unet_lr"] == "0.0001"
    assert meta["ss_text_encoder_lr"] == "5e-05"
    assert meta["ss_resolution"] == "(1024, 1024)"
    assert meta["ss_mixed_precision"] == "bf16"
    assert meta["ss_optimizer"] == "torch.optim.adamw.AdamW(weight_decay=0.01)"
    assert meta["ss_num_train_images"] == "200"
    # Tag counts grouped by image folder, as sd-scripts stores them.
    assert json.loads(meta["ss_tag_frequency"]) == {"prepared": {"sks": 20, "red": 12}}
    assert json.loads(meta["ss_dataset_dirs"]) == {"prepared": {"n_repeats": 10, "img_count": 20}}
    assert meta["ss_sd_model_name"] == "stabilityai/stable-diffusion-xl-base-1.0"
    assert meta["modelspec.title"] == "sks_dog"
    assert meta["modelspec.resolution"] == "1024x1024"
    assert meta["modelspec.date"] == "2025-11-24T17:00:00"
    assert meta["modelspec.trigger_phrase"] == "sks"
    assert json.loads(build_metadata(config(), "sdxl", INFO)["ss_network_args"]) == {}


def test_missing_info_is_named():
    info = {k: v for k, v in INFO.items() if k != "steps"}
    with pytest.raises(ExportError, match=r"info\['steps'\]"):
        build_metadata(config(), "sdxl", info)
    with pytest.raises(ExportError, match="tag_frequency"):
        build_metadata(config(), "sdxl", {**INFO, "tag_frequency": {"sks": "many"}})


def _data_section_sha256(path) -> str:
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return hashlib.sha256(raw[8 + length :]).hexdigest()


def test_hashes_are_stable_and_cover_only_the_tensors(tmp_path):
    meta = build_metadata(config(), "sdxl", INFO)
    state = fake_lora_state("sdxl", rank=64, width=1024)  # > 1 MiB, so the legacy hash reads real bytes
    first = save_kohya_lora(tmp_path / "a.safetensors", state, "sdxl", 16.0, 8.0, meta)
    second = save_kohya_lora(
        tmp_path / "b.safetensors", state, "sdxl", 16.0, 8.0, {**meta, "modelspec.title": "other"}
    )
    _, m1 = read_kohya_lora(first)
    _, m2 = read_kohya_lora(second)
    assert m1["sshs_model_hash"] == m2["sshs_model_hash"] == _data_section_sha256(first)
    assert m1["sshs_legacy_hash"] == m2["sshs_legacy_hash"]

    # The legacy hash is over the file as it would be with only the ss_* metadata: rebuild that file.
    tensors, _ = read_kohya_lora(first)
    ss_only = tmp_path / "ss_only.safetensors"
    save_file(tensors, str(ss_only), metadata={k: v for k, v in m1.items() if k.startswith("ss_")})
    raw = ss_only.read_bytes()
    assert m1["sshs_legacy_hash"] == hashlib.sha256(raw[0x100000 : 0x100000 + 0x10000]).hexdigest()[:8]

    changed = {c: {k: v.clone() for k, v in s.items()} for c, s in state.items()}
    next(iter(changed["unet"].values()))[0, 0] += 1.0
    third = save_kohya_lora(tmp_path / "c.safetensors", changed, "sdxl", 16.0, 8.0, meta)
    assert read_kohya_lora(third)[1]["sshs_model_hash"] != m1["sshs_model_hash"]


def test_metadata_survives_the_file(tmp_path):
    meta = build_metadata(config(), "sdxl", INFO)
    path = save_kohya_lora(tmp_path / "a.safetensors", fake_lora_state("sdxl"), "sdxl", 16.0, 8.0, meta)
    _, stored = read_kohya_lora(path)
    assert {k: stored[k] for k in meta} == meta
