"""The loss and noise options people copy from shared sd-scripts configs, with sd-scripts' meaning.

- `multires_noise_iterations` / `_discount` (pyramid noise): noise plus upsampled coarser noise, level
  i scaled by discount^i at a random 2-4x smaller size each, renormalised to unit std.
- `ip_noise_gamma` (input perturbation, Ning et al. 2023): the noisy input gets noise + γ·ξ while the
  target keeps the plain noise.
- `min_timestep` / `max_timestep`: timesteps are drawn from [min, max).
- `loss_type`: l2 (MSE), l1, huber 2c(√(d² + c²) − c), smooth_l1 2(√(d² + c²) − c), d = pred − target;
  `huber_schedule` sets c per timestep: constant c, exponential exp(−t·ln(1/c)/T), snr
  (1 − c)/(1 + σ_t)² + c with σ_t = √((1 − ᾱ_t)/ᾱ_t).
- `debiased_estimation_loss`: weight 1/√SNR_t (epsilon) or 1/(SNR_t + 1) (v-prediction), SNR capped
  at 1000.

Extra random draws come from the run's generator and happen only when an option is on, so runs
without them draw exactly as before.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from config.training import TrainConfig

OPTION_FIELDS = (
    "loss_type",
    "huber_c",
    "huber_schedule",
    "debiased_estimation_loss",
    "multires_noise_iterations",
    "multires_noise_discount",
    "ip_noise_gamma",
    "min_timestep",
    "max_timestep",
)


def loss_option_kwargs(cfg: TrainConfig) -> dict[str, Any]:
    """The LossSettings fields of these options, from the config."""
    return {name: getattr(cfg, name) for name in OPTION_FIELDS}


def pyramid_noise(
    noise: torch.Tensor, generator: torch.Generator, iterations: int, discount: float
) -> torch.Tensor:
    """Multi-resolution noise as sd-scripts' pyramid_noise_like, drawn from `generator`."""
    b, c, h, w = noise.shape
    out = noise.clone()
    for i in range(iterations):
        r = float(torch.rand((), generator=generator)) * 2 + 2
        hn, wn = max(1, int(h / r**i)), max(1, int(w / r**i))
        coarse = torch.randn((b, c, hn, wn), generator=generator, device=generator.device).to(noise)
        out = out + F.interpolate(coarse, size=(h, w), mode="bilinear") * discount**i
        if hn == 1 or wn == 1:
            break
    return out / out.std()


def perturbed(noise: torch.Tensor, generator: torch.Generator, gamma: float) -> torch.Tensor:
    """The noise that goes into the noisy input: + γ·ξ with input perturbation, else unchanged."""
    if not gamma:
        return noise
    extra = torch.randn(noise.shape, generator=generator, device=generator.device).to(noise)
    return noise + gamma * extra


def huber_threshold(noise_scheduler: Any, timesteps: torch.Tensor, c: float, schedule: str) -> torch.Tensor:
    """c per sample (B,) for the huber / smooth_l1 losses."""
    if schedule == "constant":
        return torch.full(timesteps.shape, c, device=timesteps.device)
    if schedule == "exponential":
        alpha = -math.log(c) / noise_scheduler.config.num_train_timesteps
        return torch.exp(-alpha * timesteps.float())
    ac = noise_scheduler.alphas_cumprod.to(timesteps.device)[timesteps].float()
    sigmas = ((1.0 - ac) / ac) ** 0.5
    return (1 - c) / (1 + sigmas) ** 2 + c


def elementwise_loss(
    pred: torch.Tensor, target: torch.Tensor, settings: Any, noise_scheduler: Any, timesteps: torch.Tensor
) -> torch.Tensor:
    """The per-element loss of `settings.loss_type` (B, C, H, W)."""
    if settings.loss_type == "l2":
        return F.mse_loss(pred, target, reduction="none")
    if settings.loss_type == "l1":
        return F.l1_loss(pred, target, reduction="none")
    c = huber_threshold(noise_scheduler, timesteps, settings.huber_c, settings.huber_schedule).view(
        -1, 1, 1, 1
    )
    soft = torch.sqrt((pred - target) ** 2 + c**2) - c
    return 2 * c * soft if settings.loss_type == "huber" else 2 * soft


def debiased_weights(noise_scheduler: Any, timesteps: torch.Tensor, prediction_type: str) -> torch.Tensor:
    ac = noise_scheduler.alphas_cumprod.to(timesteps.device)[timesteps].float()
    snr = torch.clamp(ac / (1.0 - ac), max=1000.0)
    return 1 / (snr + 1) if prediction_type == "v_prediction" else 1 / torch.sqrt(snr)
