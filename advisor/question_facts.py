"""Facts stated in a question ("SDXL on 8 GB", "I only have 12 images", "이미지 15장"), so that
`ask` can evaluate the rules on the user's situation and give the concrete batch size for it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.facts import Facts, Hardware
from advisor.registry import max_batch_for

_VRAM = re.compile(r"(\d{1,3}(?:\.\d)?)\s*(?:gb|gib|기가)", re.IGNORECASE)
_IMAGES = re.compile(r"(\d{1,4})\s*(?:images?|pictures?|photos?|pics?|장)", re.IGNORECASE)
_ARCHES = (
    ("sdxl", re.compile(r"sdxl|\bxl\b|pony|illustrious", re.IGNORECASE)),
    ("sd2", re.compile(r"\bsd\s*2(\.\d)?\b|stable diffusion 2", re.IGNORECASE)),
    ("sd15", re.compile(r"\bsd\s*1\.?5\b|\bsd15\b|stable diffusion 1\.5", re.IGNORECASE)),
)
_ARCH_NAMES = {"sd15": "SD1.5", "sd2": "SD2", "sdxl": "SDXL"}
_BATCH_WORDS = re.compile(r"batch|배치", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionFacts:
    arch: str | None = None
    vram_gb: float | None = None
    num_images: int | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.arch, self.vram_gb, self.num_images))

    def facts(self) -> Facts:
        stats = {"num_images": self.num_images} if self.num_images is not None else None
        return Facts(stats=stats, hardware=Hardware(vram_gb=self.vram_gb), arch=self.arch)

    def batch_line(self, lang: str) -> str | None:
        """'SDXL, 8 GB VRAM: batch 1' for the family asked about (SD1.5 and SDXL when none was named)."""
        if not self.vram_gb:
            return None
        arches = [self.arch] if self.arch else ["sd15", "sdxl"]
        parts = [f"{_ARCH_NAMES[a]}: {max_batch_for(a, self.vram_gb)}" for a in arches]
        vram = f"{self.vram_gb:g} GB"
        if lang == "ko":
            return f"VRAM {vram}에 맞는 배치 크기 — " + ", ".join(parts)
        return f"Batch size for {vram} of VRAM — " + ", ".join(parts)


def read_question(text: str) -> QuestionFacts:
    vram = _VRAM.search(text)
    images = _IMAGES.search(text)
    arch = next((name for name, pattern in _ARCHES if pattern.search(text)), None)
    return QuestionFacts(
        arch=arch,
        vram_gb=float(vram.group(1)) if vram and 0 < float(vram.group(1)) <= 256 else None,
        num_images=int(images.group(1)) if images else None,
    )


def asks_about_batch(text: str) -> bool:
    return bool(_BATCH_WORDS.search(text))
