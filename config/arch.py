"""The model architectures loracord trains, and everything the code needs to know about each.

One table (`ARCHS`): the engine, the exporter, the model loader, the tiny-model builder, the queue's
estimates, the advisor and the bot read an architecture's facts here instead of comparing its name.
Adding a family means adding a row (and teaching the loader to detect it). Torch-free: the advisor and
the bot import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Arch(StrEnum):
    """A model family; the value is the name used in configs, settings, events and metadata."""

    SD15 = "sd15"
    SD2 = "sd2"
    SDXL = "sdxl"


@dataclass(frozen=True)
class TextEncoder:
    """One text encoder of a family."""

    #: "clip" (OpenAI CLIP, quick_gelu) or "openclip" (OpenCLIP: gelu, its own tokenizer's padding).
    family: str
    #: kohya's key prefix for this encoder's LoRA modules.
    lora_prefix: str
    #: Where a single-file (LDM) checkpoint keeps its weights.
    checkpoint_prefix: str
    #: Its pooled, projected output conditions the U-Net (SDXL's second encoder).
    pooled_projection: bool = False

    @property
    def hidden_act(self) -> str:
        return "quick_gelu" if self.family == "clip" else "gelu"


@dataclass(frozen=True)
class ArchSpec:
    """What the code needs to know about one family (the numbers are the real models')."""

    arch: Arch
    label: str
    #: The resolution the base model was trained at (the default `resolution` for it).
    default_resolution: int
    #: Below this the advisor warns that the model degrades.
    lowest_resolution: int
    #: The U-Net's cross-attention width (all text encoders' hidden states side by side).
    cross_attention_dim: int
    text_encoders: tuple[TextEncoder, ...]
    #: SDXL: the U-Net also takes the pooled text embedding and the size/crop numbers.
    micro_conditioning: bool
    #: kohya names this family's U-Net LoRA keys by Stability AI blocks (input_blocks_...).
    sai_unet_names: bool
    #: The U-Net's attention uses linear proj_in/proj_out (SD 2.x, SDXL).
    linear_projection: bool
    #: diffusers pipeline and default scheduler class names.
    pipeline_class: str
    scheduler_class: str
    #: What the base model predicts by default ("epsilon" or "v_prediction").
    prediction_type: str
    vae_scaling_factor: float
    #: ss_base_model_version as sd-scripts writes it; "_v" is appended for v-prediction when allowed.
    base_model_version: str
    v_prediction_version_suffix: bool
    #: Stability AI model-spec ids: architecture (and its v-prediction variant), implementation.
    modelspec_architecture: str
    modelspec_architecture_v: str
    modelspec_implementation: str
    #: sd-scripts' ss_v2 flag.
    ss_v2: bool
    #: The advisor suggests training the text encoder(s) too when memory allows.
    trains_text_encoder_by_default: bool
    #: VRAM model inputs for the advisor: the least memory that trains at all, and the batch size that
    #: fits from each VRAM size up ((GB, batch), ascending).
    min_vram_gb: float
    vram_batch: tuple[tuple[int, int], ...]
    #: Below this VRAM the advisor turns on the memory savers that cost speed; below the next one it
    #: suggests 8-bit AdamW (bitsandbytes).
    tight_vram_gb: float
    eight_bit_below_gb: float
    #: Seconds per step assumed by the queue's ETA before any job of the family was measured.
    fallback_s_per_step: float

    @property
    def lora_te_prefixes(self) -> tuple[str, ...]:
        return tuple(te.lora_prefix for te in self.text_encoders)


_SGM = "https://github.com/Stability-AI/generative-models"
_CLIP_L = "cond_stage_model.transformer.text_model."

ARCHS: dict[Arch, ArchSpec] = {
    Arch.SD15: ArchSpec(
        arch=Arch.SD15,
        label="SD 1.x",
        default_resolution=512,
        lowest_resolution=512,
        cross_attention_dim=768,
        text_encoders=(TextEncoder("clip", "lora_te", _CLIP_L),),
        micro_conditioning=False,
        sai_unet_names=False,
        linear_projection=False,
        pipeline_class="StableDiffusionPipeline",
        scheduler_class="PNDMScheduler",
        prediction_type="epsilon",
        vae_scaling_factor=0.18215,
        base_model_version="sd_v1",
        v_prediction_version_suffix=True,
        modelspec_architecture="stable-diffusion-v1",
        modelspec_architecture_v="stable-diffusion-v1",
        modelspec_implementation="diffusers",
        ss_v2=False,
        trains_text_encoder_by_default=True,
        min_vram_gb=4.0,
        vram_batch=((0, 1), (10, 2), (16, 4)),
        tight_vram_gb=12,
        eight_bit_below_gb=8,
        fallback_s_per_step=0.6,
    ),
    Arch.SD2: ArchSpec(
        arch=Arch.SD2,
        label="SD 2.x",
        default_resolution=768,
        lowest_resolution=512,
        cross_attention_dim=1024,
        text_encoders=(TextEncoder("openclip", "lora_te", "cond_stage_model.model."),),
        micro_conditioning=False,
        sai_unet_names=False,
        linear_projection=True,
        pipeline_class="StableDiffusionPipeline",
        scheduler_class="DDIMScheduler",
        prediction_type="v_prediction",
        vae_scaling_factor=0.18215,
        base_model_version="sd_v2",
        v_prediction_version_suffix=True,
        modelspec_architecture="stable-diffusion-v2-512",
        modelspec_architecture_v="stable-diffusion-v2-768-v",
        modelspec_implementation="diffusers",
        ss_v2=True,
        trains_text_encoder_by_default=True,
        min_vram_gb=6.0,
        vram_batch=((0, 1), (12, 2), (20, 4)),
        tight_vram_gb=16,
        eight_bit_below_gb=10,
        fallback_s_per_step=0.9,
    ),
    Arch.SDXL: ArchSpec(
        arch=Arch.SDXL,
        label="SDXL",
        default_resolution=1024,
        lowest_resolution=768,
        cross_attention_dim=2048,
        text_encoders=(
            TextEncoder("clip", "lora_te1", "conditioner.embedders.0.transformer.text_model."),
            TextEncoder("openclip", "lora_te2", "conditioner.embedders.1.model.", pooled_projection=True),
        ),
        micro_conditioning=True,
        sai_unet_names=True,
        linear_projection=True,
        pipeline_class="StableDiffusionXLPipeline",
        scheduler_class="EulerDiscreteScheduler",
        prediction_type="epsilon",
        vae_scaling_factor=0.13025,
        base_model_version="sdxl_base_v1-0",
        v_prediction_version_suffix=False,
        modelspec_architecture="stable-diffusion-xl-v1-base",
        modelspec_architecture_v="stable-diffusion-xl-v1-base",
        modelspec_implementation=_SGM,
        ss_v2=False,
        trains_text_encoder_by_default=False,
        min_vram_gb=8.0,
        vram_batch=((0, 1), (16, 2), (24, 4)),
        tight_vram_gb=24,
        eight_bit_below_gb=16,
        fallback_s_per_step=1.8,
    ),
}

#: The names, in table order (what `--arch`, settings and configs accept).
ARCH_NAMES: tuple[str, ...] = tuple(a.value for a in ARCHS)


def arch_spec(arch: str | Arch) -> ArchSpec:
    """The row of `arch`; ValueError naming the accepted names for anything else."""
    try:
        return ARCHS[Arch(arch)]
    except ValueError:
        raise ValueError(f"unknown architecture {arch!r}; expected one of {', '.join(ARCH_NAMES)}") from None


def arch_by_cross_attention(width: int) -> Arch | None:
    """The family whose U-Net cross-attends over `width` features (None when none does)."""
    return next((s.arch for s in ARCHS.values() if s.cross_attention_dim == width), None)
