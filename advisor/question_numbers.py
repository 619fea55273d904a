"""Numbers a question states besides its training settings, read for the lines worked out from them
(advisor/notes.py): a progress bar's rate ("1.5 s/it"), a hires fix's first pass and factor ("832x1216,
upscale by 1.5"), a LoRA file's size with the dim or precision it would change to ("72 MB at dim 64, and at
16?"). Each reader returns None when the question does not ask for what the number would give."""

from __future__ import annotations

import re

_SEC_PER_STEP = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(s/it|sec/it|it/s)\b", re.I)
_HIRES = re.compile(r"hires|hi-res|high-res|하이레스|고해상도 ?보정|업스케일|upscal", re.I)
# The size is worked out only for a question that asks for it ("what's the final resolution?").
_ASKS_SIZE = re.compile(
    r"final (?:size|resolution)|what (?:size|resolution)|which (?:size|resolution)|how big|resolution (?:will|do|is)"
    r"|(?:최종|나오는|결과) ?(?:해상도|크기|사이즈)|해상도(?:가|는|이)? ?(?:몇|얼마)|크기(?:가|는)? ?(?:몇|얼마)",
    re.I,
)
_ASKS_TIME = re.compile(
    r"how long|how many (?:hours|minutes)|\beta\b|take (?:me )?(?:about )?(?:hours|long)|finish"
    r"|얼마나 걸|몇 ?(?:분|시간)|걸릴|걸리|소요",
    re.I,
)
_SIZE_WH = re.compile(r"\b(\d{3,4})\s*[x×*]\s*(\d{3,4})\b")
_FACTOR = re.compile(
    r"(?:by|x|×)\s*(\d(?:\.\d{1,2})?)(?!\d|\.\d|\s*[x×]\s*\d)|(\d(?:\.\d{1,2})?)\s*(?:x|×|배)(?![\d])", re.I
)


def sec_per_step(text: str) -> float | None:
    """Seconds per optimizer step from a progress bar's rate ("1.5 s/it", "2.3it/s")."""
    found = _SEC_PER_STEP.search(text)
    if not found or not float(found.group(1)):
        return None
    value = float(found.group(1))
    return value if found.group(2).lower() != "it/s" else 1 / value


def hires(text: str) -> tuple[int, int, float] | None:
    """A first pass's size and the hires fix's factor ("832x1216 ... upscale by 1.5")."""
    size = _SIZE_WH.search(text)
    if not (size and _HIRES.search(text) and _ASKS_SIZE.search(text)):
        return None
    rest = text[: size.start()] + " " + text[size.end() :]
    factor = next((float(g) for m in _FACTOR.finditer(rest) for g in m.groups() if g), None)
    if not factor or not 1 < factor <= 4:
        return None
    return int(size.group(1)), int(size.group(2)), factor


_SIZE_MB = re.compile(r"(\d{1,5}(?:\.\d+)?)\s*(?:mb|메가)(?![a-z])", re.I)
_DIMS = re.compile(
    r"(?:network_dim|dim|rank|딤|랭크)\s*(?:=|:|of|to|을|를|은|는)?\s*(\d{1,4})(?!\d|\.\d)", re.I
)
_FULL = re.compile(r"\b(?:float|fp32|float32|full precision)\b", re.I)
_HALF = re.compile(r"\b(?:fp16|bf16|float16|half)\b", re.I)


def file_size(text: str) -> tuple[float, tuple[int, ...], bool] | None:
    """A LoRA's size and what the question would change: another dim, or float -> fp16."""
    size = _SIZE_MB.search(text)
    if not size:
        return None
    dims = tuple(int(m.group(1)) for m in _DIMS.finditer(text))
    halve = bool(_FULL.search(text) and _HALF.search(text))
    if len(set(dims)) < 2 and not halve:
        return None
    return float(size.group(1)), dims, halve


def asks_about_time(text: str) -> bool:
    """'how long will it take', '몇 분 걸려요': a run's duration is worked out only when it is asked for."""
    return bool(_ASKS_TIME.search(text))
