"""Each loss / noise option changes the loss the way its definition (sd-scripts') says.

A stub U-Net predicts zeros, so with an epsilon model the loss compares 0 with the drawn noise; the
test draws the same numbers from a generator with the same seed, in the loop's order (noise, then
the timesteps), and computes what the option's definition gives.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
import torch
from diffusers import DDPMScheduler

from trainer.engine.loop import LossSettings, diffusion_loss
from trainer.engine.loss_options import huber_threshold, pyramid_noise

SCHEDULER = DDPMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012)
BASE = LossSettings("epsilon", 0.0, 0.0, "sd15")
LATENTS = torch.randn((4, 4, 8, 8), generator=torch.Generator().manual_seed(5))


class Recorder(torch.nn.Module):
    """Predicts `value` (zeros by default) and remembers its inputs."""

    def __init__(self, value=None) -> None:
        super().__init__()
        self.value, self.seen = value, {}

    def forward(self, noisy, timesteps, hidden, added_cond_kwargs=None):
        self.seen = {"noisy": noisy, "timesteps": timesteps}
        return SimpleNamespace(sample=torch.zeros_like(noisy) if self.value is None else self.value)


def run(settings: LossSettings, unet=None, seed: int = 3) -> tuple[float, Recorder]:
    unet = unet or Recorder()
    args = (LATENTS, torch.zeros(4, 6), torch.zeros(4, 77, 8), None, torch.ones(4))
    loss = diffusion_loss(unet, SCHEDULER, *args, torch.Generator().manual_seed(seed), settings)
    return float(loss), unet


def draws(seed: int = 3, low: int = 0, high: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    noise = torch.randn(LATENTS.shape, generator=g)
    return noise, torch.randint(low, high, (4,), generator=g)


def test_l2_l1_huber_and_smooth_l1_follow_their_formulas():
    noise, t = draws()
    assert run(BASE)[0] == pytest.approx(float(noise.pow(2).mean()), rel=1e-5)
    assert run(replace(BASE, loss_type="l1"))[0] == pytest.approx(float(noise.abs().mean()), rel=1e-5)
    c = huber_threshold(SCHEDULER, t, 0.1, "snr").view(-1, 1, 1, 1)
    soft = torch.sqrt(noise**2 + c**2) - c
    assert run(replace(BASE, loss_type="huber"))[0] == pytest.approx(float((2 * c * soft).mean()), rel=1e-5)
    assert run(replace(BASE, loss_type="smooth_l1"))[0] == pytest.approx(float((2 * soft).mean()), rel=1e-5)
    # Huber is quadratic for small errors and linear for large ones: far below l2 on unit noise.
    assert run(replace(BASE, loss_type="huber"))[0] < run(BASE)[0]


def test_huber_schedules():
    t = torch.tensor([0, 999])
    assert huber_threshold(SCHEDULER, t, 0.1, "constant").tolist() == pytest.approx([0.1, 0.1])
    exp = huber_threshold(SCHEDULER, t, 0.1, "exponential")
    assert exp[0] == pytest.approx(1.0) and exp[1] == pytest.approx(0.1 ** (999 / 1000), rel=1e-5)
    snr = huber_threshold(SCHEDULER, t, 0.1, "snr")
    ac = SCHEDULER.alphas_cumprod[t]
    assert snr.tolist() == pytest.approx(((1 - 0.1) / (1 + ((1 - ac) / ac).sqrt()) ** 2 + 0.1).tolist())
    assert snr[0] > snr[1] > 0.1  # near c at high noise, near 1 at low noise


def test_debiased_estimation_weights_by_one_over_sqrt_snr():
    noise, t = draws()
    ac = SCHEDULER.alphas_cumprod[t]
    snr = torch.clamp(ac / (1 - ac), max=1000)
    want = (noise.pow(2).mean(dim=(1, 2, 3)) / snr.sqrt()).mean()
    assert run(replace(BASE, debiased_estimation_loss=True))[0] == pytest.approx(float(want), rel=1e-5)


def test_timestep_range():
    _, unet = run(replace(BASE, min_timestep=500, max_timestep=501))
    assert unet.seen["timesteps"].tolist() == [500] * 4
    _, unet = run(replace(BASE, min_timestep=900))
    assert all(900 <= t < 1000 for t in unet.seen["timesteps"].tolist())


def test_ip_noise_gamma_perturbs_the_input_not_the_target():
    noise, t = draws()
    # An oracle that predicts exactly the plain noise: the loss stays 0 with input perturbation,
    # because the target is the unperturbed noise...
    loss, unet = run(replace(BASE, ip_noise_gamma=0.1), Recorder(noise))
    assert loss == pytest.approx(0.0, abs=1e-12)
    # ...while the noisy input carries noise + 0.1·ξ, ξ the next draw of the generator.
    g = torch.Generator().manual_seed(3)
    torch.randn(LATENTS.shape, generator=g)
    t = torch.randint(0, 1000, (4,), generator=g)
    xi = torch.randn(LATENTS.shape, generator=g)
    torch.testing.assert_close(unet.seen["noisy"], SCHEDULER.add_noise(LATENTS, noise + 0.1 * xi, t))


def test_multires_noise_is_unit_variance_and_spatially_correlated():
    g = torch.Generator().manual_seed(0)
    white = torch.randn((8, 4, 32, 32), generator=g)
    pyramid = pyramid_noise(white, g, iterations=6, discount=0.8)

    def neighbour_correlation(x: torch.Tensor) -> float:
        a, b = x[..., :, :-1].flatten(), x[..., :, 1:].flatten()
        return float(torch.corrcoef(torch.stack([a, b]))[0, 1])

    assert float(pyramid.std()) == pytest.approx(1.0, rel=1e-4)
    assert neighbour_correlation(white) < 0.05 < 0.2 < neighbour_correlation(pyramid)
    # In the loop: the noise the U-Net sees (recovered from its noisy input) is the pyramid noise.
    _, unet = run(replace(BASE, multires_noise_iterations=6, multires_noise_discount=0.8))
    t = unet.seen["timesteps"]
    ac = SCHEDULER.alphas_cumprod[t].view(-1, 1, 1, 1)
    seen = (unet.seen["noisy"] - ac.sqrt() * LATENTS) / (1 - ac).sqrt()
    white_seen, _ = draws()
    assert neighbour_correlation(seen) > neighbour_correlation(white_seen) + 0.1
