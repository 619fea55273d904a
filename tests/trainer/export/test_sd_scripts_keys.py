"""Every `ss_*` key sd-scripts' train_network.py writes (for a DreamBooth-folder run on a local checkpoint
file, no separate VAE) is in loracord's metadata, in the same value format — for SD1.5, SD2 v-pred and
SDXL. The list below was read from kohya-ss/sd-scripts train_network.py (`metadata = {...}`, the
dataset branch, the model-hash block and `save_model`); keys that do not apply to loracord are listed
apart with the reason."""

from __future__ import annotations

import hashlib
import json

import pytest

from config.training import TrainConfig
from trainer.export.metadata import build_metadata
from trainer.export.model_hash import base_model_hashes

INT, FLOAT, BOOL, STR, JSON, TUPLE = "int", "float", "bool", "str", "json", "tuple"
# key -> format; "?" after a format: sd-scripts writes "None" when the option is unset.
SD_SCRIPTS_KEYS = {
    "ss_session_id": INT, "ss_training_started_at": FLOAT, "ss_output_name": STR,
    "ss_learning_rate": FLOAT, "ss_text_encoder_lr": FLOAT, "ss_unet_lr": FLOAT,
    "ss_num_train_images": INT, "ss_num_validation_images": INT, "ss_num_reg_images": INT,
    "ss_num_batches_per_epoch": INT, "ss_num_epochs": INT, "ss_gradient_checkpointing": BOOL,
    "ss_gradient_accumulation_steps": INT, "ss_max_train_steps": INT, "ss_lr_warmup_steps": INT,
    "ss_lr_scheduler": STR, "ss_network_module": STR, "ss_network_dim": INT, "ss_network_alpha": FLOAT,
    "ss_network_dropout": FLOAT + "?", "ss_mixed_precision": STR, "ss_full_fp16": BOOL, "ss_v2": BOOL,
    "ss_base_model_version": STR, "ss_clip_skip": INT + "?", "ss_max_token_length": INT + "?",
    "ss_cache_latents": BOOL, "ss_seed": INT, "ss_lowram": BOOL, "ss_noise_offset": FLOAT + "?",
    "ss_multires_noise_iterations": INT + "?", "ss_multires_noise_discount": FLOAT,
    "ss_adaptive_noise_scale": FLOAT + "?", "ss_zero_terminal_snr": BOOL,
    "ss_training_comment": STR + "?", "ss_optimizer": STR, "ss_max_grad_norm": FLOAT,
    "ss_caption_dropout_rate": FLOAT, "ss_caption_dropout_every_n_epochs": INT,
    "ss_caption_tag_dropout_rate": FLOAT, "ss_face_crop_aug_range": TUPLE + "?",
    "ss_prior_loss_weight": FLOAT, "ss_min_snr_gamma": FLOAT + "?", "ss_scale_weight_norms": FLOAT + "?",
    "ss_ip_noise_gamma": FLOAT + "?", "ss_debiased_estimation": BOOL,
    "ss_noise_offset_random_strength": BOOL, "ss_ip_noise_gamma_random_strength": BOOL,
    "ss_loss_type": STR, "ss_huber_schedule": STR, "ss_huber_scale": FLOAT, "ss_huber_c": FLOAT,
    "ss_fp8_base": BOOL, "ss_fp8_base_unet": BOOL, "ss_validation_seed": INT + "?",
    "ss_validation_split": FLOAT, "ss_max_validation_steps": INT + "?",
    "ss_validate_every_n_epochs": INT + "?", "ss_validate_every_n_steps": INT + "?",
    "ss_resize_interpolation": STR + "?",
    # the dataset branch (train_data_dir / reg_data_dir runs)
    "ss_batch_size_per_device": INT, "ss_total_batch_size": INT, "ss_resolution": TUPLE,
    "ss_color_aug": BOOL, "ss_flip_aug": BOOL, "ss_random_crop": BOOL, "ss_shuffle_caption": BOOL,
    "ss_enable_bucket": BOOL, "ss_bucket_no_upscale": BOOL, "ss_min_bucket_reso": INT,
    "ss_max_bucket_reso": INT, "ss_keep_tokens": INT, "ss_dataset_dirs": JSON,
    "ss_reg_dataset_dirs": JSON, "ss_tag_frequency": JSON, "ss_bucket_info": JSON,
    # the dataset-config branch writes this one instead; loracord writes both
    "ss_datasets": JSON,
    # the base model (a local file)
    "ss_sd_model_hash": STR, "ss_new_sd_model_hash": STR, "ss_sd_model_name": STR,
    # save_model()
    "ss_training_finished_at": FLOAT, "ss_steps": INT, "ss_epoch": INT,
}  # fmt: skip
NOT_APPLICABLE = {
    "ss_sd_scripts_commit_hash": "a commit of sd-scripts; loracord is not sd-scripts",
    "ss_vae_name": "only with a separate --vae file",
}
ARCHS = {
    "sd15": ({"resolution": 512}, "sd_v1", "False"),
    "sd2": ({"resolution": 768, "prediction_type": "v_prediction"}, "sd_v2_v", "True"),
    "sdxl": ({"resolution": 1024}, "sdxl_base_v1-0", "False"),
}
INFO = {
    "steps": 40,
    "epoch": 4,
    "started_at": 1764000000.25,
    "finished_at": 1764000100.5,
    "num_train_images": 10,
    "num_reg_images": 10,
    "tag_frequency": {"sks": 10, "red": 4},
}


