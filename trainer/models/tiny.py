"""Tiny random-weight pipelines of the real SD 1.x, SD 2.x and SDXL architectures, for tests and the demo.

No Stable Diffusion weights can be downloaded here, so the project builds its own: the same classes,
block types, conditioning and tokenizer as the real models, with channel counts small enough that a
LoRA training step takes a few hundredths of a second on a laptop CPU. The same seed always gives
byte-identical weight files, so tests can compare outputs across runs.

What is real and what is shrunk (docs/models.md has the numbers):

* sd15 - `UNet2DConditionModel` with SD 1.5's first and last block types (CrossAttnDown + Down), two
  layers per block, conv projections; OpenAI-CLIP text encoder (quick_gelu); epsilon prediction;
  PNDM scheduler configured like runwayml/stable-diffusion-v1-5.
* sd2  - the same block layout with SD 2.x's linear projections and per-block head counts; an
  OpenCLIP-style text encoder (gelu, `!` padding) saved already truncated, as SD 2.x's diffusers
  folders are (the original's last block is unused: SD 2 conditions on the penultimate layer);
  v-prediction with a DDIM scheduler like stabilityai/stable-diffusion-2-1.
* sdxl - SDXL's three down blocks (Down, CrossAttnDown, CrossAttnDown), two layers each, more
  transformer layers in the deeper blocks, linear projections, `text_time` size/crop conditioning,
  two text encoders (CLIP + OpenCLIP with projection) whose hidden sizes differ as in the real model,
  Euler scheduler like stabilityai/stable-diffusion-xl-base-1.0.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from config.arch import ARCH_NAMES, arch_spec
from trainer.models.tokenizer import write_tokenizer

FORMATS = ("diffusers", "single-file")
#: Latent size of the tiny UNets; with the VAE's factor of 8 the default image is 64 x 64 pixels.
SAMPLE_SIZE = 8
CLIP_VOCAB = 49408

# Scheduler settings shared by every SD release (values from the models' scheduler_config.json).
_SCHEDULE = {
    "num_train_timesteps": 1000,
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "steps_offset": 1,
}


def _text_config(hidden: int, act: str, projection: int | None = None) -> Any:
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        vocab_size=CLIP_VOCAB,
        hidden_size=hidden,
        intermediate_size=hidden * 4,
        num_hidden_layers=3,
        num_attention_heads=4,
        max_position_embeddings=77,
        hidden_act=act,
        projection_dim=projection or hidden,
        bos_token_id=49406,
        eos_token_id=49407,
        pad_token_id=1,
    )


def _vae(arch: str) -> Any:
    from diffusers import AutoencoderKL

    # Four blocks, like every SD VAE, so the spatial factor is 8; channels cut to (16, 32, 32, 32).
    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(16, 32, 32, 32),
        layers_per_block=1,
        latent_channels=4,
        norm_num_groups=8,
        sample_size=SAMPLE_SIZE * 8,
        # The real models' latent scaling factor: our random VAE keeps it so configs look real.
        scaling_factor=arch_spec(arch).vae_scaling_factor,
    )


def _unet(arch: str, cross_attention_dim: int, text_embeds_dim: int = 0) -> Any:
    from diffusers import UNet2DConditionModel

    spec = arch_spec(arch)
    if spec.micro_conditioning:
        time_embed_dim = 8  # SDXL: 256 per size/crop number, six numbers (original size, crop, target)
        return UNet2DConditionModel(
            sample_size=SAMPLE_SIZE,
            block_out_channels=(32, 64, 64),
            layers_per_block=2,
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
            transformer_layers_per_block=(1, 1, 2),
            attention_head_dim=(2, 4, 4),
            use_linear_projection=True,
            cross_attention_dim=cross_attention_dim,
            addition_embed_type="text_time",
            addition_time_embed_dim=time_embed_dim,
            projection_class_embeddings_input_dim=6 * time_embed_dim + text_embeds_dim,
        )
    common: dict[str, Any] = {
        "sample_size": SAMPLE_SIZE,
        "block_out_channels": (32, 64),
        "layers_per_block": 2,
        "down_block_types": ("CrossAttnDownBlock2D", "DownBlock2D"),
        "up_block_types": ("UpBlock2D", "CrossAttnUpBlock2D"),
        "cross_attention_dim": cross_attention_dim,
    }
    if spec.linear_projection:
        # SD 2.x: linear proj_in/proj_out and a head count per block ([5, 10, 20, 20] in the real one).
        return UNet2DConditionModel(**common, attention_head_dim=(2, 4), use_linear_projection=True)
    return UNet2DConditionModel(**common, attention_head_dim=8)


def _scheduler(arch: str) -> Any:
    from diffusers import DDIMScheduler, EulerDiscreteScheduler, PNDMScheduler

    spec = arch_spec(arch)  # the real model's default scheduler and prediction type
    if spec.scheduler_class == "PNDMScheduler":
        return PNDMScheduler(**_SCHEDULE, skip_prk_steps=True, set_alpha_to_one=False)
    if spec.scheduler_class == "DDIMScheduler":
        return DDIMScheduler(
            **_SCHEDULE, clip_sample=False, set_alpha_to_one=False, prediction_type=spec.prediction_type
        )
    return EulerDiscreteScheduler(
        **_SCHEDULE,
        interpolation_type="linear",
        prediction_type=spec.prediction_type,
        timestep_spacing="leading",
    )


def build_pipeline_in_memory(arch: str, seed: int) -> Any:
    """Construct the tiny pipeline object (random weights drawn from `seed`) without saving it."""
    import torch
    from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    if arch not in ARCH_NAMES:
        raise ValueError(f"arch must be one of {', '.join(ARCH_NAMES)}, got {arch!r}")
    encoders = arch_spec(arch).text_encoders

    def seeded(offset: int) -> None:
        # One seed per component: changing one component's shape leaves the others' weights alone.
        torch.manual_seed(seed * 1000 + offset)

    with torch.no_grad():
        if len(encoders) > 1:
            seeded(1)
            text_encoder = CLIPTextModel(_text_config(32, encoders[0].hidden_act))
            seeded(2)
            text_encoder_2 = CLIPTextModelWithProjection(
                _text_config(48, encoders[1].hidden_act, projection=48)
            )
            seeded(3)
            # SDXL's cross-attention sees both encoders' penultimate states side by side (768 + 1280).
            unet = _unet(arch, cross_attention_dim=32 + 48, text_embeds_dim=48)
            seeded(4)
            vae = _vae(arch)
            pipe = StableDiffusionXLPipeline(
                vae=vae,
                text_encoder=text_encoder,
                text_encoder_2=text_encoder_2,
                tokenizer=None,
                tokenizer_2=None,
                unet=unet,
                scheduler=_scheduler(arch),
                force_zeros_for_empty_prompt=True,
            )
        else:
            seeded(1)
            text_encoder = CLIPTextModel(_text_config(32, encoders[0].hidden_act))
            seeded(3)
            unet = _unet(arch, cross_attention_dim=32)
            seeded(4)
            vae = _vae(arch)
            pipe = StableDiffusionPipeline(
                vae=vae,
                text_encoder=text_encoder,
                tokenizer=None,
                unet=unet,
                scheduler=_scheduler(arch),
                safety_checker=None,
                feature_extractor=None,
                requires_safety_checker=False,
            )
    return pipe


def _save_diffusers(pipe: Any, arch: str, folder: Path) -> None:
    import json

    # Component by component rather than pipe.save_pretrained, which complains about the tokenizers
    # we leave out of the in-memory pipeline: their files are written from the BPE list below.
    pipe.save_config(folder)
    for name in ("unet", "vae", "text_encoder", "text_encoder_2", "scheduler"):
        part = getattr(pipe, name, None)
        if part is not None:
            part.save_pretrained(folder / name)

    index_path = folder / "model_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    tokenizers = {
        "tokenizer" if i == 0 else f"tokenizer_{i + 1}": te.family
        for i, te in enumerate(arch_spec(arch).text_encoders)
    }
    for name, flavour in tokenizers.items():
        write_tokenizer(folder / name, flavour)
        index[name] = ["transformers", "CLIPTokenizer"]
    index_path.write_text(json.dumps(dict(sorted(index.items())), indent=2) + "\n", encoding="utf-8")
    _restore_classic_text_model_keys(folder / "text_encoder" / "model.safetensors")


def _restore_classic_text_model_keys(weights: Path) -> None:
    """Save CLIPTextModel weights under `text_model.*`, as every real SD folder on the hub has them.

    transformers 5 saves its flattened tree (no `text_model.` level); transformers 4 would load such
    a file with random weights and no error. transformers 5 reads both layouts, so the classic one
    keeps our folders readable everywhere and makes tests load them the way real models load.
    """
    from safetensors import safe_open
    from safetensors.torch import save_file

    with safe_open(str(weights), framework="pt") as handle:
        metadata = handle.metadata() or {"format": "pt"}
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118 - not a dict
    if all(key.startswith("text_model.") for key in tensors):
        return
    classic = {f"text_model.{key}": value for key, value in tensors.items()}
    save_file(classic, str(weights), metadata=metadata)


def single_file_paths(out: Path, arch: str) -> tuple[Path, Path]:
    """Where the single-file checkpoint and its diffusers config folder go for an OUT argument.

    OUT ending in `.safetensors` names the file; otherwise OUT is a folder that receives
    `tiny-ARCH.safetensors`. The configs live beside the file in `NAME.config/` (model_index.json,
    component configs and tokenizers, no weights): tiny models cannot be recognised from their
    tensor shapes, so they load with `from_single_file(file, config=NAME.config)`.
    """
    file = out if out.suffix == ".safetensors" else out / f"tiny-{arch}.safetensors"
    return file, config_folder_for(file)


def config_folder_for(file: Path) -> Path:
    """The diffusers config folder stored beside a single-file checkpoint (may not exist)."""
    return file.with_name(file.stem + ".config")


def build_tiny_pipeline(out: Path, arch: str, fmt: str = "diffusers", seed: int = 0) -> Path:
    """Build a tiny random-weight pipeline of `arch` and save it; return the model path.

    fmt "diffusers" writes a diffusers folder at `out` (returned). fmt "single-file" writes an
    original-layout (LDM/SAI) `.safetensors` checkpoint plus its config folder, see
    `single_file_paths`, and returns the file.
    """
    if arch not in ARCH_NAMES:
        raise ValueError(f"arch must be one of {', '.join(ARCH_NAMES)}, got {arch!r}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out = Path(out)
    pipe = build_pipeline_in_memory(arch, seed)
    if fmt == "diffusers":
        _replace_dir(out, lambda tmp: _save_diffusers(pipe, arch, tmp))
        return out

    from trainer.models.singlefile import save_single_file

    file, config_dir = single_file_paths(out, arch)
    file.parent.mkdir(parents=True, exist_ok=True)

    def write_configs(tmp: Path) -> None:
        _save_diffusers(pipe, arch, tmp)
        for weights in tmp.rglob("*.safetensors"):
            weights.unlink()

    _replace_dir(config_dir, write_configs)
    save_single_file(pipe, arch, file)
    return file


def _replace_dir(target: Path, fill: Any) -> None:
    """Fill a fresh temporary folder next to `target`, then swap it in: no half-written model."""
    if target.is_file() or (
        target.is_dir() and any(target.iterdir()) and not (target / "model_index.json").is_file()
    ):
        raise FileExistsError(f"{target} exists and is not a model folder; choose a new or empty folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    tmp.chmod(0o755)  # mkdtemp makes it owner-only; other users (a worker, a container) must read it
    try:
        fill(tmp)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
