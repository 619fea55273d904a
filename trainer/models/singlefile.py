"""Write a pipeline as one `.safetensors` checkpoint in the original (LDM / SAI) key layout.

This is the layout of the checkpoints people download (AUTOMATIC1111, ComfyUI, Civitai) and what
diffusers' `from_single_file` reads: the UNet under `model.diffusion_model.` with `input_blocks` /
`middle_block` / `output_blocks` numbering, the VAE under `first_stage_model.`, and the text
encoders as the original projects stored them:

* SD 1.x: `cond_stage_model.transformer.text_model.*` (Hugging Face CLIP names, classic tree);
* SD 2.x: `cond_stage_model.model.*` (OpenCLIP names, q/k/v fused into `in_proj_weight`);
* SDXL: `conditioner.embedders.0.transformer.text_model.*` (CLIP) and
  `conditioner.embedders.1.model.*` (OpenCLIP, with `text_projection` stored transposed).

transformers 5 dropped the `text_model.` level from `CLIPTextModel`'s state dict; the classic names
are restored here because every other tool expects them (ENVIRONMENT.md, pitfall 5).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from config.arch import arch_spec

UNET_PREFIX = "model.diffusion_model."
VAE_PREFIX = "first_stage_model."

# diffusers ResnetBlock2D parameter names -> LDM ResBlock names.
_UNET_RESNET = {
    "norm1": "in_layers.0",
    "conv1": "in_layers.2",
    "time_emb_proj": "emb_layers.1",
    "norm2": "out_layers.0",
    "conv2": "out_layers.3",
    "conv_shortcut": "skip_connection",
}
_UNET_TOP = {
    "time_embedding.linear_1": "time_embed.0",
    "time_embedding.linear_2": "time_embed.2",
    "add_embedding.linear_1": "label_emb.0.0",
    "add_embedding.linear_2": "label_emb.0.2",
    "conv_in": "input_blocks.0.0",
    "conv_norm_out": "out.0",
    "conv_out": "out.2",
}


def _split(key: str) -> tuple[str, str]:
    """'a.b.weight' -> ('a.b', 'weight')."""
    module, _, param = key.rpartition(".")
    return module, param


def unet_key_map(unet_config: Mapping[str, Any], keys: list[str]) -> dict[str, str]:
    """diffusers UNet2DConditionModel key -> LDM key (without the `model.diffusion_model.` prefix).

    LDM numbers the down path as one flat list: input_blocks.0 is conv_in, then per block
    `layers_per_block` entries (a ResBlock at .0 and, in cross-attention blocks, a SpatialTransformer
    at .1) followed by one downsampler entry except after the last block. The up path has one entry
    more per block, and its upsampler sits at .1 or, after an attention, at .2.
    """
    layers = int(unet_config["layers_per_block"])
    down_types = list(unet_config["down_block_types"])
    up_types = list(unet_config["up_block_types"])
    prefixes: dict[str, str] = {}
    for block, kind in enumerate(down_types):
        for layer in range(layers):
            entry = 1 + block * (layers + 1) + layer
            prefixes[f"down_blocks.{block}.resnets.{layer}."] = f"input_blocks.{entry}.0."
            if "CrossAttn" in kind:
                prefixes[f"down_blocks.{block}.attentions.{layer}."] = f"input_blocks.{entry}.1."
        if block < len(down_types) - 1:
            entry = 1 + block * (layers + 1) + layers
            prefixes[f"down_blocks.{block}.downsamplers.0.conv."] = f"input_blocks.{entry}.0.op."
    prefixes["mid_block.resnets.0."] = "middle_block.0."
    prefixes["mid_block.attentions.0."] = "middle_block.1."
    prefixes["mid_block.resnets.1."] = "middle_block.2."
    for block, kind in enumerate(up_types):
        has_attention = "CrossAttn" in kind
        for layer in range(layers + 1):
            entry = block * (layers + 1) + layer
            prefixes[f"up_blocks.{block}.resnets.{layer}."] = f"output_blocks.{entry}.0."
            if has_attention:
                prefixes[f"up_blocks.{block}.attentions.{layer}."] = f"output_blocks.{entry}.1."
        if block < len(up_types) - 1:
            entry = block * (layers + 1) + layers
            slot = 2 if has_attention else 1
            prefixes[f"up_blocks.{block}.upsamplers.0.conv."] = f"output_blocks.{entry}.{slot}.conv."

    mapping: dict[str, str] = {}
    for key in keys:
        module, param = _split(key)
        if module in _UNET_TOP:
            mapping[key] = f"{_UNET_TOP[module]}.{param}"
            continue
        for old, new in prefixes.items():
            if key.startswith(old):
                rest = key[len(old) :]
                if ".resnets." in old or old.startswith("mid_block.resnets"):
                    sub, p = _split(rest)
                    rest = f"{_UNET_RESNET.get(sub, sub)}.{p}"
                mapping[key] = new + rest
                break
        else:
            raise ValueError(f"no original-layout name for UNet parameter {key!r}")
    return mapping


def vae_key_map(vae_config: Mapping[str, Any], keys: list[str]) -> dict[str, str]:
    """diffusers AutoencoderKL key -> LDM key (without `first_stage_model.`).

    The decoder's up blocks are numbered in reverse in LDM (up.3 is the first one applied).
    """
    num_up = len(vae_config["up_block_types"])
    attention = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}
    mapping: dict[str, str] = {}
    for key in keys:
        new = key.replace("conv_norm_out", "norm_out").replace("conv_shortcut", "nin_shortcut")
        parts = new.split(".")
        if parts[1] == "down_blocks":
            rest = ".".join(parts[3:])
            rest = rest.replace("resnets.", "block.").replace("downsamplers.0.", "downsample.")
            new = f"{parts[0]}.down.{parts[2]}.{rest}"
        elif parts[1] == "up_blocks":
            rest = ".".join(parts[3:])
            rest = rest.replace("resnets.", "block.").replace("upsamplers.0.", "upsample.")
            new = f"{parts[0]}.up.{num_up - 1 - int(parts[2])}.{rest}"
        elif parts[1] == "mid_block":
            if parts[2] == "resnets":
                new = f"{parts[0]}.mid.block_{int(parts[3]) + 1}.{'.'.join(parts[4:])}"
            else:
                module, param = _split(".".join(parts[4:]))
                new = f"{parts[0]}.mid.attn_1.{attention[module]}.{param}"
        mapping[key] = new
    return mapping


def _vae_tensor(ldm_key: str, tensor: Any) -> Any:
    # The original VAE attention uses 1x1 convolutions; diffusers stores them as linear layers.
    if ".mid.attn_1." in ldm_key and ldm_key.endswith(
        ("q.weight", "k.weight", "v.weight", "proj_out.weight")
    ):
        return tensor.reshape(*tensor.shape, 1, 1)
    return tensor


def clip_to_ldm(state: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """OpenAI-CLIP text encoder in the classic Hugging Face tree under `prefix` (ends in text_model.)."""
    out = {}
    for key, tensor in state.items():
        if key.startswith("text_projection") or key.endswith("position_ids"):
            continue
        out[prefix + key.removeprefix("text_model.")] = tensor
    return out


def open_clip_to_ldm(state: Mapping[str, Any], prefix: str, num_layers: int) -> dict[str, Any]:
    """A CLIP text encoder in OpenCLIP's layout: fused attention input projection, ln_1/ln_2, c_fc."""
    import torch

    flat = {key.removeprefix("text_model."): value for key, value in state.items()}
    out: dict[str, Any] = {
        prefix + "token_embedding.weight": flat["embeddings.token_embedding.weight"],
        prefix + "positional_embedding": flat["embeddings.position_embedding.weight"],
        prefix + "ln_final.weight": flat["final_layer_norm.weight"],
        prefix + "ln_final.bias": flat["final_layer_norm.bias"],
    }
    if "text_projection.weight" in flat:
        # OpenCLIP multiplies x @ text_projection; a Linear layer stores the transpose.
        out[prefix + "text_projection"] = flat["text_projection.weight"].t().contiguous()
    renames = {
        "layer_norm1": "ln_1",
        "layer_norm2": "ln_2",
        "self_attn.out_proj": "attn.out_proj",
        "mlp.fc1": "mlp.c_fc",
        "mlp.fc2": "mlp.c_proj",
    }
    for i in range(num_layers):
        src = f"encoder.layers.{i}."
        dst = f"{prefix}transformer.resblocks.{i}."
        for param in ("weight", "bias"):
            out[f"{dst}attn.in_proj_{param}"] = torch.cat(
                [flat[f"{src}self_attn.{p}_proj.{param}"] for p in ("q", "k", "v")]
            ).contiguous()
            for old, new in renames.items():
                out[f"{dst}{new}.{param}"] = flat[f"{src}{old}.{param}"]
    return out


