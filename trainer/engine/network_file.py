"""A kohya LoRA file to continue from (`network_weights`), checked from its header, without torch.

The queue and the bot check a member's file before anything is queued; `network_weights.py` (the
training side) loads it into the adapters. What is checked: a `.safetensors` file (pickled `.pt` /
`.ckpt` / `.bin` files can run code when opened and are refused, also when renamed), kohya LoRA keys
(`lora_down` / `lora_up` / `alpha`; LyCORIS and DoRA files are refused), made for the base model's
family (its `ss_base_model_version` and key names, from config/arch.py). The network's shape is read
from the file, as sd-scripts' `--dim_from_weights` does, and replaces the config's: `network_dim` /
`network_alpha`, `conv_dim` / `conv_alpha`, `target_modules` (the smallest loracord set that holds
every layer of the file) and `train_text_encoder` (the file has text-encoder layers).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.arch import ARCH_NAMES, arch_spec
from config.training import TrainConfig
from trainer.engine.errors import TrainingError

log = logging.getLogger(__name__)

FIELD = "network_weights"
PICKLE_SUFFIXES = (".pt", ".pth", ".ckpt", ".bin", ".pkl")
#: Key fragments that put a layer outside a narrower target set (kohya names, both UNet schemes).
_MLP_MARKS = ("_ff_net_", "_proj_in", "_proj_out", "_mlp_fc")
_CONV_MARKS = (
    "_resnets_",
    "_in_layers_",
    "_out_layers_",
    "_emb_layers_",
    "_skip_connection",
    "samplers_",
    "_op",
)
#: kohya U-Net names in Stability AI's block scheme (families with `sai_unet_names`).
_SAI_UNET_MARKS = ("lora_unet_input_blocks_", "lora_unet_output_blocks_", "lora_unet_middle_block_")


@dataclass(frozen=True)
class FileNetwork:
    """What a kohya LoRA file says about its network."""

    archs: tuple[str, ...]  # the families the file's names and metadata allow (config/arch.py names)
    rank: int
    alpha: float
    conv_dim: int | None
    conv_alpha: float | None
    target_modules: str
    train_text_encoder: bool


def _refuse(message: str) -> TrainingError:
    return TrainingError("config", message, FIELD)


def _open(path: Path) -> tuple[dict[str, list[int]], dict[str, str], dict[str, float]]:
    """(shape per key, metadata, alpha per module), read with the torch-free reader."""
    from trainer.export.errors import ExportError
    from trainer.export.reader import _read_array, read_header

    with path.open("rb") as fh:
        magic = fh.read(9)
    # A .safetensors file opens with its header's length (8 bytes, little-endian) and then "{"; the
    # length's first byte may be anything, 0x80 included, so only a file without that shape is tested
    # for a zip (torch.save) or a raw pickle (protocol 2+ opens with 0x80).
    is_safetensors = len(magic) == 9 and magic[8:9] == b"{"
    if not is_safetensors and (magic[:2] == b"PK" or magic[:1] == b"\x80"):
        raise _refuse(
            f"{path.name} is a pickled PyTorch file renamed .safetensors; convert it to a real .safetensors file"
        )
    try:
        header, metadata, data_start = read_header(path)
        shapes = {k: list(v.get("shape", [])) for k, v in header.items()}
        alphas: dict[str, float] = {}
        with path.open("rb") as fh:
            for key, entry in header.items():
                if key.endswith(".alpha"):
                    value = _read_array(fh, entry, data_start)
                    if value is not None and value.size == 1:
                        alphas[key[: -len(".alpha")]] = float(value.reshape(-1)[0])
    except (ExportError, OSError, ValueError, KeyError) as exc:
        raise _refuse(f"{path.name} is not a readable .safetensors file ({exc}); download it again") from exc
    return shapes, metadata, alphas


def inspect_network_weights(value: str) -> FileNetwork:
    """Check the file and read its network's shape; TrainingError naming network_weights otherwise."""
    path = Path(value).expanduser()
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise _refuse(
            f"{path.name} is a pickled file ({path.suffix}), which can run code when opened; "
            "give the LoRA as .safetensors (kohya, A1111 and ComfyUI all save that)"
        )
    if not path.is_file():
        raise _refuse(f"{path} does not exist or is not a file; give the path of a .safetensors LoRA")
    shapes, metadata, alphas = _open(path)
    modules: dict[str, dict[str, list[int]]] = {}
    for key, shape in shapes.items():
        module, _, part = key.partition(".")
        modules.setdefault(module, {})[part] = shape
    other = sorted(
        {p for parts in modules.values() for p in parts} - {"lora_down.weight", "lora_up.weight", "alpha"}
    )
    if other or not modules:
        kind = "LyCORIS/DoRA" if any(p.startswith(("hada_", "lokr_", "dora_")) for p in other) else "unknown"
        raise _refuse(
            f"{path.name} is not a plain kohya LoRA (it has {kind} keys such as {other[:2]}); "
            "only LoRA files can be continued"
        )
    return _describe(path, modules, metadata, alphas)


