"""diagnose(): failure kind, localized cause and fix, and a retry config that really changes."""

from __future__ import annotations

import dataclasses

import pytest

from advisor.diagnose import Diagnosis, diagnose
from advisor.engine import load_rulebook
from advisor.facts import Facts, Hardware, parse_events
from config.training import TrainConfig, from_dict

OOM_LOG = """\
steps:  12%|#2 | 360/3000 [02:11<16:03, 2.74it/s, loss=0.0913]
Traceback (most recent call last):
  File "trainer/engine/loop.py", line 211, in train_step
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB. GPU 0 has a total capacity of 7.79 GiB
"""


def test_diagnosis_is_a_frozen_dataclass_with_the_contract_fields():
    d = diagnose(OOM_LOG)
    assert dataclasses.is_dataclass(d)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.kind = "nan"  # type: ignore[misc]
    for name in ("kind", "rule_ids", "cause", "fix", "retry_config", "changes"):
        assert hasattr(d, name)


def test_oom_halves_batch_keeps_effective_batch_and_turns_on_savers():
    config = TrainConfig(train_batch_size=4, gradient_checkpointing=False, model_arch="sdxl", resolution=1024)
    d = diagnose(OOM_LOG, [], config)
    assert d.kind == "oom"
    assert d.rule_ids[0] == "oom.detected"
    retry = d.retry_config
    assert retry is not None
    assert retry.train_batch_size == 2 and retry.gradient_accumulation_steps == 2
    assert retry.gradient_checkpointing is True
    assert d.changes["train_batch_size"] == (4, 2)
    # Quality-costing changes wait until the free ones are used up.
    assert retry.resolution == 1024 and retry.network_dim == config.network_dim
    assert "1.50 GiB" in (d.evidence or "")
    assert from_dict(retry.to_dict()) == retry


def test_oom_with_every_saver_on_lowers_rank_then_resolution():
    config = TrainConfig(
        train_batch_size=1,
        gradient_checkpointing=True,
        cache_latents=True,
        optimizer="adamw8bit",
        mixed_precision="bf16",
        network_dim=64,
        network_alpha=32,
        resolution=1024,
        model_arch="sdxl",
    )
    first = diagnose(OOM_LOG, [], config)
    assert first.changes == {"network_dim": (64, 32), "network_alpha": (32.0, 16.0)}
    second = diagnose(OOM_LOG, [], first.retry_config)
    assert second.changes == {"resolution": (1024, 896)}


def test_nan_from_events_lowers_lr_and_leaves_fp16():
    text = '{"type": "step", "step": 420, "loss": null}\n{"type": "error", "kind": "nan", "message": "loss is nan"}'
    events, _ = parse_events(text)
    config = TrainConfig(learning_rate=4e-4, mixed_precision="fp16")
    d = diagnose("", events, config, hardware=Hardware("Tesla T4", 16))
    assert d.kind == "nan"
    assert d.retry_config.learning_rate == pytest.approx(2e-4)
    # A T4 has no bf16: the safe choice there is full precision.
    assert d.retry_config.mixed_precision == "no"
    assert d.changes["mixed_precision"] == ("fp16", "no")


def test_nan_while_caching_latents_blames_the_vae_not_the_learning_rate():
    """'NaN detected in latents' comes before any training step: the fp16 VAE overflowed. Halving the
    learning rate (the loss-NaN fix) would change nothing; the retry runs without fp16."""
    log = "caching latents.\nRuntimeError: NaN detected in latents: train/10_char/003.png\n"
    config = TrainConfig(learning_rate=1e-4, mixed_precision="fp16", model_arch="sdxl")
    d = diagnose(log, [], config, hardware=Hardware("NVIDIA GeForce RTX 3090", 24))
    assert d.kind == "nan"
    assert "nan.vae_latents" in d.rule_ids and "nan.learning_rate" not in d.rule_ids
    assert d.retry_config.learning_rate == pytest.approx(1e-4)
    assert d.changes["mixed_precision"] == ("fp16", "bf16")
    assert "no_half_vae" in d.fix and "NaN detected in latents" in (d.evidence or "")
    # A NaN loss during training is still the learning rate's.
    loss = diagnose("step 300: loss is nan\n", [], config, hardware=Hardware("NVIDIA GeForce RTX 3090", 24))
    assert "nan.learning_rate" in loss.rule_ids and "nan.vae_latents" not in loss.rule_ids


def test_killed_disk_model_data_config_and_timeout_kinds():
    cases = {
        "Killed\n": "killed",
        "OSError: [Errno 28] No space left on device": "disk",
        "OSError: x is not a local folder and is not a valid model identifier": "model",
        "PIL.UnidentifiedImageError: cannot identify image file 'cat_07.png'": "data",
        "ConfigError: lr_scheduler: must be one of constant, cosine; got 'x'": "config",
        "worker: job 9 timed out after 3600 s": "timeout",
    }
    for text, kind in cases.items():
        assert diagnose(text).kind == kind, text


