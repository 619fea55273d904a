"""suggest_config over dataset/hardware combinations, checked against the guide's ranges and OOM rules."""

from __future__ import annotations

import tomllib

import pytest

from advisor.engine import load_rulebook
from advisor.facts import Facts, Hardware
from advisor.registry import max_batch_for
from advisor.suggest import guess_arch, suggest_config
from config.training import from_dict


def stats(n: int, side: int = 1024, style: str = "tags", trigger: str | None = "sks") -> dict:
    return {
        "num_images": n,
        "min_side": side,
        "median_side": side,
        "resolutions": [[side, side]] * n,
        "aspect_ratios": [1.0] * n,
        "captions": {"count": n, "missing": 0, "mean_tags": 8.0, "mean_words": 14.0},
        "trigger_word": trigger,
        "trigger_coverage": 1.0 if trigger else None,
        "caption_style": style,
        "near_duplicate_clusters": [],
        "unreadable": [],
    }


# (images, kind, arch, VRAM GB, GPU name)
COMBOS = [
    (25, "character", "sd15", 6, "GTX 1660"),
    (25, "character", "sd15", 12, "RTX 3060"),
    (60, "style", "sd15", 24, "RTX 4090"),
    (40, "object", "sd2", 10, "RTX 3080"),
    (30, "character", "sdxl", 8, "RTX 3070"),
    (30, "character", "sdxl", 12, "RTX 4070"),
    (100, "style", "sdxl", 16, "RTX 4080"),
    (150, "style", "sdxl", 24, "A100"),
    (8, "character", "sdxl", 80, "H100"),
    (20, "object", "sd15", 0, ""),
    (35, "character", "sd15", None, ""),
]


@pytest.mark.parametrize(("images", "kind", "arch", "vram", "gpu"), COMBOS)
def test_suggestions_stay_in_the_guide_and_fit_the_gpu(images, kind, arch, vram, gpu):
    s = suggest_config(stats(images), kind=kind, arch=arch, vram_gb=vram, gpu_name=gpu)
    c = s.config
    assert 1000 <= c.max_train_steps <= 5000
    assert 1e-5 <= c.learning_rate <= 1e-4
    assert 8 <= c.network_dim <= 128
    assert c.train_batch_size in (1, 2, 4)
    if vram:
        assert c.train_batch_size <= max_batch_for(arch, vram)
    else:
        assert c.train_batch_size == 1
    if arch == "sdxl" and vram and vram <= 8:
        assert c.train_batch_size == 1 and c.gradient_checkpointing and not c.train_text_encoder
    if vram == 0:
        assert c.mixed_precision == "no" and c.optimizer == "adamw"
    if c.train_text_encoder:
        assert c.effective_text_encoder_lr < c.effective_unet_lr
    # No error-level rule may fire on the suggestion itself (OOM risk, CPU precision, ...), except the
    # hardware minimum, which the user must hear about.
    facts = Facts(stats=stats(images), config=c, hardware=Hardware(gpu, vram), kind=kind, arch=arch)
    errors = {f.id for f in load_rulebook().evaluate(facts) if f.severity == "error"}
    assert errors <= {"hardware.vram_minimum"}
    for name in (
        "max_train_steps",
        "learning_rate",
        "train_batch_size",
        "network_dim",
        "resolution",
        "mixed_precision",
        "gradient_checkpointing",
        "optimizer",
        "train_text_encoder",
    ):
        assert s.reasons.get(name), f"no reason for {name}"


def test_8gb_sdxl_never_batch_4_and_warns_about_6gb():
    for images in (20, 50, 100):
        assert suggest_config(stats(images), arch="sdxl", vram_gb=8).config.train_batch_size == 1
    warned = suggest_config(stats(30), arch="sdxl", vram_gb=6)
    assert "hardware.vram_minimum" in {f.id for f in warned.findings}


def test_steps_scale_with_dataset_size():
    small = suggest_config(stats(20), arch="sd15", vram_gb=8).config.max_train_steps
    large = suggest_config(stats(100), arch="sd15", vram_gb=8).config.max_train_steps
    assert small < large
    assert small == 2000 and large == 5000  # 100 views per image at batch 1, capped by the guide


def test_tiny_dataset_gets_regularization_because_the_rule_says_so():
    s = suggest_config(stats(6), arch="sd15", vram_gb=24)
    assert s.config.max_train_steps == 1000
    assert s.config.train_batch_size == 1  # a big batch would only add views per image
    assert s.config.regularization is True
    assert "reg.prior_preservation" in s.reasons["regularization"]
    assert "dataset.too_few" in {f.id for f in s.findings}
    assert s.config.network_dim <= 16


def test_small_images_lower_the_resolution_instead_of_upscaling():
    s = suggest_config(stats(30, side=700), arch="sdxl", vram_gb=24)
    assert s.config.resolution == 768
    assert "700" in s.reasons["resolution"]


def test_no_trigger_word_is_flagged():
    s = suggest_config(stats(30, trigger=None), arch="sd15", vram_gb=12)
    assert s.config.trigger_word == "" and s.config.keep_tokens == 0
    assert "captions.no_trigger" in {f.id for f in s.findings}


def test_toml_round_trips_and_carries_reasons():
    s = suggest_config(stats(30), kind="style", arch="sdxl", vram_gb=16, gpu_name="RTX 4080", lang="ko")
    text = s.to_toml()
    loaded = from_dict(tomllib.loads(text))
    assert loaded == s.config
    assert "가이드" in text and "# " in text
    assert text.count("\n# ") >= len(s.config.to_dict()) - 2  # a comment for (nearly) every field


def test_bad_inputs_are_refused_with_a_message():
    with pytest.raises(ValueError, match="no images"):
        suggest_config(stats(0))
    broken = {**stats(0), "unreadable": [{"file": "a.png"}, {"file": "b.webp"}]}
    with pytest.raises(ValueError, match=r"2 files could not be read: a\.png, b\.webp"):
        suggest_config(broken)
    with pytest.raises(ValueError, match="kind must be one of"):
        suggest_config(stats(10), kind="landscape")
    with pytest.raises(ValueError, match="base must be one of"):
        suggest_config(stats(10), arch="sd3")


def test_guess_arch_from_model_names():
    assert guess_arch("juggernautXL_v9.safetensors") == "sdxl"
    assert guess_arch("stabilityai/stable-diffusion-2-1") == "sd2"
    assert guess_arch("realisticVision_v51") == "sd15"
