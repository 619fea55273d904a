"""The training noise schedule's options: v-prediction and zero terminal SNR.

`prediction_type` "auto" reads the model: its scheduler config (diffusers folders) or, in a
single-file checkpoint, the `v_pred` marker tensor NoobAI-XL-style v-prediction SDXL models carry
(read in trainer.models.load). Zero terminal SNR (Lin et al. 2024, "Common Diffusion Noise Schedules
and Sample Steps are Flawed"; sd-scripts' `--zero_terminal_snr`) rescales the betas so that the last
timestep is pure noise; it is on when the config asks for it or the model says so
(`rescale_betas_zero_snr` in its scheduler config, or the `ztsnr` marker). At SNR 0 an epsilon target
says nothing about the image, so zero terminal SNR needs v-prediction.
"""

from __future__ import annotations

from typing import Any

from config.training import TrainConfig
from trainer.engine.errors import TrainingError


def model_has_zero_terminal_snr(noise_scheduler: Any) -> bool:
    return bool(dict(noise_scheduler.config).get("rescale_betas_zero_snr", False))


def apply_zero_terminal_snr(model: Any, cfg: TrainConfig) -> bool:
    """Rescale the training schedule when asked or announced; returns whether it is on."""
    from diffusers import DDPMScheduler

    announced = model_has_zero_terminal_snr(model.noise_scheduler)
    if not (cfg.zero_terminal_snr or announced):
        return False
    if model.prediction_type != "v_prediction":
        field = "zero_terminal_snr" if cfg.zero_terminal_snr else "prediction_type"
        raise TrainingError(
            "config",
            "zero terminal SNR needs a v-prediction model (at the last timestep an epsilon target "
            f"carries no image); this base predicts {model.prediction_type}: set prediction_type = "
            "'v_prediction' only if the model really is one, else turn zero_terminal_snr off",
            field,
        )
    if not announced:
        model.noise_scheduler = DDPMScheduler.from_config(
            model.noise_scheduler.config, rescale_betas_zero_snr=True
        )
    return True
