"""fp8_base: refused where the hardware has no fp8; the storage itself checked on the CPU (torch can
hold and cast float8 there, it just is not offered for training runs)."""

from __future__ import annotations

import pytest
import torch
from engine_helpers import fast_config

from trainer.engine.errors import TrainingError
from trainer.engine.fp8 import FP8, store_in_fp8
from trainer.engine.network import add_lora, lora_parameters, unet_targets
from trainer.engine.setup import validate
from trainer.models.load import load_base


def test_fp8_base_is_refused_on_the_cpu_naming_the_field(tiny_model, dataset, tmp_path):
    cfg = fast_config(tiny_model("sd15"), dataset, tmp_path, fp8_base=True, mixed_precision="bf16")
    with pytest.raises(TrainingError) as err:
        validate(cfg, tmp_path)
    assert err.value.field == "fp8_base" and "turn fp8_base off" in str(err.value)


def test_frozen_weights_in_fp8_halve_their_memory_and_the_lora_still_learns(tiny_model):
    unet = load_base(tiny_model("sd15")).unet.to(torch.bfloat16)
    unet.requires_grad_(False)
    add_lora(unet, unet_targets(unet, "attn_mlp"), rank=4, alpha=4.0, conv_rank=4, conv_alpha=4.0)
    for param in lora_parameters(unet):
        param.data = param.data.float()
    generator = torch.Generator().manual_seed(0)
    latents = torch.randn((1, 4, 8, 8), generator=generator, dtype=torch.bfloat16)
    hidden = torch.randn((1, 77, 32), generator=generator, dtype=torch.bfloat16)
    t = torch.tensor([500])
    with torch.no_grad():
        before = unet(latents, t, hidden).sample.float()
    frozen = [m.weight for m in unet.modules() if isinstance(m, torch.nn.Linear | torch.nn.Conv2d)]
    frozen = [w for w in frozen if not w.requires_grad]
    bf16_bytes = sum(w.numel() * w.element_size() for w in frozen)
    saved = store_in_fp8(unet)
    assert all(w.dtype == FP8 for w in frozen)
    assert saved == bf16_bytes // 2
    assert all(p.dtype == torch.float32 for p in lora_parameters(unet))  # the LoRA is not quantised
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = unet(latents, t, hidden).sample.float()
    # float8 keeps ~2 significant digits: close to the bf16 model, not equal.
    assert float((out.detach() - before).norm() / before.norm()) < 0.15
    out.pow(2).mean().backward()
    grads = [p.grad for p in lora_parameters(unet) if p.grad is not None]
    assert grads and any(g.abs().sum() > 0 for g in grads)


def test_the_advisors_vram_model_counts_fp8_base():
    from advisor.vram import FP8_SAVES_GB, job_needs
    from config.training import TrainConfig

    plain = TrainConfig(model_arch="sdxl", mixed_precision="bf16", train_batch_size=1)
    need, arch = job_needs(plain)
    need_fp8, _ = job_needs(plain.replace(fp8_base=True))
    assert arch == "sdxl" and need_fp8 == pytest.approx(need - FP8_SAVES_GB["sdxl"])
    assert need_fp8 < 8 <= need  # SDXL at batch 1 fits an 8 GB card only with fp8_base
