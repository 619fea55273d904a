"""One training step's arithmetic: noise, timesteps, the prediction target, the weighted loss.

- Noise is drawn from the run's own generator (saved in checkpoints), so runs resume exactly.
- `noise_offset` adds per-channel constant noise (helps very dark or bright images).
- Targets: the noise for epsilon models, the velocity for v-prediction (SD 2.x 768).
- SDXL gets its size conditioning (`add_time_ids` = original size, crop top-left, target size) and
  the pooled text embedding.
- Min-SNR-γ weighting (Hang et al. 2023): weight min(SNR, γ)/SNR for epsilon, min(SNR, γ)/(SNR+1)
  for v-prediction.
- Each sample carries a weight: 1 for training images, `prior_loss_weight` for regularization ones,
  which is the prior-preservation loss when class images are mixed into the batches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from config.arch import arch_spec
from trainer.engine.errors import TrainingError
from trainer.engine.loss_options import debiased_weights, elementwise_loss, perturbed, pyramid_noise


@dataclass(frozen=True)
class LossSettings:
    prediction_type: str
    noise_offset: float
    min_snr_gamma: float
    arch: str
    #: The noise schedule's betas are rescaled to zero terminal SNR (recorded in the metadata).
    zero_terminal_snr: bool = False
    # The sd-scripts loss and noise options (loss_options.py); the defaults change nothing.
    loss_type: str = "l2"
    huber_c: float = 0.1
    huber_schedule: str = "snr"
    debiased_estimation_loss: bool = False
    multires_noise_iterations: int = 0
    multires_noise_discount: float = 0.3
    ip_noise_gamma: float = 0.0
    min_timestep: int = 0
    max_timestep: int = 1000


def snr_weights(noise_scheduler, timesteps: torch.Tensor, gamma: float, prediction_type: str) -> torch.Tensor:  # noqa: ANN001
    alphas_cumprod = noise_scheduler.alphas_cumprod.to(timesteps.device)[timesteps].float()
    snr = alphas_cumprod / (1.0 - alphas_cumprod)
    clipped = torch.clamp(snr, max=gamma)
    return clipped / (snr + 1.0) if prediction_type == "v_prediction" else clipped / snr


def diffusion_loss(
    unet,  # noqa: ANN001 - UNet2DConditionModel (possibly wrapped by accelerate)
    noise_scheduler,  # noqa: ANN001 - DDPMScheduler
    latents: torch.Tensor,
    sizes: torch.Tensor,
    hidden: torch.Tensor,
    pooled: torch.Tensor | None,
    sample_weights: torch.Tensor,
    generator: torch.Generator,
    settings: LossSettings,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """The batch's loss: per-sample MSE, min-SNR and sample weights applied, mean over the batch.
    `mask` (B, 1, h, w) weights each latent pixel (masked_loss, masks.py)."""
    batch = latents.shape[0]
    device = latents.device
    gen_device = generator.device
    noise = torch.randn(latents.shape, generator=generator, device=gen_device).to(device)
    if settings.noise_offset:
        offset = torch.randn((batch, latents.shape[1], 1, 1), generator=generator, device=gen_device)
        noise = noise + settings.noise_offset * offset.to(device)
    if settings.multires_noise_iterations:
        noise = pyramid_noise(
            noise, generator, settings.multires_noise_iterations, settings.multires_noise_discount
        )
    num_train = noise_scheduler.config.num_train_timesteps
    low, high = settings.min_timestep, min(settings.max_timestep, num_train)
    timesteps = torch.randint(low, high, (batch,), generator=generator, device=gen_device).to(device)
    noisy = noise_scheduler.add_noise(
        latents, perturbed(noise, generator, settings.ip_noise_gamma), timesteps
    )
    if settings.prediction_type == "v_prediction":
        target = noise_scheduler.get_velocity(latents, noise, timesteps)
    else:
        target = noise

    added = None
    if arch_spec(settings.arch).micro_conditioning:
        added = {"text_embeds": pooled.to(hidden.dtype), "time_ids": sizes.to(device, hidden.dtype)}
    pred = unet(noisy.to(hidden.dtype), timesteps, hidden, added_cond_kwargs=added).sample

    per_sample = elementwise_loss(pred.float(), target.float(), settings, noise_scheduler, timesteps)
    if mask is not None:
        per_sample = per_sample * mask.to(device, per_sample.dtype)
    per_sample = per_sample.mean(dim=(1, 2, 3))
    if settings.min_snr_gamma > 0:
        per_sample = per_sample * snr_weights(
            noise_scheduler, timesteps, settings.min_snr_gamma, settings.prediction_type
        )
    if settings.debiased_estimation_loss:
        per_sample = per_sample * debiased_weights(noise_scheduler, timesteps, settings.prediction_type)
    return (per_sample * sample_weights.to(device)).mean()


def check_finite(loss: torch.Tensor, step: int, mixed_precision: str, learning_rate: float) -> float:
    """The loss as a float; a NaN or infinite loss stops the run with the usual causes named."""
    value = float(loss.detach())
    if math.isfinite(value):
        return value
    causes = [f"the learning rate is too high ({learning_rate:g}; try a tenth of it)"]
    if mixed_precision == "fp16":
        causes.insert(
            0, "fp16 overflow (the SD 1.5 / SDXL VAE overflows in fp16: use bf16 or no mixed precision)"
        )
    causes.append("a corrupt image or an all-black/all-white image in the dataset")
    raise TrainingError(
        "nan",
        f"the loss became {value} at step {step}; likely causes: " + "; ".join(causes),
        field="learning_rate",
    )
