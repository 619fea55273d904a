"""Single-file checkpoints: original (LDM/SAI) key layout, exact round trip through diffusers."""

from __future__ import annotations

import pytest
import torch
from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline, UNet2DConditionModel
from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint
from safetensors import safe_open

from trainer.models.singlefile import unet_key_map, unet_module_to_ldm
from trainer.models.tiny import config_folder_for

PIPELINES = {
    "sd15": StableDiffusionPipeline,
    "sd2": StableDiffusionPipeline,
    "sdxl": StableDiffusionXLPipeline,
}
COMPONENTS = {
    "sd15": ["unet", "vae", "text_encoder"],
    "sd2": ["unet", "vae", "text_encoder"],
    "sdxl": ["unet", "vae", "text_encoder", "text_encoder_2"],
}


@pytest.mark.parametrize("arch", ["sd15", "sd2", "sdxl"])
def test_round_trip_gives_identical_weights(tiny_models, arch):
    cls = PIPELINES[arch]
    original = cls.from_pretrained(str(tiny_models[arch, "diffusers"]), local_files_only=True)
    file = tiny_models[arch, "single-file"]
    loaded = cls.from_single_file(str(file), config=str(config_folder_for(file)), local_files_only=True)
    for component in COMPONENTS[arch]:
        want = getattr(original, component).state_dict()
        got = getattr(loaded, component).state_dict()
        assert want.keys() == got.keys(), component
        different = [k for k in want if not torch.equal(want[k], got[k])]
        assert different == [], f"{component}: {different[:5]}"


def keys_of(path) -> set[str]:
    with safe_open(str(path), framework="pt") as handle:
        return set(handle.keys())


def test_sd15_layout(tiny_models):
    keys = keys_of(tiny_models["sd15", "single-file"])
    assert "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight" in keys
    assert "cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight" in keys
    assert "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight" in keys
    assert "model.diffusion_model.input_blocks.0.0.weight" in keys  # conv_in
    assert "model.diffusion_model.out.2.weight" in keys  # conv_out
    assert "first_stage_model.decoder.up.0.block.0.conv1.weight" in keys
    prefixes = {k.split(".")[0] for k in keys}
    assert prefixes == {"model", "first_stage_model", "cond_stage_model"}


def test_sd2_text_encoder_is_in_openclip_layout(tiny_models):
    file = tiny_models["sd2", "single-file"]
    keys = keys_of(file)
    assert "cond_stage_model.model.token_embedding.weight" in keys
    assert "cond_stage_model.model.positional_embedding" in keys
    assert "cond_stage_model.model.ln_final.weight" in keys
    with safe_open(str(file), framework="pt") as handle:
        fused = handle.get_tensor("cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight")
    assert fused.shape == (3 * 32, 32)  # q, k and v stacked
    assert not any("q_proj" in k for k in keys if k.startswith("cond_stage_model"))


def test_sdxl_uses_sai_block_names_and_two_embedders(tiny_models):
    file = tiny_models["sdxl", "single-file"]
    keys = keys_of(file)
    assert "model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn1.to_q.weight" in keys
    assert "model.diffusion_model.input_blocks.7.1.transformer_blocks.1.attn2.to_k.weight" in keys
    assert "model.diffusion_model.label_emb.0.0.weight" in keys  # size/crop conditioning
    assert "model.diffusion_model.input_blocks.3.0.op.weight" in keys  # first downsampler
    assert "model.diffusion_model.output_blocks.2.2.conv.weight" in keys  # upsampler after attention
    assert "conditioner.embedders.0.transformer.text_model.final_layer_norm.weight" in keys
    assert "conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight" in keys
    with safe_open(str(file), framework="pt") as handle:
        projection = handle.get_tensor("conditioner.embedders.1.model.text_projection")
    assert projection.shape == (48, 48)


def real_unet(**config) -> UNet2DConditionModel:
    with torch.device("meta"):
        return UNet2DConditionModel(**config)


