"""Tiny pipelines with PEFT LoRAs injected, the way the training engine builds them, for the export tests.

A uniquely named module (not conftest) so `from export_helpers import ...` never picks up another
folder's conftest; conftest.py only re-exports the fixtures.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from diffusers import DiffusionPipeline
from peft import LoraConfig
from peft.utils import get_peft_model_state_dict

from trainer.models.tiny import build_tiny_pipeline

RANK, ALPHA = 4, 2.0  # alpha != rank, so a writer that stores the rank is caught
CONV_RANK, CONV_ALPHA = 2, 3.0

UNET_TARGETS = {
    "attn": ["to_q", "to_k", "to_v", "to_out.0"],
    "attn_mlp": ["to_q", "to_k", "to_v", "to_out.0", "proj_in", "proj_out", "ff.net.0.proj", "ff.net.2"],
}
UNET_TARGETS["locon"] = [
    *UNET_TARGETS["attn_mlp"],
    "conv1",
    "conv2",
    "conv_shortcut",
    "time_emb_proj",
    "downsamplers.0.conv",
    "upsamplers.0.conv",
]
TE_TARGETS = {
    "attn": ["q_proj", "k_proj", "v_proj", "out_proj"],
    "attn_mlp": ["q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"],
    "locon": ["q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"],
}
# The 3x3 convs of a LoCon get their own rank and alpha (sd-scripts' conv_dim / conv_alpha).
CONV3X3 = ["conv1", "conv2", "downsamplers.0.conv", "upsamplers.0.conv"]


@dataclass
class LoraPipe:
    pipe: DiffusionPipeline
    arch: str
    target: str
    lora_state: dict[str, dict[str, torch.Tensor]]


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny")
    return {arch: build_tiny_pipeline(root / arch, arch) for arch in ("sd15", "sd2", "sdxl")}


def load_pipe(folder: Path) -> DiffusionPipeline:
    pipe = DiffusionPipeline.from_pretrained(str(folder))
    pipe.set_progress_bar_config(disable=True)
    return pipe


def text_encoders(pipe: DiffusionPipeline) -> dict[str, torch.nn.Module]:
    out = {"te1": pipe.text_encoder}
    if getattr(pipe, "text_encoder_2", None) is not None:
        out["te2"] = pipe.text_encoder_2
    return out


def inject_lora(pipe: DiffusionPipeline, arch: str, target: str, seed: int = 7) -> LoraPipe:
    """Add PEFT LoRAs as the engine does and give lora_B random values so they change the image."""
    conv = {name: CONV_RANK for name in CONV3X3} if target == "locon" else {}
    pipe.unet.add_adapter(
        LoraConfig(
            r=RANK,
            lora_alpha=ALPHA,
            target_modules=UNET_TARGETS[target],
            rank_pattern=conv,
            alpha_pattern={name: CONV_ALPHA for name in conv},
        )
    )
    state = {}
    generator = torch.Generator().manual_seed(seed)
    models = {"unet": pipe.unet}
    for component, encoder in text_encoders(pipe).items():
        encoder.add_adapter(LoraConfig(r=RANK, lora_alpha=ALPHA, target_modules=TE_TARGETS[target]))
        models[component] = encoder
    for component, model in models.items():
        with torch.no_grad():
            for name, param in model.named_parameters():
                if "lora_B" in name:
                    param.copy_(torch.randn(param.shape, generator=generator) * 0.3)
        state[component] = {k: v.detach().clone() for k, v in get_peft_model_state_dict(model).items()}
    return LoraPipe(pipe, arch, target, state)


def render(pipe: DiffusionPipeline) -> np.ndarray:
    """Fixed seed, 2 steps, 64 px: the same call always gives the same pixels for the same weights."""
    with torch.no_grad():
        out = pipe(
            "a red circle",
            num_inference_steps=2,
            # No classifier-free guidance: half the UNet work, and the prompt still goes through the
            # text encoders' LoRAs.
            guidance_scale=1.0,
            height=64,
            width=64,
            generator=torch.Generator().manual_seed(0),
            output_type="np",
        )
    return np.asarray(out.images[0], dtype=np.float64)


class LoadLog(logging.Handler):
    """Collects warnings the libraries log (diffusers' loggers do not propagate to the root)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def key_warnings():
    """A function returning every logged or raised warning about LoRA keys not matching the model."""
    handler = LoadLog()
    loggers = [logging.getLogger(name) for name in ("diffusers", "peft", "transformers")]
    for logger in loggers:
        logger.addHandler(handler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        def collect(adapter: str) -> list[str]:
            texts = handler.messages + [str(w.message) for w in caught]
            lines = [line for text in texts for line in text.splitlines() if "lora_" in line]
            # transformers' load report also lists the base weights and other adapters' weights as
            # "missing"; only keys that do not fit, or this adapter's own missing keys, are failures.
            return [
                line
                for line in lines
                if "unexpected" in line.lower() or ("missing" in line.lower() and f".{adapter}." in line)
            ]

        yield collect
    for logger in loggers:
        logger.removeHandler(handler)


def fake_lora_state(
    arch: str, rank: int = 4, width: int = 64, seed: int = 0
) -> dict[str, dict[str, torch.Tensor]]:
    """PEFT-style state dicts with real module paths, for tests that need no model."""
    g = torch.Generator().manual_seed(seed)

    def pair(path: str, shape_in: tuple[int, ...], out: int, r: int = rank) -> dict[str, torch.Tensor]:
        down = torch.randn((r, *shape_in), generator=g)
        up_shape = (out, r, 1, 1) if len(shape_in) == 3 else (out, r)
        return {f"{path}.lora_A.weight": down, f"{path}.lora_B.weight": torch.randn(up_shape, generator=g)}

    unet = {
        **pair("down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q", (width,), width),
        **pair("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k", (width,), width),
        **pair("mid_block.resnets.0.conv1", (width, 3, 3), width, r=2),
    }
    state = {"unet": unet, "te1": pair("encoder.layers.0.self_attn.q_proj", (width,), width)}
    if arch == "sdxl":
        state["te2"] = pair("text_model.encoder.layers.0.mlp.fc1", (width,), width)
    return state
