"""Every key and alpha of the kohya file follows sd-scripts' scheme.

The expected names are derived here from the models' own modules by rules written independently of
trainer.export: SD1.x/SD2.x UNets keep the diffusers path, SDXL UNets get Stability AI block numbers
counted by walking the blocks, text encoders are named from the classic `text_model.` tree.
"""

from __future__ import annotations

import pytest
import torch
from diffusers import UNet2DConditionModel
from export_helpers import ALPHA, CONV_ALPHA, CONV_RANK, RANK, inject_lora, load_pipe, text_encoders
from peft.tuners.lora import LoraLayer

from trainer.export.kohya import kohya_module_name, read_kohya_lora, save_kohya_lora

# The resnet children of Stability AI's ResBlock (sgm/modules/diffusionmodules/openaimodel.py).
SGM_RESNET = {
    "conv1": "in_layers_2",
    "conv2": "out_layers_3",
    "time_emb_proj": "emb_layers_1",
    "conv_shortcut": "skip_connection",
}


def sgm_block_table(unet: UNet2DConditionModel) -> dict[str, str]:
    """diffusers block path → SGM block path, counted block by block as the original UNet is built."""
    lpb = unet.config.layers_per_block
    table: dict[str, str] = {}
    number = 1  # input_blocks.0 is conv_in
    for i, block in enumerate(unet.down_blocks):
        for j in range(lpb):
            table[f"down_blocks.{i}.resnets.{j}"] = f"input_blocks.{number}.0"
            table[f"down_blocks.{i}.attentions.{j}"] = f"input_blocks.{number}.1"
            number += 1
        if block.downsamplers is not None:
            table[f"down_blocks.{i}.downsamplers.0.conv"] = f"input_blocks.{number}.0.op"
            number += 1
    table |= {
        "mid_block.resnets.0": "middle_block.0",
        "mid_block.attentions.0": "middle_block.1",
        "mid_block.resnets.1": "middle_block.2",
    }
    number = 0
    for i, block in enumerate(unet.up_blocks):
        attention = getattr(block, "attentions", None) is not None
        for j in range(lpb + 1):
            table[f"up_blocks.{i}.resnets.{j}"] = f"output_blocks.{number}.0"
            table[f"up_blocks.{i}.attentions.{j}"] = f"output_blocks.{number}.1"
            number += 1
        if block.upsamplers is not None:
            table[f"up_blocks.{i}.upsamplers.0.conv"] = (
                f"output_blocks.{number - 1}.{2 if attention else 1}.conv"
            )
    return table


def expected_unet_name(path: str, arch: str, table: dict[str, str]) -> str:
    if arch != "sdxl":
        return "lora_unet_" + path.replace(".", "_")
    for block in sorted(table, key=len, reverse=True):
        if path == block or path.startswith(block + "."):
            rest = path[len(block) + 1 :]
            if ".resnets." in block:
                rest = SGM_RESNET[rest]
            return "_".join(p for p in ("lora_unet", table[block], rest) if p).replace(".", "_")
    raise AssertionError(f"no SGM block for {path}")


def expected_modules(pipe, arch: str) -> dict[str, torch.nn.Module]:
    """kohya name → the PEFT LoRA layer it must hold, for every adapted module of the pipeline."""
    table = sgm_block_table(pipe.unet)
    out = {}
    for name, module in pipe.unet.named_modules():
        if isinstance(module, LoraLayer):
            out[expected_unet_name(name, arch, table)] = module
    for component, encoder in text_encoders(pipe).items():
        prefix = {"te1": "lora_te1", "te2": "lora_te2"}[component] if arch == "sdxl" else "lora_te"
        for name, module in encoder.named_modules():
            if isinstance(module, LoraLayer):
                classic = name if name.startswith("text_model.") else "text_model." + name
                out[f"{prefix}_{classic.replace('.', '_')}"] = module
    return out


