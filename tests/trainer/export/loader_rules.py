"""How AUTOMATIC1111/Forge and ComfyUI read a LoRA / LyCORIS file, written down independently of
trainer.export from reading their loaders (A1111 extensions-builtin/Lora/network*.py, ComfyUI
comfy/lora.py and comfy/weight_adapter/*.py):

- a key is `MODULE.PART`; MODULE must name a layer of the model, PART must be one the adapter type
  found for MODULE consumes (other keys are reported as "not loaded" by ComfyUI and ignored by A1111);
- A1111 picks the type by which parts are present (lora_up+lora_down, the four hada_*, lokr_w1 or
  lokr_w1_a+_b together with lokr_w2 or lokr_w2_a+_b); ComfyUI tries the same families;
- the update: LoRA up·down, LoHa (w1a·w1b)⊙(w2a·w2b), LoKr kron(w1, w2) (w1 gets two trailing unit
  dims for 4-D w2), reshaped to the weight, times alpha / dim where dim is the rank of the factor
  that was split (lora_down rows, hada_w1_b rows, lokr_w1_b / lokr_w2_b rows), else 1;
- DoRA (`dora_scale`), three flavours: LyCORIS (wd_on_out, the definition PEFT trains:
  W' = m·(W+ΔW)/‖W+ΔW‖ per output row), ComfyUI/Forge (same axis, but divides by the norm of the
  original W), A1111 (norms per input column, whatever the shape of dora_scale).
"""

from __future__ import annotations

import torch

_COMMON = {"alpha", "dora_scale", "scale", "bias"}
FAMILIES = {
    "lora": {"lora_up.weight", "lora_down.weight", "lora_mid.weight"} | _COMMON,
    "loha": {"hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b", "hada_t1", "hada_t2"} | _COMMON,
    "lokr": {"lokr_w1", "lokr_w1_a", "lokr_w1_b", "lokr_w2", "lokr_w2_a", "lokr_w2_b", "lokr_t2"} | _COMMON,
}


def family(parts: dict[str, torch.Tensor]) -> str | None:
    """The adapter type A1111 / ComfyUI choose for one module's parts (None: nothing accepts them)."""
    if {"lora_up.weight", "lora_down.weight"} <= parts.keys():
        return "lora"
    if {"hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b"} <= parts.keys():
        return "loha"
    has1 = "lokr_w1" in parts or {"lokr_w1_a", "lokr_w1_b"} <= parts.keys()
    has2 = "lokr_w2" in parts or {"lokr_w2_a", "lokr_w2_b"} <= parts.keys()
    return "lokr" if has1 and has2 else None


def group(tensors: dict[str, torch.Tensor]) -> dict[str, dict[str, torch.Tensor]]:
    """{module name: {part: tensor}}: the key split at its first dot, as both loaders split it."""
    out: dict[str, dict[str, torch.Tensor]] = {}
    for key, tensor in tensors.items():
        module, _, part = key.partition(".")
        out.setdefault(module, {})[part] = tensor
    return out


def unmapped_keys(tensors: dict[str, torch.Tensor], known_modules: set[str]) -> list[str]:
    """Keys a loader would not apply: unknown module, no adapter type, or a part the type ignores."""
    bad = []
    for module, parts in group(tensors).items():
        kind = family(parts)
        for part in parts:
            if module not in known_modules or kind is None or part not in FAMILIES[kind]:
                bad.append(f"{module}.{part}")
    return bad


def loader_delta(parts: dict[str, torch.Tensor], weight: torch.Tensor, dora: str = "lycoris") -> torch.Tensor:
    """W' − W that the loaders apply at strength 1 to the layer weight `weight`."""
    parts = {k: v.double() for k, v in parts.items()}
    weight = weight.double()
    kind = family(parts)
    dim = None
    if kind == "lora":
        down = parts["lora_down.weight"]
        dim = down.shape[0]
        delta = parts["lora_up.weight"].flatten(1) @ down.flatten(1)
    elif kind == "loha":
        dim = parts["hada_w1_b"].shape[0]
        delta = (parts["hada_w1_a"] @ parts["hada_w1_b"]) * (parts["hada_w2_a"] @ parts["hada_w2_b"])
    elif kind == "lokr":
        factors = []
        for side in ("w1", "w2"):
            if f"lokr_{side}" in parts:
                factors.append(parts[f"lokr_{side}"])
            else:
                dim = parts[f"lokr_{side}_b"].shape[0]
                factors.append(parts[f"lokr_{side}_a"] @ parts[f"lokr_{side}_b"])
        w1, w2 = factors
        if w2.dim() == 4:
            w1 = w1[:, :, None, None]
        delta = torch.kron(w1, w2)
    else:
        raise AssertionError(f"no adapter type accepts {sorted(parts)}")
    alpha = parts.get("alpha")
    scale = float(alpha) / dim if alpha is not None and dim else 1.0
    delta = delta.reshape(weight.shape) * scale
    if "dora_scale" in parts:
        delta = _dora(parts["dora_scale"], weight, delta, dora)
    return delta


def _dora(m: torch.Tensor, weight: torch.Tensor, delta: torch.Tensor, flavour: str) -> torch.Tensor:
    merged = weight + delta
    rows = weight.shape[0]
    if flavour == "a1111":
        cols = merged.transpose(0, 1).reshape(merged.shape[1], -1).norm(dim=1)
        norm = cols.reshape(1, -1, *([1] * (weight.dim() - 2)))
    else:
        source = weight if flavour == "comfyui" else merged
        norm = source.reshape(rows, -1).norm(dim=1).reshape(rows, *([1] * (weight.dim() - 1)))
    return merged * (m / norm) - weight
