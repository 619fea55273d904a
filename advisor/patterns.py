"""How failures look in a log or in the engine's `error` events.

Each failure kind has the engine's own error kinds (docs/contracts.md) that mean it, and regular
expressions for the text that PyTorch, the OS, Pillow, diffusers or a UI print when it happens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE


@dataclass(frozen=True)
class FailurePattern:
    error_kinds: tuple[str, ...]
    regexes: tuple[re.Pattern[str], ...]


def _p(error_kinds: tuple[str, ...], *regexes: str, flags: int = _I) -> FailurePattern:
    return FailurePattern(error_kinds, tuple(re.compile(r, flags) for r in regexes))


FAILURES: dict[str, FailurePattern] = {
    "oom": _p(
        ("oom",),
        r"CUDA out of memory",
        r"OutOfMemoryError",
        r"CUBLAS_STATUS_ALLOC_FAILED",
        r"(HIP|MPS backend|XPU) out of memory",
        r"failed to allocate .{0,40}(GPU|device) memory",
        # How Korean users describe it ('CUDA 메모리 부족', 'VRAM이 부족').
        r"(CUDA|GPU|VRAM|그래픽)\s*(메모리)?\s*(가|이)?\s*부족",
    ),
    "nan": _p(
        ("nan",),
        r"\bloss\b[^\n]{0,40}\bnan\b",
        r"\bnan\b[^\n]{0,20}\bloss\b",
        r"non-finite (loss|gradient)",
        r"\bNaN detected\b(?!\s+in\s+latents)",
        r"\bloss (is|became) (nan|inf)\b",
        # a Korean particle glued to the word ("loss가 nan", "loss=NaN이고") leaves no \b
        r"(?<![a-z_])loss[가-힣][^\n]{0,20}(?<![a-z])nan(?![a-z])|(?<![a-z_])loss(?![a-z])[^\n]{0,20}(?<![a-z])nan[가-힣]",
    ),
    # NaN while caching latents (sd-scripts: "NaN detected in latents: <image>"): the VAE overflowing in
    # fp16, before any training step, so never the learning rate.
    "nan_latents": _p(
        (),
        r"\bNaN detected in latents\b",
        r"latents?[^\n]{0,50}\bnan\b",
        r"\bnan\b[^\n]{0,12}\bin (the )?latents?\b",
    ),
    "killed": _p(
        (),
        r"^\s*Killed\s*$",
        r"\bSIGKILL\b",
        r"\bsignal 9\b",
        r"exit (code|status)[ :=]+(-9|137)\b",
        r"return ?code[ :=]+(-9|137)\b",
        r"Out of memory: Killed process",
        r"oom[-_]kill",
        flags=_I | re.MULTILINE,
    ),
    "disk": _p(
        ("disk",),
        r"No space left on device",
        r"\bENOSPC\b",
        r"\[Errno 28\]",
        r"Disk quota exceeded",
        r"디스크\s*(공간|용량)?\s*(이|가)?\s*(부족|가득)",
    ),
    "model_missing": _p(
        (),
        r"is not a local folder and is not a valid model identifier",
        r"does not appear to have a file named",
        r"Repository Not Found",
        r"HFValidationError",
        r"(base|pretrained) model[^\n]{0,80}(not found|does not exist|missing)",
        r"(FileNotFoundError|No such file or directory)[^\n]{0,200}(\.safetensors|\.ckpt|model_index\.json|models?/)",
        r"pretrained_model[^\n]{0,40}(is empty|must be set|not found)",
    ),
    "model_arch": _p(
        (),
        r"size mismatch for",
        r"Error\(s\) in loading state_dict",
        r"mat1 and mat2 shapes cannot be multiplied",
        r"model_arch[^\n]{0,60}(does not match|mismatch|but the model is)",
        r"not an? (SDXL|SD ?1\.?5|SD ?2)",
    ),
    "model_generic": _p(("model",)),
    "data": _p(
        ("data",),
        r"cannot identify image file",
        r"UnidentifiedImageError",
        r"image file is truncated",
        r"DecompressionBombError",
        r"broken data stream",
        r"no (training )?images (were )?found",
        r"not a valid image",
    ),
    "captions": _p(
        (),
        r"caption files? [^\n]{0,60}(not found|missing)",
        r"missing captions?",
        # The engine's "N of M images have no caption file" means a wrong extension only when N == M
        # (the backreference); fewer is the captions.missing warning, read by Facts.missing_captions.
        r"\b(\d+) of \1 images have no caption file",
        r"(?<!images have )(?<!with )no caption",
        r"without (a )?caption",
        r"\b0 captions\b",
        r"captions? (were )?(not found|missing)",
        r"캡션\s*파일[^\n]{0,8}(없|못\s*찾)",
    ),
    "config": _p(
        ("config",),
        r"ConfigError",
        r"unknown setting",
        r"must be one of",
    ),
    "no_bf16": _p(
        (),
        r"no bf16 support",
        r"bf16[^\n]{0,60}(not supported|unsupported|requires)",
    ),
    "bitsandbytes": _p(
        (),
        r"No module named '?bitsandbytes",
        r"bitsandbytes[^\n]{0,120}(CUDA|GPU|not compiled|cannot|requires)",
        r"adamw8bit[^\n]{0,80}(needs|requires)[^\n]{0,40}(GPU|bitsandbytes)",
    ),
    "lora_not_loading": _p(
        (),
        r"lora key not loaded",
        r"no lora (keys|weights|layers)",
        r"lora[^\n]{0,60}(had no effect|has no effect|not applied|was not loaded)",
        r"unexpected keys?[^\n]{0,80}lora",
        r"skipping[^\n]{0,40}lora",
        # "로라가 전혀 안 먹어요", "로라 효과가 하나도 없어요" (the LoRA had no effect)
        r"(로라|lora)(가|는|도)?\s*(효과가?\s*)?(전혀|하나도|아예)\s*(없|안\s*(먹|적용))(?!은 (것|거))",
    ),
    "lora_wrong_base": _p(
        (),
        r"lora[^\n]{0,200}(size mismatch|shapes cannot be multiplied|shape mismatch)",
        r"(size mismatch|shapes cannot be multiplied|shape mismatch)[^\n]{0,200}lora",
        r"(sd ?1\.?5|sd15)[^\n]{0,40}lora[^\n]{0,40}(on|with) (an )?sdxl",
        r"로라[^\n]{0,200}(size mismatch|shapes cannot be multiplied|shape mismatch)",
        r"(sd ?1\.?5|sd15)\S{0,3}\s*로라[^\n]{0,30}sdxl\s*(체크포인트|모델|checkpoint)?\s*(에서|에|으로|로)\s*(써|쓰|걸|넣|적용)",
    ),
    "timeout": _p(
        (),
        r"\btimed out\b",
        r"\bTimeoutError\b",
        r"exceeded (the )?(time|job) limit",
        r"job timeout",
        r"타임\s*아웃\s*(났|나|남|됐|돼|되|걸)",
    ),
    "vram_spill": _p(
        (),
        r"shared (gpu )?memory",
        r"sysmem fallback",
        r"공유\s*(gpu\s*)?메모리",
    ),
}


def matches_failure(kind: str, text: str, error_kinds: set[str]) -> bool:
    """True when the engine reported one of the kind's error kinds or the text shows it."""
    pattern = FAILURES[kind]
    if error_kinds.intersection(pattern.error_kinds):
        return True
    return any(r.search(text) for r in pattern.regexes)


def first_match(kind: str, text: str) -> str | None:
    """The first matching line, to quote back to the user."""
    for regex in FAILURES[kind].regexes:
        m = regex.search(text)
        if m:
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            return text[start : end if end != -1 else len(text)].strip()[:300]
    return None