def _parses_as(value: str, kind: str) -> bool:
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if optional and value == "None":
        return True
    try:
        if kind == INT:
            return str(int(value)) == value
        if kind == FLOAT:
            float(value)
            return True
        if kind == BOOL:
            return value in ("True", "False")
        if kind == JSON:
            json.loads(value)
            return True
        if kind == TUPLE:
            return value.startswith("(") and value.endswith(")")
        return kind == STR and value != "None"
    except ValueError:
        return False


@pytest.fixture
def checkpoint(tmp_path):
    """A local single-file base over 1 MiB, so the legacy hash reads real bytes."""
    path = tmp_path / "base-model.safetensors"
    path.write_bytes(bytes(range(256)) * 8192)
    return path


@pytest.mark.parametrize("arch", sorted(ARCHS))
def test_every_sd_scripts_key_is_written_in_its_format(arch, checkpoint, tmp_path):
    changes, version, v2 = ARCHS[arch]
    cfg = TrainConfig(
        pretrained_model=str(checkpoint),
        name="sks_star",
        data_dir=str(tmp_path / "img"),
        reg_data_dir=str(tmp_path / "reg"),
        regularization=True,
        output_dir=str(tmp_path / "run"),
        trigger_word="sks",
        max_train_steps=40,
        **changes,
    )
    meta = build_metadata(cfg, arch, INFO)
    missing = sorted(set(SD_SCRIPTS_KEYS) - set(meta))
    assert missing == [], f"{arch}: sd-scripts writes {missing}"
    wrong = {k: meta[k] for k, kind in SD_SCRIPTS_KEYS.items() if not _parses_as(meta[k], kind)}
    assert wrong == {}, f"{arch}: not in sd-scripts' format: {wrong}"
    assert not set(NOT_APPLICABLE) & set(meta)
    assert (meta["ss_base_model_version"], meta["ss_v2"]) == (version, v2)
    assert meta["ss_resolution"] == f"({changes['resolution']}, {changes['resolution']})"
    # the base model's hashes, as A1111 computes them
    data = checkpoint.read_bytes()
    assert meta["ss_sd_model_hash"] == hashlib.sha256(data[0x100000:0x110000]).hexdigest()[:8]
    assert meta["ss_new_sd_model_hash"] == hashlib.sha256(data).hexdigest()
    assert meta["ss_sd_model_name"] == "base-model.safetensors"
    # JSON values have sd-scripts' shapes
    datasets = json.loads(meta["ss_datasets"])
    assert [s["is_reg"] for s in datasets[0]["subsets"]] == [False, True]
    assert json.loads(meta["ss_dataset_dirs"]) == {"img": {"n_repeats": 1, "img_count": 10}}
    assert json.loads(meta["ss_reg_dataset_dirs"]) == {"reg": {"n_repeats": 1, "img_count": 10}}
    assert meta["ss_num_batches_per_epoch"] == "10" and meta["ss_num_epochs"] == "4"
    assert meta["ss_loss_type"] == "l2" and meta["ss_multires_noise_discount"] == "0.3"


def test_a_diffusers_folder_base_writes_what_sd_scripts_writes_for_a_folder(tmp_path):
    (tmp_path / "base").mkdir()
    assert base_model_hashes(str(tmp_path / "base")) == {
        "sd_model_hash": "IsADirectory",
        "new_sd_model_hash": "IsADirectory",
    }
    assert base_model_hashes("stabilityai/stable-diffusion-xl-base-1.0") == {}


def test_the_base_hash_is_cached_and_recomputed_when_the_file_changes(checkpoint, tmp_path):
    cache = tmp_path / "cache.json"
    first = base_model_hashes(str(checkpoint), cache)
    assert cache.is_file() and base_model_hashes(str(checkpoint), cache) == first
    checkpoint.write_bytes(b"other" * 300_000)
    assert base_model_hashes(str(checkpoint), cache)["new_sd_model_hash"] != first["new_sd_model_hash"]


def test_the_session_id_is_one_per_run():
    cfg = TrainConfig(name="a")
    first = build_metadata(cfg, "sd15", INFO)["ss_session_id"]
    assert build_metadata(cfg, "sd15", {**INFO, "finished_at": 1764009999.0})["ss_session_id"] == first
    assert build_metadata(cfg, "sd15", {**INFO, "started_at": 1.0})["ss_session_id"] != first
    assert 0 <= int(first) <= 2**32


def test_knobs_loracord_has_are_written_from_the_config():
    cfg = TrainConfig(name="a", max_token_length=225, caption_tag_dropout_rate=0.1, flip_aug=True)
    meta = build_metadata(cfg, "sdxl", INFO)
    assert (meta["ss_max_token_length"], meta["ss_caption_tag_dropout_rate"], meta["ss_flip_aug"]) == (
        "225",
        "0.1",
        "True",
    )
    assert build_metadata(TrainConfig(name="a"), "sdxl", INFO)["ss_max_token_length"] == "None"
