"""The GPU and its memory stated in a question (advisor/question_facts.py reads the rest): consumer numbers alone
count ("4070ti", "3060 12기가"), AMD / Intel / Apple chips by their names, VRAM in GB unless it is system RAM."""

from __future__ import annotations

import re

_VRAM = re.compile(
    r"(\d{1,3}(?:\.\d)?)\s*(?:gb|gib|g\b|기가|기가바이트)(?!\s*(?:of\s+)?(?:system\s+)?ram)", re.I
)
_TOTAL_CAPACITY = re.compile(r"(\d+(?:\.\d+)?)\s*gib total capacity", re.I)
_ALLOCATION = re.compile(r"allocate|allocated|reserved|free\b", re.I)
_RAM_HINT = re.compile(r"\b(?:system\s+)?ram\b|(?<!브이)램", re.I)
# A GPU named in the question. Consumer numbers alone ("4070ti") count: Korean users often omit RTX.
_GPU = re.compile(
    r"\b(?:(?:rtx|gtx)\s*)?(10[5-8]0|16[56]0|20[6-8]0|30[5-9]0|40[6-9]0|50[6-9]0)\s*(ti|super|슈퍼|티아이)?(?=\b|[^\w]|[가-힣])"
    r"|\b(t4|p100|v100|a100|h100|a10g?|l4|rtx\s*(?:a\d{4}|[56]000)(?:\s*max-q)?|titan\s*[xv]?)\b",
    re.I,
)
# AMD Radeon: "RX 7900 XTX", "rx6700xt", "라데온 6800", "7900xtx" (a bare number needs XT/XTX/GRE or the
# brand); Intel Arc "A770" / "B580"; Apple silicon "M2 Max" (its memory is shared with the system).
_AMD_GPU = re.compile(
    r"(?:\brx\s*|radeon\s*(?:rx\s*)?|라데온\s*(?:rx\s*)?)(\d{3,4})\s*(xtx|xt|gre)?(?![\w.])"
    r"|\b([5-9]\d00)\s*(xtx|xt|gre)(?![\w.])",
    re.I,
)
_INTEL_GPU = re.compile(
    r"\b(?:intel\s*)?arc\s*([ab]\d{3})\b|\b([ab][357][5-8]0)\b(?=.{0,20}\b(?:arc|intel)\b)", re.I
)
_APPLE_GPU = re.compile(
    r"\b(m[1-4])(?:\s*(pro|max|ultra|프로|맥스|울트라))?(?![a-z\d])(?=.{0,40}(?:mac|apple|mps|맥))"
    r"|(?:mac|맥북?)\S*\s.{0,20}?\b(m[1-4])(?:\s*(pro|max|ultra|프로|맥스|울트라))?(?![a-z\d])",
    re.I,
)
_GPU_SUFFIX = {"슈퍼": "super", "티아이": "ti", "프로": "pro", "맥스": "max", "울트라": "ultra"}  # in Hangul
# Memory of common cards, used only when the question names the card but not its VRAM.
_KNOWN_VRAM = {
    "1060": 6, "1070": 8, "1080": 8, "1080 ti": 11, "1660": 6, "2060": 6, "2070": 8, "2080": 8, "2080 ti": 11,
    "3050": 8, "3060": 12, "3060 ti": 8, "3070": 8, "3070 ti": 8, "3080": 10, "3080 ti": 12, "3090": 24,
    "4060": 8, "4060 ti": 8, "4070": 12, "4070 ti": 12, "4070 super": 12, "4080": 16, "4090": 24,
    "5070": 12, "5070 ti": 16, "5080": 16, "5090": 32, "t4": 16, "p100": 16, "v100": 16, "a100": 40,
    "rx 6600": 8, "rx 6600 xt": 8, "rx 6650 xt": 8, "rx 6700 xt": 12, "rx 6750 xt": 12, "rx 6800": 16,
    "rx 6800 xt": 16, "rx 6900 xt": 16, "rx 6950 xt": 16, "rx 7600": 8, "rx 7600 xt": 16, "rx 7700 xt": 12,
    "rx 7800 xt": 16, "rx 7900 gre": 16, "rx 7900 xt": 20, "rx 7900 xtx": 24, "rx 9070": 16, "rx 9070 xt": 16,
    "arc a750": 8, "arc a770": 16, "arc b580": 12,
}  # fmt: skip


def gpu_named(text: str) -> str:
    """The GPU named in the question ("4070ti" -> "RTX 4070 Ti", "T4", "RX 7900 XTX", "Arc A770", "M2 Max"), or ''."""
    found = _GPU.search(text)
    if not found:
        return _other_gpu(text)
    if found.group(1):
        number, suffix = found.group(1), _GPU_SUFFIX.get(found.group(2) or "", (found.group(2) or "").lower())
        family = "GTX" if number.startswith(("10", "16")) else "RTX"
        return f"{family} {number}{' ' + suffix if suffix else ''}"
    return found.group(3).upper() if len(found.group(3)) <= 4 else found.group(3)


def _other_gpu(text: str) -> str:
    """An AMD, Intel or Apple GPU named in the question ("RX 7900 XTX", "Arc A770", "M2 Max"), or ''."""
    amd = _AMD_GPU.search(text)
    if amd:
        number, suffix = (amd.group(1), amd.group(2)) if amd.group(1) else (amd.group(3), amd.group(4))
        return f"RX {number}{' ' + suffix.upper() if suffix else ''}"
    intel = _INTEL_GPU.search(text)
    if intel:
        return f"Arc {(intel.group(1) or intel.group(2)).upper()}"
    apple = _APPLE_GPU.search(text)
    if apple:
        chip, tier = (apple.group(1), apple.group(2)) if apple.group(1) else (apple.group(3), apple.group(4))
        tier = _GPU_SUFFIX.get(tier or "", tier)
        return f"Apple {chip.upper()}{' ' + tier.capitalize() if tier else ''}"
    return ""


def vram_stated(text: str, gpu: str) -> float | None:
    """The card's memory in GB: stated ("12기가", "8GB VRAM", a CUDA error's total capacity), else a named card's
    usual memory; None for Apple silicon: the GB a Mac's owner states are its unified memory, shared with the
    system, which the VRAM tables (batch per GB, NVIDIA cards) do not describe."""
    if gpu.startswith("Apple"):
        return None
    total = _TOTAL_CAPACITY.search(text)  # a pasted CUDA error states the card's memory
    if total:
        return round(float(total.group(1)))
    for found in _VRAM.finditer(text):
        if _ALLOCATION.search(text[max(0, found.start() - 20) : found.end() + 20]):
            continue
        value = float(found.group(1))
        # The words right around the number, not past the next one ("VRAM 12GB, RAM 32GB").
        after = re.split(r"[,;/\d]", text[found.end() : found.end() + 12])[0]
        near = text[max(0, found.start() - 8) : found.start()] + " " + after
        named_vram = re.match(r"\s*(of\s+)?(vram|video memory|gpu memory)", after, re.I) is not None
        if 0 < value <= 256 and (named_vram or not _RAM_HINT.search(near)):
            return value
    key = gpu.lower().replace("rtx ", "").replace("gtx ", "")
    return float(_KNOWN_VRAM[key]) if key in _KNOWN_VRAM else None