@pytest.mark.parametrize(
    ("arch", "target"),
    [("sd15", "attn"), ("sd15", "locon"), ("sd2", "attn_mlp"), ("sdxl", "attn"), ("sdxl", "locon")],
)
def test_keys_tensors_and_alphas_follow_kohya(tiny_models, tmp_path, arch, target):
    lp = inject_lora(load_pipe(tiny_models[arch]), arch, target)
    path = save_kohya_lora(
        tmp_path / "lora.safetensors",
        lp.lora_state,
        arch,
        ALPHA,
        CONV_ALPHA,
        {},
        torch.float32,
        lp.pipe.unet.config,
    )
    tensors, _ = read_kohya_lora(path)
    expected = expected_modules(lp.pipe, arch)

    parts = {".lora_down.weight", ".lora_up.weight", ".alpha"}
    assert all(any(k.endswith(p) for p in parts) for k in tensors)
    names = {k.rsplit(".lora_", 1)[0].removesuffix(".alpha") for k in tensors}
    assert names == set(expected)
    assert len(tensors) == 3 * len(expected)
    for name, layer in expected.items():
        base = layer.get_base_layer()
        conv3x3 = isinstance(base, torch.nn.Conv2d) and base.kernel_size != (1, 1)
        assert torch.equal(tensors[f"{name}.lora_down.weight"], layer.lora_A["default"].weight)
        assert torch.equal(tensors[f"{name}.lora_up.weight"], layer.lora_B["default"].weight)
        alpha = tensors[f"{name}.alpha"]
        assert alpha.dim() == 0
        # The configured alpha, never the rank (diffusers' own converter writes the rank).
        assert alpha.item() == (CONV_ALPHA if conv3x3 else ALPHA), name
        assert tensors[f"{name}.lora_down.weight"].shape[0] == (CONV_RANK if conv3x3 else RANK)
    if arch == "sdxl":
        assert "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q" in names
        assert "lora_unet_middle_block_1_transformer_blocks_0_attn2_to_k" in names
        assert "lora_unet_output_blocks_0_1_transformer_blocks_1_attn1_to_out_0" in names
        assert "lora_te1_text_model_encoder_layers_0_self_attn_q_proj" in names
        assert "lora_te2_text_model_encoder_layers_2_self_attn_out_proj" in names
        if target == "locon":
            assert {
                "lora_unet_input_blocks_3_0_op",
                "lora_unet_output_blocks_2_2_conv",
                "lora_unet_input_blocks_1_0_in_layers_2",
            } <= names
    else:
        assert "lora_te_text_model_encoder_layers_0_self_attn_q_proj" in names
        assert not any(n.startswith(("lora_te1_", "lora_te2_")) for n in names)


def test_default_dtype_is_fp16_with_alpha_in_it(tmp_path):
    from export_helpers import fake_lora_state

    path = save_kohya_lora(tmp_path / "a.safetensors", fake_lora_state("sd15"), "sd15", 16.0, 8.0, {})
    tensors, _ = read_kohya_lora(path)
    assert {t.dtype for t in tensors.values()} == {torch.float16}
    assert path.stat().st_mode & 0o777 == 0o644  # readable by the file server / WebUI, like any saved file
    assert tensors["lora_unet_mid_block_resnets_0_conv1.alpha"].item() == 8.0
    assert (
        tensors["lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q.alpha"].item() == 16.0
    )


def _transformer_linear_paths(unet: UNet2DConditionModel) -> list[str]:
    """What sd-scripts' default LoRA adapts: every Linear / 1x1 Conv2d inside a Transformer2DModel."""
    paths = []
    for name, module in unet.named_modules():
        if type(module).__name__ == "Transformer2DModel":
            for child, sub in module.named_modules():
                if isinstance(sub, torch.nn.Linear | torch.nn.Conv2d) and child:
                    paths.append(f"{name}.{child}")
    return paths


def test_full_size_sdxl_unet_names_match_real_kohya_files():
    """Full SDXL UNet shape (on the meta device, no weights): 722 modules, names as real SDXL LoRAs carry."""
    with torch.device("meta"):
        unet = UNet2DConditionModel(
            block_out_channels=(320, 640, 1280),
            layers_per_block=2,
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
            transformer_layers_per_block=(1, 2, 10),
            attention_head_dim=(5, 10, 20),
            cross_attention_dim=2048,
            use_linear_projection=True,
            addition_embed_type="text_time",
            addition_time_embed_dim=256,
            projection_class_embeddings_input_dim=2816,
        )
    names = {kohya_module_name("unet", p, "sdxl") for p in _transformer_linear_paths(unet)}
    assert len(names) == 722
    assert {
        "lora_unet_input_blocks_4_1_proj_in",
        "lora_unet_input_blocks_8_1_transformer_blocks_9_attn2_to_k",
        "lora_unet_middle_block_1_transformer_blocks_9_ff_net_2",
        "lora_unet_output_blocks_0_1_transformer_blocks_9_attn1_to_out_0",
        "lora_unet_output_blocks_5_1_transformer_blocks_1_ff_net_0_proj",
    } <= names
    assert not any(n.startswith("lora_unet_output_blocks_6_1") for n in names)


def test_full_size_sd15_unet_names():
    with torch.device("meta"):
        unet = UNet2DConditionModel(cross_attention_dim=768, attention_head_dim=8)
    names = {kohya_module_name("unet", p, "sd15") for p in _transformer_linear_paths(unet)}
    assert len(names) == 192
    assert "lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_attn2_to_v" in names
    assert "lora_unet_mid_block_attentions_0_proj_out" in names