def test_bad_image_quotes_the_file():
    d = diagnose("loading...\nPIL.UnidentifiedImageError: cannot identify image file 'cat_07.png'\n")
    assert "cat_07.png" in (d.evidence or "")
    assert d.retry_config is None


def test_engine_error_kind_wins_over_other_text():
    events = [
        {"type": "error", "kind": "disk", "message": "cannot write checkpoint: No space left on device"}
    ]
    d = diagnose("earlier warning: loss is nan at step 3", events, TrainConfig(keep_checkpoints=3))
    assert d.kind == "disk"
    assert d.retry_config.keep_checkpoints == 1


def test_bitsandbytes_missing_falls_back_to_adamw():
    d = diagnose(
        "ModuleNotFoundError: No module named 'bitsandbytes'", [], TrainConfig(optimizer="adamw8bit")
    )
    assert d.kind == "config"
    assert d.changes == {"optimizer": ("adamw8bit", "adamw")}


def test_vram_spill_from_step_times():
    steps = [1.8, 1.9, 2.0, 25.0, 26.0, 24.5]
    events = [{"type": "step", "step": i * 10, "s_per_step": s} for i, s in enumerate(steps)]
    d = diagnose("", events, TrainConfig(train_batch_size=2), hardware=Hardware("RTX 4070", 12))
    assert d.kind == "timeout" and "vram.spill" in d.rule_ids
    assert d.retry_config.train_batch_size == 1


def test_korean_texts_and_render():
    d = diagnose(OOM_LOG, [], TrainConfig(train_batch_size=2), lang="ko")
    assert "메모리" in d.cause
    out = d.render()
    assert out.startswith("원인:") and "해결:" in out and "train_batch_size: 2 -> 1" in out


def test_without_config_says_how_to_get_a_retry():
    d = diagnose(OOM_LOG)
    assert d.retry_config is None and d.changes == {}
    assert "--config" in d.render()


def test_unknown_failure_shows_the_last_lines():
    d = diagnose("step 10\nstep 11\nSegmentation fault (core dumped)")
    assert d.kind == "unknown" and d.rule_ids == ()
    assert "Segmentation fault" in (d.evidence or "")
    assert isinstance(d, Diagnosis)


def test_empty_input_is_unknown_not_a_crash():
    assert diagnose("", [], None).kind == "unknown"


def test_parse_events_keeps_plain_lines_and_a_torn_last_line():
    events, other = parse_events('{"type": "step", "step": 1}\nplain line\n{"type": "step", "st')
    assert events == [{"type": "step", "step": 1}]
    assert other == ["plain line", '{"type": "step", "st']


def test_engine_refusing_bf16_retries_with_fp16():
    events = [
        {
            "type": "error",
            "kind": "config",
            "message": "mixed_precision: this GPU has no bf16 support; use 'fp16'",
            "field": "mixed_precision",
        }
    ]
    d = diagnose("", events, TrainConfig(mixed_precision="bf16"))
    assert d.kind == "config" and d.rule_ids[0] == "precision.no_bf16"
    assert d.changes == {"mixed_precision": ("bf16", "fp16")}


def _caption_warning(folder, images: int, captioned: int) -> dict:
    """The engine's own `missing_captions` warning event for a folder of `images`, `captioned` with
    a .txt file (built by trainer.engine.data, which needs no torch, so the wording cannot drift)."""
    from PIL import Image

    from trainer.engine.data import scan_dataset

    folder.mkdir()
    for i in range(images):
        Image.new("RGB", (8, 8), "white").save(folder / f"img_{i}.png")
        if i < captioned:
            (folder / f"img_{i}.txt").write_text("sks, a square", encoding="utf-8")
    return {"type": "warning", "time": 0.0, **scan_dataset(folder).missing_captions_warning()}


def test_missing_captions_warning_event_names_the_wrong_extension_only_when_none_was_read(tmp_path):
    every = _caption_warning(tmp_path / "none", 3, 0)
    d = diagnose(events=[every], config=TrainConfig())
    assert d.kind == "data" and d.rule_ids[0] == "captions.extension_mismatch"
    assert "caption_extension" in d.fix
    # The same line pasted from train.log (the engine logs it too) leads to the same rule.
    logged = f"WARNING trainer.engine.train: {every['message']}\n"
    assert diagnose(logged).rule_ids[0] == "captions.extension_mismatch"
    # Some captions were read: the extension is right, those images simply have none.
    some = _caption_warning(tmp_path / "some", 3, 2)
    assert some["message"].startswith("1 of 3 images have no caption file")
    assert "captions.extension_mismatch" not in diagnose(events=[some]).rule_ids
    assert "captions.extension_mismatch" not in diagnose(f"WARNING {some['message']}").rule_ids
    fired = [f.id for f in load_rulebook().evaluate(Facts(events=(some,)))]
    assert fired == ["captions.missing"]
    # Only the message, as another tool or an older engine writes it, is read as well.
    bare = {"type": "warning", "kind": "missing_captions", "message": every["message"]}
    assert diagnose(events=[bare]).rule_ids[0] == "captions.extension_mismatch"