def pipeline_to_ldm(pipe: Any, arch: str) -> dict[str, Any]:
    """The whole pipeline's weights as one original-layout state dict (tensors shared, not copied)."""
    unet_state = pipe.unet.state_dict()
    state: dict[str, Any] = {}
    for key, new in unet_key_map(pipe.unet.config, list(unet_state)).items():
        state[UNET_PREFIX + new] = unet_state[key]
    vae_state = pipe.vae.state_dict()
    for key, new in vae_key_map(pipe.vae.config, list(vae_state)).items():
        state[VAE_PREFIX + new] = _vae_tensor(new, vae_state[key])
    modules = (pipe.text_encoder, getattr(pipe, "text_encoder_2", None))
    for spec, te in zip(arch_spec(arch).text_encoders, modules, strict=False):
        # OpenCLIP encoders are stored in open_clip's own layout; OpenAI CLIP in transformers' one.
        if spec.family == "openclip":
            state.update(
                open_clip_to_ldm(te.state_dict(), spec.checkpoint_prefix, te.config.num_hidden_layers)
            )
        else:
            state.update(clip_to_ldm(te.state_dict(), spec.checkpoint_prefix))
    return {key: tensor.detach().contiguous() for key, tensor in state.items()}


def save_single_file(pipe: Any, arch: str, path: Path) -> Path:
    """Write `pipe` as an original-layout `.safetensors` file at `path` (atomically)."""
    from safetensors.torch import save_file

    state = pipeline_to_ldm(pipe, arch)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        # One metadata key only: safetensors writes metadata from a Rust HashMap, so two or more keys
        # come out in a random order and the same weights would not give the same bytes.
        save_file(state, str(tmp), metadata={"format": "pt"})
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def unet_module_to_ldm(unet_config: Mapping[str, Any], module: str) -> str:
    """One diffusers UNet module name in LDM/SAI naming, e.g. for kohya SDXL LoRA keys.

    'down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q' ->
    'input_blocks.4.1.transformer_blocks.0.attn1.to_q' (with SDXL's block layout).
    """
    key = f"{module}.weight"
    return unet_key_map(unet_config, [key])[key].removesuffix(".weight")
