"""`suggest` and `diagnose` obey the advisor's own VRAM rules on 8, 12, 16 and 24 GB cards for every
architecture, choose the precision the GPU can run, and say in each comment what the value is."""

from __future__ import annotations

import re

import pytest

from advisor.diagnose import diagnose
from advisor.facts import Hardware
from advisor.memory import violations
from advisor.registry import max_batch_for
from advisor.suggest import suggest_config
from config.training import TrainConfig

ARCHES = ("sd15", "sd2", "sdxl")
CARDS = (8, 12, 16, 24)
STATS = {"num_images": 40, "median_side": 1024, "caption_style": "tags", "trigger_word": "sks"}
OOM = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"


def comment_of(toml: str, field: str) -> str:
    lines = toml.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{field} = "))
    return lines[index - 1]


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("vram", CARDS)
def test_suggest_obeys_the_vram_rules(arch, vram):
    hardware = Hardware("RTX 3060", vram)
    config = suggest_config(STATS, arch=arch, vram_gb=vram, gpu_name="RTX 3060").config
    assert violations(config, arch, hardware) == []
    assert config.train_batch_size <= max_batch_for(arch, vram)
    if arch == "sdxl" and vram < 16:
        assert config.train_batch_size == 1 and config.gradient_checkpointing


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("vram", CARDS)
def test_diagnose_retry_after_oom_obeys_the_vram_rules(arch, vram):
    config = TrainConfig(
        model_arch=arch,
        train_batch_size=4,
        network_dim=128,
        optimizer="adamw",
        gradient_checkpointing=False,
        train_text_encoder=True,
        resolution={"sd15": 512, "sd2": 768, "sdxl": 1024}[arch],
    )
    hardware = Hardware("RTX 3060", vram)
    result = diagnose(OOM, config=config, hardware=hardware)
    assert result.kind == "oom" and result.retry_config is not None
    assert violations(result.retry_config, arch, hardware) == []
    retry = result.retry_config
    assert retry.train_batch_size * retry.gradient_accumulation_steps == 4  # the effective batch stays


def test_issue_example_sdxl_oom_log_alone_gets_a_retry_that_fits_12_gb():
    log = (
        'accelerate launch sdxl_train_network.py --train_batch_size="4" --network_dim=128 '
        '--optimizer_type="AdamW" --resolution="1024,1024" --mixed_precision="fp16"\n'
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB "
        "(GPU 0; 11.76 GiB total capacity; 10.92 GiB already allocated)"
    )
    result = diagnose(log)  # no config file, no --vram: both read from the log
    retry = result.retry_config
    assert retry is not None and result.settings_from_log
    assert retry.model_arch == "sdxl" and retry.train_batch_size == 1
    assert retry.gradient_accumulation_steps == 4 and retry.gradient_checkpointing
    assert retry.optimizer == "adamw8bit"
    assert "train_batch_size: 4 -> 1" in result.render()


@pytest.mark.parametrize(
    "gpu,vram,expected",
    [
        ("", 12, "fp16"),
        ("GTX 1080 Ti", 11, "fp16"),
        ("RTX 2080 Ti", 11, "fp16"),
        ("RTX 3090", 24, "bf16"),
        ("RX 7900 XTX", 24, "bf16"),  # RDNA3 has bf16
        ("RX 6700 XT", 12, "fp16"),  # RDNA2 does not
        ("", 0, "no"),
    ],
)
def test_precision_follows_the_gpu_and_its_comment_says_so(gpu, vram, expected):
    suggestion = suggest_config(STATS, arch="sd15", vram_gb=vram, gpu_name=gpu)
    assert suggestion.config.mixed_precision == expected
    assert comment_of(suggestion.to_toml(), "mixed_precision").startswith(f"# {expected}:")


def test_every_comment_agrees_with_its_value():
    suggestion = suggest_config({**STATS, "median_side": 600}, arch="sdxl", vram_gb=12, gpu_name="RTX 3060")
    toml = suggestion.to_toml()
    resolution = suggestion.config.resolution
    assert resolution == 768 and "768" in comment_of(toml, "resolution")
    for field in ("gradient_checkpointing", "train_text_encoder", "shuffle_caption", "optimizer"):
        value = getattr(suggestion.config, field)
        assert comment_of(toml, field).startswith(f"# {value}:"), field
    assert str(suggestion.config.train_batch_size) in comment_of(toml, "train_batch_size")


@pytest.mark.parametrize("arch", ARCHES)
def test_korean_suggestion_has_no_english_comment(arch):
    toml = suggest_config({**STATS, "num_images": 12}, arch=arch, vram_gb=8, lang="ko").to_toml()
    english = [ln for ln in toml.splitlines() if ln.startswith("#") and len(re.findall(r"[가-힣]", ln)) < 2]
    assert english == []


@pytest.mark.parametrize("gpu", ["RX 6700 XT", "AMD Radeon RX 7800 XT", "Intel Arc A770", "Apple M2 Max"])
def test_no_8_bit_optimizer_where_bitsandbytes_cuda_build_does_not_run(gpu):
    """8-bit AdamW is a bitsandbytes CUDA build: on AMD, Intel or Apple a small card gets Adafactor, which saves
    memory without it, and a retry after an out-of-memory never switches to 8-bit AdamW either."""
    suggestion = suggest_config(STATS, arch="sdxl", vram_gb=12, gpu_name=gpu)
    assert suggestion.config.optimizer == "adafactor"
    assert comment_of(suggestion.to_toml(), "optimizer").startswith("# adafactor:")
    config = TrainConfig(model_arch="sdxl", train_batch_size=2, optimizer="adamw8bit", resolution=1024)
    retry = diagnose(OOM, config=config, hardware=Hardware(gpu, 12)).retry_config
    assert retry is not None and retry.optimizer == "adafactor"
    nvidia = suggest_config(STATS, arch="sdxl", vram_gb=12, gpu_name="RTX 4070")
    assert nvidia.config.optimizer == "adamw8bit"