def _describe(path: Path, modules: dict, metadata: dict[str, str], alphas: dict[str, float]) -> FileNetwork:
    linear: Counter[tuple[int, float]] = Counter()
    conv: Counter[tuple[int, float]] = Counter()
    for name, parts in modules.items():
        down = parts.get("lora_down.weight")
        if down is None or "lora_up.weight" not in parts:
            raise _refuse(f"{path.name}: module {name} lacks lora_down or lora_up; the file is damaged")
        bucket = conv if len(down) == 4 and down[2:] != [1, 1] else linear
        bucket[(down[0], alphas.get(name, float(down[0])))] += 1
    if not linear:
        raise _refuse(f"{path.name} has no linear layers; not a LoRA loracord can continue")
    names = list(modules)
    target = (
        "locon"
        if conv or any(m in n for n in names for m in _CONV_MARKS if n.startswith("lora_unet_"))
        else ("attn_mlp" if any(m in n for n in names for m in _MLP_MARKS) else "attn")
    )
    (rank, alpha), _ = linear.most_common(1)[0]
    (conv_dim, conv_alpha) = conv.most_common(1)[0][0] if conv else (None, None)
    return FileNetwork(
        archs=_file_archs(metadata, names),
        rank=int(rank),
        alpha=float(alpha),
        conv_dim=conv_dim,
        conv_alpha=conv_alpha,
        target_modules=target,
        train_text_encoder=any(n.startswith("lora_te") for n in names),
    )


def _file_archs(metadata: dict[str, str], names: list[str]) -> tuple[str, ...]:
    """Families whose kohya names fit the file: text-encoder prefixes and U-Net naming scheme from the
    architecture table, narrowed by `ss_base_model_version` when the file has it (SD 1.x and 2.x
    files share their names; the shapes tell them apart once the model is loaded)."""
    te_prefixes = {n.split("_text_model_")[0] for n in names if n.startswith("lora_te")}
    sai_names = any(n.startswith(_SAI_UNET_MARKS) for n in names)
    unet = any(n.startswith("lora_unet_") for n in names)
    version = metadata.get("ss_base_model_version", "")
    out = []
    for name in ARCH_NAMES:
        spec = arch_spec(name)
        if not te_prefixes <= set(spec.lora_te_prefixes) or (unet and sai_names != spec.sai_unet_names):
            continue
        if version and not version.startswith(spec.base_model_version):
            continue
        out.append(name)
    return tuple(out)


def resolve_network_weights(cfg: TrainConfig, arch: str) -> TrainConfig:
    """The config with the file's network shape, after checking the file is for an `arch` model."""
    if not cfg.network_weights:
        return cfg
    if cfg.network_type != "lora":
        raise _refuse(f"continuing is for LoRA files; set network_type = 'lora' (it is {cfg.network_type!r})")
    found = inspect_network_weights(cfg.network_weights)
    if arch not in found.archs:
        family = " or ".join(found.archs) or "no family loracord knows"
        raise _refuse(
            f"{Path(cfg.network_weights).name} is a LoRA for {family} but the base model is {arch}; "
            "continue it on a base model of its family, or start a new LoRA (leave network_weights empty)"
        )
    changes: dict[str, Any] = {
        "network_dim": found.rank,
        "network_alpha": found.alpha,
        "target_modules": found.target_modules,
        "train_text_encoder": found.train_text_encoder,
    }
    if found.conv_dim is not None:
        changes.update(conv_dim=found.conv_dim, conv_alpha=found.conv_alpha)
    differs = {k: v for k, v in changes.items() if getattr(cfg, k) != v}
    if differs:
        log.info("network_weights: the file's network replaces the config's: %s", differs)
    return cfg.replace(**changes)
