"""The network types (`network_type`): LoRA, LyCORIS LoHa / LoKr and DoRA, all built with PEFT.

| network_type | PEFT config | trained tensors per layer | in the file (trainer.export.lycoris) |
|---|---|---|---|
| lora | LoraConfig | lora_A, lora_B | lora_down / lora_up / alpha (networks.lora) |
| dora | LoraConfig(use_dora=True) | lora_A, lora_B, lora_magnitude_vector | + dora_scale (lycoris.kohya) |
| loha | LoHaConfig | hada_w1_a/b, hada_w2_a/b | the same names (lycoris.kohya, algo=loha) |
| lokr | LoKrConfig | lokr_w1 (or _a/_b), lokr_w2 (or _a/_b) | the same names (lycoris.kohya, algo=lokr) |

`target_modules` picks the layers for every type; 3x3 convs (LoCon) get conv_dim / conv_alpha through
PEFT's rank_pattern / alpha_pattern. Each layer's update is scaled by alpha / rank, as in LyCORIS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from torch import nn

NETWORK_TYPES = ("lora", "loha", "lokr", "dora")
#: Names of trainable adapter parameters (PEFT: lora_A/B, lora_magnitude_vector, hada_*, lokr_*).
ADAPTER_PARAM = re.compile(r"\.(lora_|hada_|lokr_)")
#: LyCORIS' default LoKr factor: -1 splits each dimension as evenly as it can.
LOKR_FACTOR = -1


def is_adapter_param(name: str) -> bool:
    return ADAPTER_PARAM.search(name) is not None


#: The factor each network's update is linear in: scaling it by s scales the update by s.
_STRENGTH_FACTORS = (".lora_B.weight", ".hada_w1_a", ".lokr_w1", ".lokr_w1_a")


def is_strength_factor(key: str) -> bool:
    """Whether a state-dict key (adapter name stripped) is the factor a strength multiplies."""
    return key.endswith(_STRENGTH_FACTORS)


def peft_config(
    network_type: str,
    modules: Iterable[str],
    conv3x3: Iterable[str],
    *,
    rank: int,
    alpha: float,
    conv_rank: int,
    conv_alpha: float,
) -> Any:  # a peft PeftConfig (peft is imported lazily)
    """The PEFT config of one network type; B (LoRA/DoRA) or one factor (LoHa/LoKr) starts at zero."""
    from peft import LoHaConfig, LoKrConfig, LoraConfig

    # Exact names (escaped) so that PEFT's suffix/regex matching cannot catch any other layer.
    conv3x3 = list(conv3x3)
    rank_pattern = {re.escape(n): conv_rank for n in conv3x3}
    alpha_pattern = {re.escape(n): conv_alpha for n in conv3x3}
    common = {"r": rank, "target_modules": list(modules), "rank_pattern": rank_pattern}
    if network_type in ("lora", "dora"):
        return LoraConfig(
            **common,
            lora_alpha=alpha,
            alpha_pattern=alpha_pattern,
            init_lora_weights=True,
            lora_dropout=0.0,
            use_dora=network_type == "dora",
        )
    if network_type == "loha":
        return LoHaConfig(**common, alpha=alpha, alpha_pattern=alpha_pattern, init_weights=True)
    if network_type == "lokr":
        return LoKrConfig(
            **common,
            alpha=alpha,
            alpha_pattern=alpha_pattern,
            init_weights=True,
            decompose_factor=LOKR_FACTOR,
        )
    raise ValueError(f"unknown network_type {network_type!r}; expected one of {', '.join(NETWORK_TYPES)}")


def adapter_scales(model: nn.Module, adapter: str = "default") -> dict[str, tuple[float, int]]:
    """Module path → (alpha, rank) of its adapter (network_* or conv_* for 3x3 convs)."""
    from peft.tuners.tuners_utils import BaseTunerLayer

    out: dict[str, tuple[float, int]] = {}
    for name, module in model.named_modules():
        ranks = getattr(module, "r", None)
        if not isinstance(module, BaseTunerLayer) or not isinstance(ranks, dict) or adapter not in ranks:
            continue
        alphas = getattr(module, "lora_alpha", None) or getattr(module, "alpha", {})
        out[name] = (float(alphas[adapter]), int(ranks[adapter]))
    return out
