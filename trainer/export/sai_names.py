"""Diffusers SDXL UNet module paths → Stability AI (SGM/LDM) block names, as kohya names SDXL LoRAs.

sd-scripts trains SDXL on the original Stability AI UNet, so SDXL LoRA keys name its blocks:
`input_blocks.N.K`, `middle_block.K`, `output_blocks.N.K` (K = 0 the resnet, 1 the attention,
2 an upsampler after an attention). AUTOMATIC1111, Forge and ComfyUI expect exactly these names for
SDXL. Diffusers numbers the same layers `down_blocks.i.resnets.j` etc.; the index arithmetic follows
from the UNet's layout:

- input block 0 is conv_in; down block i, layer j is input block 1 + Σ_{b<i}(layers_b + 1) + j, and its
  downsampler is the block after its last layer (`.0.op`);
- the mid block is middle_block.0 (resnet), .1 (attention), .2 (resnet);
- up block i has layers_i + 1 layers; layer j is output block Σ_{b<i}(layers_b + 1) + j, and the
  upsampler sits in its last layer after the resnet and, where the block has one, the attention.

Inside a resnet the names differ too (conv1 → in_layers.2, ...); inside a transformer they do not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trainer.export.common import ExportError

#: Diffusers ResnetBlock2D child → the SGM ResBlock child.
RESNET_NAMES = {
    "norm1": "in_layers.0",
    "conv1": "in_layers.2",
    "time_emb_proj": "emb_layers.1",
    "norm2": "out_layers.0",
    "conv2": "out_layers.3",
    "conv_shortcut": "skip_connection",
}

#: Modules outside the blocks.
TOP_LEVEL_NAMES = {
    "conv_in": "input_blocks.0.0",
    "time_embedding.linear_1": "time_embed.0",
    "time_embedding.linear_2": "time_embed.2",
    "add_embedding.linear_1": "label_emb.0.0",
    "add_embedding.linear_2": "label_emb.0.2",
    "conv_norm_out": "out.0",
    "conv_out": "out.2",
}

_BLOCK = re.compile(
    r"^(down_blocks|up_blocks)\.(\d+)\.(resnets|attentions|downsamplers|upsamplers)\.(\d+)(?:\.(.+))?$"
)
_MID = re.compile(r"^mid_block\.(resnets|attentions)\.(\d+)(?:\.(.+))?$")


@dataclass(frozen=True)
class UNetLayout:
    """How many resnet layers each down block has, and which up blocks have attentions."""

    layers_per_block: tuple[int, ...]
    up_has_attention: tuple[bool, ...]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> UNetLayout:
        """From a diffusers UNet2DConditionModel config (`unet.config`)."""
        down_types = list(config.get("down_block_types") or ())
        up_types = list(config.get("up_block_types") or ())
        lpb = config.get("layers_per_block", 2)
        layers = tuple(int(n) for n in lpb) if isinstance(lpb, Sequence) else (int(lpb),) * len(down_types)
        if not down_types or len(layers) != len(down_types) or len(up_types) != len(down_types):
            raise ExportError(
                "the UNet config needs down_block_types, up_block_types and layers_per_block of the same length"
            )
        return cls(layers, tuple("CrossAttn" in t for t in up_types))

    def input_index(self, block: int, layer: int) -> int:
        return 1 + sum(n + 1 for n in self.layers_per_block[:block]) + layer

    def up_layers(self, block: int) -> int:
        # Up blocks mirror the down blocks in reverse, with one extra layer each.
        return tuple(reversed(self.layers_per_block))[block] + 1

    def output_index(self, block: int, layer: int) -> int:
        return sum(self.up_layers(b) for b in range(block)) + layer


#: The SDXL base UNet: DownBlock2D, CrossAttnDownBlock2D ×2; two resnets per block.
SDXL_LAYOUT = UNetLayout(layers_per_block=(2, 2, 2), up_has_attention=(True, True, False))


def to_sai_path(path: str, layout: UNetLayout = SDXL_LAYOUT) -> str:
    """`down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q` → `input_blocks.4.1.transformer_blocks.0.attn1.to_q`."""
    for prefix, sai in TOP_LEVEL_NAMES.items():
        if path == prefix:
            return sai
    if m := _BLOCK.match(path):
        return _block_path(path, m, layout)
    if m := _MID.match(path):
        kind, index, rest = m.group(1), int(m.group(2)), m.group(3)
        if kind == "attentions":
            return _join(f"middle_block.{2 * index + 1}", rest)
        return _join(f"middle_block.{2 * index}", _resnet_child(path, rest))
    raise ExportError(f"UNet module {path!r} has no Stability AI (SDXL) name; kohya cannot name it")


def _block_path(path: str, m: re.Match[str], layout: UNetLayout) -> str:
    side, block, kind, index, rest = m.group(1), int(m.group(2)), m.group(3), int(m.group(4)), m.group(5)
    nblocks = len(layout.layers_per_block)
    if block >= nblocks:
        raise ExportError(
            f"UNet module {path!r}: the UNet layout has only {nblocks} blocks per side; "
            "pass the UNet's config (unet_config=unet.config) so the SDXL block numbers are right"
        )
    if side == "down_blocks":
        if kind == "downsamplers":
            return _join(
                f"input_blocks.{layout.input_index(block, layout.layers_per_block[block])}.0.op",
                _conv(path, rest),
            )
        if kind == "upsamplers":
            raise ExportError(f"UNet module {path!r}: down blocks have no upsamplers")
        number = layout.input_index(block, index)
        return _prefixed(f"input_blocks.{number}", kind, path, rest)
    if kind == "downsamplers":
        raise ExportError(f"UNet module {path!r}: up blocks have no downsamplers")
    if kind == "upsamplers":
        last = layout.output_index(block, layout.up_layers(block) - 1)
        slot = 2 if layout.up_has_attention[block] else 1
        return _join(f"output_blocks.{last}.{slot}.conv", _conv(path, rest))
    return _prefixed(f"output_blocks.{layout.output_index(block, index)}", kind, path, rest)


def _prefixed(block: str, kind: str, path: str, rest: str | None) -> str:
    if kind == "attentions":
        return _join(f"{block}.1", rest)
    return _join(f"{block}.0", _resnet_child(path, rest))


def _resnet_child(path: str, rest: str | None) -> str:
    if rest not in RESNET_NAMES:
        raise ExportError(f"UNet module {path!r}: unknown resnet layer {rest!r}")
    return RESNET_NAMES[rest]


def _conv(path: str, rest: str | None) -> None:
    # Diffusers' Downsample2D/Upsample2D keep their conv as `.conv`; SGM names the module itself.
    if rest != "conv":
        raise ExportError(f"UNet module {path!r}: unknown sampler layer {rest!r}")


def _join(head: str, rest: str | None) -> str:
    return f"{head}.{rest}" if rest else head
