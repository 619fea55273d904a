"""The advisor's view of a LoRA file: base model, rank, alpha, and why it might do nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from export_helpers import fake_lora_state
from safetensors.torch import save_file

from trainer.export.errors import ExportError
from trainer.export.kohya import save_kohya_lora
from trainer.export.peft_format import save_diffusers_lora
from trainer.export.reader import inspect_kohya_lora

REPO = Path(__file__).resolve().parents[3]


def test_sdxl_file_is_recognised_from_its_keys(tmp_path):
    path = save_kohya_lora(
        tmp_path / "x.safetensors", fake_lora_state("sdxl"), "sdxl", 16.0, 8.0, {}, torch.bfloat16
    )
    report = inspect_kohya_lora(path)
    assert report["key_style"] == "kohya"
    assert (report["arch"], report["arch_from_keys"], report["arch_from_metadata"]) == ("sdxl", "sdxl", None)
    assert report["num_modules"] == 5
    assert (report["num_unet_modules"], report["num_text_encoder_modules"]) == (3, 2)
    assert report["num_conv3x3_modules"] == 1
    assert (report["rank"], report["ranks"]) == (4, [2, 4])
    # bf16 alphas decoded without torch.
    assert (report["alpha"], report["alphas"]) == (16.0, [8.0, 16.0])
    assert report["dtypes"] == ["BF16"]
    assert report["problems"] == []


def test_sd15_lora_is_told_apart_from_sd2_by_its_widths(tmp_path):
    for width, arch in ((768, "sd15"), (1024, "sd2")):
        tensors = {
            "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight": torch.randn(
                4, width
            ),
            "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_up.weight": torch.randn(
                320, 4
            ),
            "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.alpha": torch.tensor(4.0),
        }
        save_file(tensors, str(tmp_path / f"{arch}.safetensors"))
        report = inspect_kohya_lora(tmp_path / f"{arch}.safetensors")
        assert report["arch"] == arch, report["arch_evidence"]


def test_a_lora_that_does_nothing_is_flagged(tmp_path):
    state = fake_lora_state("sd15")
    for component in state.values():
        for key, value in component.items():
            if "lora_B" in key:
                value.zero_()
    path = save_kohya_lora(
        tmp_path / "x.safetensors", state, "sd15", 16.0, 8.0, {"ss_base_model_version": "sdxl_base_v1-0"}
    )
    report = inspect_kohya_lora(path)
    assert report["zero_up_modules"] == report["num_modules"] == 4
    assert any("every lora_up weight is zero" in p for p in report["problems"])
    # The metadata claims SDXL, the keys say SD 1.x/2.x: the mismatch is reported.
    assert report["arch_from_metadata"] == "sdxl"
    assert report["arch_from_keys"] == "sd15_or_sd2"
    assert any("the metadata says sdxl" in p for p in report["problems"])


def test_missing_alpha_and_damaged_files(tmp_path):
    tensors = {
        "lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight": torch.randn(8, 768),
        "lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight": torch.randn(768, 8),
    }
    save_file(tensors, str(tmp_path / "a.safetensors"))
    report = inspect_kohya_lora(tmp_path / "a.safetensors")
    assert report["arch"] == "sd15"
    assert any("no .alpha" in p for p in report["problems"])

    (tmp_path / "bad.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}......")
    with pytest.raises(ExportError, match="download it again"):
        inspect_kohya_lora(tmp_path / "bad.safetensors")


def test_diffusers_format_file_is_understood(tmp_path):
    path = save_diffusers_lora(tmp_path / "peft", fake_lora_state("sdxl"), "sdxl", 16.0, 8.0)
    report = inspect_kohya_lora(path)
    assert report["key_style"] == "diffusers"
    assert report["arch"] == "sdxl"
    assert report["num_modules"] == 5


def test_inspecting_never_imports_torch(tmp_path):
    path = save_kohya_lora(tmp_path / "x.safetensors", fake_lora_state("sdxl"), "sdxl", 16.0, 8.0, {})
    code = (
        "import json, sys\n"
        "from trainer.export.reader import inspect_kohya_lora\n"
        "import trainer.export.metadata\n"
        f"r = inspect_kohya_lora({str(path)!r})\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'arch': r['arch']}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"torch": False, "arch": "sdxl"}
