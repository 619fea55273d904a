"""v-prediction SDXL and zero terminal SNR: detected from the model, trained with the v target,
recorded in the metadata as sd-scripts records it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from engine_helpers import fast_config
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from config.training import ConfigError
from trainer.engine.errors import TrainingError
from trainer.engine.loop import LossSettings, diffusion_loss
from trainer.engine.train import train
from trainer.models.load import load_base
from trainer.models.tiny import build_tiny_pipeline


def vpred_folder(src: Path, dst: Path, *, ztsnr: bool) -> Path:
    """A copy of a diffusers folder whose scheduler says v_prediction (and zero terminal SNR)."""
    shutil.copytree(src, dst)
    path = dst / "scheduler" / "scheduler_config.json"
    config = json.loads(path.read_text())
    config["prediction_type"] = "v_prediction"
    if ztsnr:
        config["rescale_betas_zero_snr"] = True
    path.write_text(json.dumps(config))
    return dst


class VelocityOracle(torch.nn.Module):
    """A 'U-Net' that predicts the exact velocity v = √ᾱ·ε − √(1−ᾱ)·x₀ of the clean latents it knows."""

    def __init__(self, clean: torch.Tensor, alphas_cumprod: torch.Tensor) -> None:
        super().__init__()
        self.clean, self.ac = clean, alphas_cumprod

    def forward(self, noisy, timesteps, hidden, added_cond_kwargs=None):
        a = self.ac[timesteps].sqrt().view(-1, 1, 1, 1)
        s = (1 - self.ac[timesteps]).sqrt().view(-1, 1, 1, 1)
        noise = torch.where(s > 0, (noisy - a * self.clean) / s.clamp(min=1e-12), noisy)
        return SimpleNamespace(sample=a * noise - s * self.clean)


def test_v_prediction_loss_uses_the_velocity_target(tiny_model):
    model = load_base(vpred_folder(tiny_model("sdxl"), Path(tiny_model("sdxl")).parent / "v1", ztsnr=True))
    assert model.prediction_type == "v_prediction"
    scheduler = model.noise_scheduler
    assert float(scheduler.alphas_cumprod[-1]) == pytest.approx(0.0, abs=1e-12)  # zero terminal SNR
    clean = torch.randn((2, 4, 8, 8), generator=torch.Generator().manual_seed(0))
    oracle = VelocityOracle(clean, scheduler.alphas_cumprod)
    args = (clean, torch.zeros(2, 6), torch.zeros(2, 77, 8), torch.zeros(2, 8), torch.ones(2))

    def loss(prediction_type: str) -> float:
        settings = LossSettings(prediction_type, 0.0, 5.0, "sdxl", zero_terminal_snr=True)
        generator = torch.Generator().manual_seed(1)
        return float(diffusion_loss(oracle, scheduler, *args, generator, settings))

    assert loss("v_prediction") < 1e-10  # the v target is what the loss compares with
    assert loss("epsilon") > 0.1


def test_vpred_ztsnr_sdxl_trains_and_records_it(tiny_model, dataset, tmp_path):
    folder = vpred_folder(tiny_model("sdxl"), tmp_path / "vpred", ztsnr=True)
    run = tmp_path / "run"
    assert (
        train(fast_config(folder, dataset, run, max_train_steps=2, min_snr_gamma=5.0), run).status == "done"
    )
    with safe_open(str(run / "output" / "my_lora.safetensors"), "pt") as fh:
        meta = fh.metadata()
    assert meta["modelspec.prediction_type"] == "v"
    assert meta["ss_zero_terminal_snr"] == "True"
    assert meta["ss_base_model_version"] == "sdxl_base_v1-0"  # sd-scripts writes no _v for SDXL
    assert meta["ss_v2"] == "False"


def test_single_file_markers_announce_vpred_and_ztsnr(tmp_path):
    file = build_tiny_pipeline(tmp_path / "m", "sdxl", "single-file")
    tensors = load_file(str(file))
    tensors["v_pred"] = torch.tensor([])
    tensors["ztsnr"] = torch.tensor([])
    save_file(tensors, str(file))
    model = load_base(file)
    assert model.prediction_type == "v_prediction"
    assert model.scheduler.config.prediction_type == "v_prediction"  # the samples follow it too
    assert float(model.noise_scheduler.alphas_cumprod[-1]) == pytest.approx(0.0, abs=1e-12)


def test_zero_terminal_snr_on_an_epsilon_model_is_refused(tiny_model, dataset, tmp_path):
    with pytest.raises(ConfigError) as err:
        fast_config(tiny_model("sd15"), dataset, tmp_path, zero_terminal_snr=True, prediction_type="epsilon")
    assert err.value.field == "zero_terminal_snr"
    cfg = fast_config(tiny_model("sd15"), dataset, tmp_path / "run", zero_terminal_snr=True)
    with pytest.raises(TrainingError) as terr:
        train(cfg, tmp_path / "run")
    assert terr.value.field == "zero_terminal_snr" and "v-prediction" in str(terr.value)
