"""What every LoRA writer shares: reading PEFT state dicts, checking them, and writing files atomically.

The training engine hands over, per component ("unet", "te1", "te2"), the state dict that
`peft.utils.get_peft_model_state_dict(model)` returns: `<module path>.lora_A.weight` and
`<module path>.lora_B.weight`. `collect_pairs` turns that into one `LoraPair` per adapted module and
refuses anything it cannot write faithfully (a missing half, mismatched ranks, NaN, DoRA vectors).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import save_file

from config.arch import ArchSpec, arch_spec
from trainer.export.errors import ExportError

#: `TrainConfig.save_precision` values and the dtypes they stand for.
SAVE_DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}

# Prefixes a PEFT-wrapped model (get_peft_model) puts in front of module paths.
_WRAPPER_PREFIXES = ("base_model.model.",)
_A_SUFFIX = ".lora_A.weight"
_B_SUFFIX = ".lora_B.weight"


@dataclass(frozen=True)
class LoraPair:
    """One adapted module: PEFT's lora_A (kohya's lora_down) and lora_B (kohya's lora_up)."""

    component: str
    path: str
    down: torch.Tensor
    up: torch.Tensor

    @property
    def rank(self) -> int:
        return int(self.down.shape[0])

    @property
    def is_conv3x3(self) -> bool:
        """A conv with a spatial kernel: kohya gives these conv_alpha (LoCon); 1x1 convs count as linear."""
        return self.down.dim() == 4 and tuple(self.down.shape[2:]) != (1, 1)


def check_arch(arch: str) -> ArchSpec:
    """The architecture's row of the table (config.arch); ExportError for an unknown name."""
    try:
        return arch_spec(arch)
    except ValueError as exc:
        raise ExportError(str(exc)) from None


def components(arch: str) -> tuple[str, ...]:
    """The model parts that can carry LoRA modules: "unet", "te1" (and "te2" with two text encoders)."""
    return ("unet", *(f"te{i + 1}" for i in range(len(check_arch(arch).text_encoders))))


def save_dtype(name: str) -> torch.dtype:
    """The dtype for a `save_precision` setting (fp16, bf16, fp32)."""
    try:
        return SAVE_DTYPES[name]
    except KeyError:
        raise ExportError(f"save_precision must be one of {', '.join(SAVE_DTYPES)}, got {name!r}") from None


def collect_pairs(lora_state: Mapping[str, Mapping[str, torch.Tensor]], arch: str) -> list[LoraPair]:
    """Check every component's PEFT state dict and pair up lora_A / lora_B per module."""
    allowed = components(arch)
    pairs: list[LoraPair] = []
    for component, state in lora_state.items():
        if component not in allowed:
            raise ExportError(
                f"component {component!r} does not exist in an {arch} model; expected {', '.join(allowed)}"
            )
        pairs.extend(_component_pairs(component, state))
    if not pairs:
        raise ExportError("the LoRA has no weights: no lora_A/lora_B tensors were given for any component")
    return pairs


def _component_pairs(component: str, state: Mapping[str, torch.Tensor]) -> list[LoraPair]:
    downs: dict[str, torch.Tensor] = {}
    ups: dict[str, torch.Tensor] = {}
    for key, tensor in state.items():
        name = _strip_wrapper(key)
        if name.endswith(_A_SUFFIX):
            downs[name[: -len(_A_SUFFIX)]] = tensor
        elif name.endswith(_B_SUFFIX):
            ups[name[: -len(_B_SUFFIX)]] = tensor
        else:
            # DoRA magnitudes, LoRA biases and the like have no place in a kohya LoRA file; dropping
            # them would change what the LoRA does, so refuse.
            raise ExportError(
                f"{component}: cannot export {key!r}: only plain LoRA weights (lora_A / lora_B) can be "
                "written in kohya format (train without DoRA / lora_bias)"
            )
    for path in sorted(downs.keys() ^ ups.keys()):
        half = "lora_B" if path in downs else "lora_A"
        raise ExportError(f"{component}: module {path!r} has no {half} weight; the state dict is incomplete")
    pairs = []
    for path in sorted(downs):
        down, up = downs[path], ups[path]
        _check_pair(component, path, down, up)
        pairs.append(LoraPair(component, path, down, up))
    return pairs


def _check_pair(component: str, path: str, down: torch.Tensor, up: torch.Tensor) -> None:
    where = f"{component} module {path!r}"
    if not isinstance(down, torch.Tensor) or not isinstance(up, torch.Tensor):
        raise ExportError(f"{where}: lora_A and lora_B must be torch tensors")
    if down.dim() not in (2, 4) or up.dim() != down.dim():
        raise ExportError(
            f"{where}: expected 2-D (linear) or 4-D (conv) weights, got lora_A {tuple(down.shape)} "
            f"and lora_B {tuple(up.shape)}"
        )
    if up.shape[1] != down.shape[0] or down.shape[0] == 0:
        raise ExportError(
            f"{where}: rank mismatch: lora_A has {down.shape[0]} rows but lora_B has {up.shape[1]} columns"
        )
    if not down.is_floating_point() or not up.is_floating_point():
        raise ExportError(f"{where}: weights must be floating point, got {down.dtype} / {up.dtype}")
    for half, tensor in (("lora_A", down), ("lora_B", up)):
        if not bool(torch.isfinite(tensor).all()):
            raise ExportError(
                f"{where}: {half} contains NaN or infinite values; the training diverged "
                "(lower the learning rate, or use bf16 / an fp32 VAE instead of fp16)"
            )


def _strip_wrapper(key: str) -> str:
    for prefix in _WRAPPER_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def check_metadata(metadata: Mapping[str, str]) -> None:
    """safetensors stores only string → string metadata; say which entry is not."""
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ExportError(
                f"metadata {key!r}: keys and values must be strings, got {type(value).__name__} {value!r}"
            )


def atomic_save(tensors: dict[str, torch.Tensor], path: Path, metadata: dict[str, str]) -> Path:
    """Write a .safetensors file through a temporary file in the same folder and a rename.

    Readers never see half a file, and a failed write (full disk, bad tensor) leaves nothing behind.
    """
    path = Path(path)
    check_metadata(metadata)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    renamed = False
    try:
        save_file(tensors, str(tmp), metadata=metadata)
        # mkstemp's file is 0600; a LoRA is meant to be shared (file server, WebUI folders).
        os.chmod(tmp, 0o644)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        renamed = True
    except (OSError, SafetensorError, ValueError, TypeError) as exc:
        raise ExportError(
            f"could not save {path}: {exc}; nothing was written (check free disk space)"
        ) from exc
    finally:
        # Also on KeyboardInterrupt: a partial file must never stay behind.
        if not renamed:
            tmp.unlink(missing_ok=True)
    return path
