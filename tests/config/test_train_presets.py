"""Training presets: each loads into a valid TrainConfig, stays within the guide's ranges, and differs
from the guide's example where the craft says it should."""

from __future__ import annotations

import tomllib

import pytest

from config.training import PRESET_DIR, TrainConfig, available_presets, load_train_config

REQUIRED = {"sd15-character", "sd15-style", "sd15-object", "sdxl-character", "sdxl-style", "sd2-character"}
PRESETS = available_presets()


def test_the_required_presets_exist():
    assert set(PRESETS) >= REQUIRED


@pytest.mark.parametrize("name", PRESETS)
def test_preset_loads_and_stays_within_the_guides_ranges(name):
    cfg = load_train_config(preset=name)
    assert isinstance(cfg, TrainConfig)
    assert 8 <= cfg.network_dim <= 128
    assert 0 < cfg.network_alpha <= cfg.network_dim
    assert 1e-5 <= cfg.effective_unet_lr <= 1e-4
    assert 1e-5 <= cfg.effective_text_encoder_lr <= cfg.effective_unet_lr
    assert cfg.train_batch_size in (1, 2, 4)
    assert 1000 <= cfg.max_train_steps <= 5000
    assert cfg.model_arch != "auto"
    assert cfg.resolution == {"sd15": 512, "sd2": 768, "sdxl": 1024}[cfg.model_arch]


@pytest.mark.parametrize("name", PRESETS)
def test_preset_file_has_a_description_and_only_train_config_keys(name):
    data = tomllib.loads((PRESET_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    description = data.pop("description")
    assert isinstance(description, str) and 20 <= len(description) <= 200
    assert set(data) <= set(TrainConfig.__dataclass_fields__)


def test_character_preset_is_the_guides_example():
    cfg = load_train_config(preset="sd15-character")
    assert (cfg.network_dim, cfg.learning_rate, cfg.train_batch_size, cfg.max_train_steps) == (
        32,
        1e-4,
        2,
        3000,
    )
    assert cfg.train_text_encoder is False
    assert cfg.regularization is True


@pytest.mark.parametrize("name", [p for p in PRESETS if p.endswith("-style")])
def test_style_presets_train_longer_at_lower_rank_without_regularization(name):
    cfg = load_train_config(preset=name)
    example = load_train_config(preset="sd15-character")
    assert cfg.regularization is False
    assert cfg.max_train_steps > example.max_train_steps
    assert cfg.network_dim < example.network_dim
    assert cfg.shuffle_caption is True and cfg.keep_tokens >= 1
    # Shuffled captions differ every step, so their encodings cannot be cached.
    assert cfg.cache_text_encoder_outputs is False


def test_object_preset_trains_fewer_steps_with_regularization():
    cfg = load_train_config(preset="sd15-object")
    assert cfg.max_train_steps < load_train_config(preset="sd15-character").max_train_steps
    assert cfg.regularization is True


@pytest.mark.parametrize("name", [p for p in PRESETS if p.startswith("sdxl-")])
def test_sdxl_presets_fit_sdxl(name):
    cfg = load_train_config(preset=name)
    assert cfg.model_arch == "sdxl"
    assert cfg.resolution == 1024
    assert cfg.min_bucket_reso >= 512
    assert cfg.mixed_precision == "bf16"
    assert cfg.gradient_checkpointing is True
    assert cfg.cache_latents is True
    assert cfg.effective_text_encoder_lr < cfg.effective_unet_lr


def test_user_settings_override_a_preset(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('preset = "sdxl-style"\nmax_train_steps = 1500\nname = "watercolor"\n')
    cfg = load_train_config(path, overrides={"network_dim": "24"})
    assert (cfg.model_arch, cfg.max_train_steps, cfg.network_dim, cfg.name) == (
        "sdxl",
        1500,
        24,
        "watercolor",
    )
    assert cfg.shuffle_caption is True


def test_every_preset_is_in_the_documentation_table():
    doc = (PRESET_DIR.parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in PRESETS:
        assert f"| `{name}` |" in doc, f"add {name} to the presets table in docs/configuration.md"