SD15_CONFIG = {
    "block_out_channels": (320, 640, 1280, 1280),
    "cross_attention_dim": 768,
    "attention_head_dim": 8,
}
SDXL_CONFIG = {
    "block_out_channels": (320, 640, 1280),
    "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    "up_block_types": ("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    "transformer_layers_per_block": (1, 2, 10),
    "attention_head_dim": (5, 10, 20),
    "use_linear_projection": True,
    "cross_attention_dim": 2048,
    "addition_embed_type": "text_time",
    "addition_time_embed_dim": 256,
    "projection_class_embeddings_input_dim": 2816,
}


@pytest.mark.parametrize("config", [SD15_CONFIG, SDXL_CONFIG], ids=["sd15", "sdxl"])
def test_full_size_unet_names_match_what_diffusers_reads(config):
    # The real SD 1.5 / SDXL UNets (built on the meta device: no memory, no weights): our names must
    # be exactly what diffusers' own single-file reader turns back into the diffusers names.
    unet = real_unet(**config)
    state = unet.state_dict()
    mapping = unet_key_map(unet.config, list(state))
    assert len(set(mapping.values())) == len(mapping)
    ldm = {f"model.diffusion_model.{new}": state[old] for old, new in mapping.items()}
    back = convert_ldm_unet_checkpoint(ldm, dict(unet.config))
    assert set(back) == set(state)


def test_known_original_names():
    sd15 = real_unet(**SD15_CONFIG).config
    assert unet_module_to_ldm(sd15, "up_blocks.3.attentions.2.proj_out") == "output_blocks.11.1.proj_out"
    assert (
        unet_module_to_ldm(sd15, "up_blocks.3.resnets.2.conv_shortcut")
        == "output_blocks.11.0.skip_connection"
    )
    assert unet_module_to_ldm(sd15, "up_blocks.0.upsamplers.0.conv") == "output_blocks.2.1.conv"
    assert unet_module_to_ldm(sd15, "up_blocks.1.upsamplers.0.conv") == "output_blocks.5.2.conv"
    sdxl = real_unet(**SDXL_CONFIG).config
    assert (
        unet_module_to_ldm(sdxl, "down_blocks.1.attentions.0.transformer_blocks.1.attn1.to_q")
        == "input_blocks.4.1.transformer_blocks.1.attn1.to_q"
    )
    assert unet_module_to_ldm(sdxl, "mid_block.attentions.0.proj_in") == "middle_block.1.proj_in"
    assert (
        unet_module_to_ldm(sdxl, "down_blocks.0.resnets.1.time_emb_proj") == "input_blocks.2.0.emb_layers.1"
    )
    with pytest.raises(ValueError, match="no original-layout name"):
        unet_module_to_ldm(sdxl, "down_blocks.9.resnets.0.conv1")


def test_full_size_vae_names_match_what_diffusers_reads():
    from diffusers import AutoencoderKL
    from diffusers.loaders.single_file_utils import convert_ldm_vae_checkpoint

    from trainer.models.singlefile import vae_key_map

    with torch.device("meta"):
        vae = AutoencoderKL(
            down_block_types=("DownEncoderBlock2D",) * 4,
            up_block_types=("UpDecoderBlock2D",) * 4,
            block_out_channels=(128, 256, 512, 512),
            layers_per_block=2,
        )
    state = vae.state_dict()
    mapping = vae_key_map(vae.config, list(state))
    assert mapping["decoder.up_blocks.0.resnets.0.conv1.weight"] == "decoder.up.3.block.0.conv1.weight"
    assert (
        mapping["encoder.down_blocks.1.resnets.0.conv_shortcut.weight"]
        == "encoder.down.1.block.0.nin_shortcut.weight"
    )
    assert mapping["encoder.mid_block.attentions.0.to_q.weight"] == "encoder.mid.attn_1.q.weight"
    ldm = {f"first_stage_model.{new}": state[old] for old, new in mapping.items()}
    assert set(convert_ldm_vae_checkpoint(ldm, dict(vae.config))) == set(state)
