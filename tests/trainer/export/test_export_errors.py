"""A failed save says why and leaves no file behind; bad input is refused before anything is written."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from export_helpers import fake_lora_state

from trainer.export.errors import ExportError
from trainer.export.kohya import read_kohya_lora, save_kohya_lora
from trainer.export.peft_format import save_diffusers_lora

REPO = Path(__file__).resolve().parents[3]


def test_nan_weights_are_refused_and_nothing_is_written(tmp_path):
    state = fake_lora_state("sd15")
    next(iter(state["te1"].values()))[0, 0] = float("nan")
    with pytest.raises(ExportError, match=r"NaN.*learning rate"):
        save_kohya_lora(tmp_path / "out" / "lora.safetensors", state, "sd15", 16.0, 8.0, {})
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_failed_save_keeps_the_previous_file(tmp_path):
    target = tmp_path / "lora.safetensors"
    save_kohya_lora(target, fake_lora_state("sd15", seed=1), "sd15", 16.0, 8.0, {"ss_steps": "100"})
    broken = fake_lora_state("sd15", seed=2)
    broken["unet"].pop("mid_block.resnets.0.conv1.lora_B.weight")
    with pytest.raises(ExportError, match=r"mid_block\.resnets\.0\.conv1.*no lora_B"):
        save_kohya_lora(target, broken, "sd15", 16.0, 8.0, {"ss_steps": "200"})
    assert read_kohya_lora(target)[1]["ss_steps"] == "100"
    assert [p.name for p in tmp_path.iterdir()] == ["lora.safetensors"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.update(te2=s["te1"]), "te2.*does not exist in an sd15 model"),
        (lambda s: s["unet"].update({"x.lora_magnitude_vector": torch.ones(4)}), "DoRA"),
        (
            lambda s: s["unet"].update(
                {"y.lora_A.weight": torch.ones(4, 8), "y.lora_B.weight": torch.ones(8, 2)}
            ),
            "rank mismatch",
        ),
        (lambda s: [s.pop(k) for k in list(s)], "no weights"),
    ],
)
def test_bad_state_dicts_are_refused_with_the_reason(tmp_path, mutate, message):
    state = fake_lora_state("sd15")
    mutate(state)
    with pytest.raises(ExportError, match=message):
        save_kohya_lora(tmp_path / "lora.safetensors", state, "sd15", 16.0, 8.0, {})
    assert list(tmp_path.iterdir()) == []


def test_non_string_metadata_and_unknown_arch_are_refused(tmp_path):
    with pytest.raises(ExportError, match=r"ss_steps.*strings"):
        save_kohya_lora(
            tmp_path / "a.safetensors", fake_lora_state("sd15"), "sd15", 16.0, 8.0, {"ss_steps": 5}
        )
    with pytest.raises(ExportError, match="unknown architecture 'sd3'"):
        save_kohya_lora(tmp_path / "a.safetensors", fake_lora_state("sd15"), "sd3", 16.0, 8.0, {})
    with pytest.raises(ExportError, match=r"3x3 conv.*conv_alpha"):
        save_diffusers_lora(tmp_path / "peft", fake_lora_state("sd15"), "sd15", 16.0, None)
    assert list(tmp_path.iterdir()) == []


def test_disk_full_while_writing_leaves_no_partial_file(tmp_path):
    """A real write error: the child may write at most 64 KiB per file (RLIMIT_FSIZE), the LoRA is larger."""
    script = textwrap.dedent(
        f"""
        import resource, signal
        from pathlib import Path
        import torch
        from trainer.export.errors import ExportError
        from trainer.export.kohya import save_kohya_lora
        path = "down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q"
        state = {{"unet": {{f"{{path}}.lora_A.weight": torch.randn(64, 1024),
                           f"{{path}}.lora_B.weight": torch.randn(1024, 64)}}}}  # 256 KiB in fp16
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
        try:
            save_kohya_lora(Path({str(tmp_path)!r}) / "lora.safetensors", state, "sdxl", 16.0, 8.0, {{}})
        except ExportError as exc:
            print("EXPORT-ERROR", exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert "EXPORT-ERROR could not save" in done.stdout, done.stdout + done.stderr
    assert "disk" in done.stdout
    assert list(tmp_path.iterdir()) == []
