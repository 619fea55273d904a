"""What the advisor knows about one situation: dataset statistics, a training config, the hardware,
and a run's events or log. Rules' conditions read only this object, so they stay small and pure.

Every part is optional: `loracord ask` has none of them, `suggest` has statistics and hardware,
`diagnose` has a log, events and usually a config. A condition whose facts are missing is simply false.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from config.arch import ARCH_NAMES
from config.training import TrainConfig

ARCHES = ARCH_NAMES

# GPU families without bf16 support in hardware: pre-Ampere NVIDIA, AMD before RDNA3 (RX 400-6000, Vega),
# and Apple's MPS (fp16 is its half type). Anything else that names a GPU (RTX 30xx/40xx/50xx, A-, L-,
# H-series, Radeon RX 7000/9000, Instinct MI200+, Intel Arc) does bf16.
_NO_BF16 = re.compile(
    r"\b(gtx|titan x|titan v|tesla|[tpkv]100|t4|p4|p40|rtx 20\d\d|rtx [4-8]000|quadro"
    r"|rx ?[4-6]\d\d\d?|vega|apple|m[1-4](?: (?:pro|max|ultra))?)\b",
    re.IGNORECASE,
)
# Who made the GPU: PyTorch reaches AMD through ROCm (or ZLUDA / DirectML on Windows), Intel through XPU,
# Apple through MPS; bitsandbytes' 8-bit optimizers and xformers are CUDA builds first.
_VENDORS = (
    ("amd", re.compile(r"\b(amd|radeon|rx ?\d{3,4}|instinct|mi\d{3}x?|vega)\b|라데온", re.IGNORECASE)),
    ("intel", re.compile(r"\b(intel|arc ?[ab]\d{3}|xpu)\b", re.IGNORECASE)),
    ("apple", re.compile(r"\b(apple|mps|m[1-4](?: (?:pro|max|ultra))?)\b|맥북", re.IGNORECASE)),
)


@dataclass(frozen=True)
class Hardware:
    """The GPU a run will use. `vram_gb` None means unknown; 0 means no GPU (the CPU trains)."""

    gpu_name: str = ""
    vram_gb: float | None = None
    ram_gb: float | None = None

    @property
    def has_gpu(self) -> bool | None:
        if self.vram_gb is None:
            return None if not self.gpu_name else True
        return self.vram_gb > 0

    @property
    def vendor(self) -> str:
        """'nvidia', 'amd', 'intel' or 'apple' for a named GPU; '' when none is named."""
        if not self.gpu_name:
            return ""
        return next((name for name, pattern in _VENDORS if pattern.search(self.gpu_name)), "nvidia")

    @property
    def supports_bf16(self) -> bool:
        """True for Ampere and newer, RDNA3 and Arc; an unnamed GPU is assumed modern (most rented GPUs are)."""
        if self.has_gpu is False:
            return False
        return not (self.gpu_name and _NO_BF16.search(self.gpu_name))

    @property
    def eight_bit_optimizers(self) -> bool:
        """bitsandbytes' 8-bit AdamW: NVIDIA (or an unnamed GPU: most are), not AMD, Intel or Apple."""
        return self.has_gpu is not False and self.vendor in ("", "nvidia")


# The engine's `missing_captions` warning (trainer/engine/data.py), as an event message or a log line:
# "3 of 40 images have no caption file (caption_extension '.txt'); they train with ...".
MISSING_CAPTIONS_LINE = re.compile(r"\b(\d+) of (\d+) images have no caption file")


@dataclass(frozen=True)
class Facts:
    stats: Mapping[str, Any] | None = None
    config: TrainConfig | None = None
    hardware: Hardware = field(default_factory=Hardware)
    events: tuple[Mapping[str, Any], ...] = ()
    log_text: str = ""
    kind: str | None = None  # character | style | object
    arch: str | None = None  # sd15 | sd2 | sdxl when known

    # --- dataset statistics -----------------------------------------------------------------------
    def stat(self, path: str, default: Any = None) -> Any:
        """A statistic by dotted path ('captions.missing'); `default` when absent."""
        node: Any = self.stats
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return default
            node = node[part]
        return node

    def num_stat(self, path: str) -> float | None:
        value = self.stat(path)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return None
        return float(value)

    @property
    def num_images(self) -> int | None:
        value = self.num_stat("num_images")
        if value is None:
            for event in self.events:
                if event.get("type") == "start" and isinstance(event.get("num_images"), int):
                    return event["num_images"]
            return None
        return int(value)

    def missing_captions(self) -> tuple[int, int] | None:
        """(images without a caption file, images; 0 when unknown) from the dataset statistics, else
        the engine's `missing_captions` warning event, else its line in the log; None when unknown."""
        missing = self.num_stat("captions.missing")
        if missing is not None:
            return int(missing), self.num_images or 0
        for event in reversed(self.events_of("warning")):
            if event.get("kind") != "missing_captions":
                continue
            counts = event.get("missing"), event.get("images")
            if all(isinstance(c, int) and not isinstance(c, bool) for c in counts):
                return counts  # type: ignore[return-value]
            found = MISSING_CAPTIONS_LINE.search(str(event.get("message", "")))
            if found:
                return int(found.group(1)), int(found.group(2))
        lines = MISSING_CAPTIONS_LINE.findall(self.log_text)
        return (int(lines[-1][0]), int(lines[-1][1])) if lines else None

    # --- the model family -------------------------------------------------------------------------
    @property
    def effective_arch(self) -> str | None:
        if self.arch in ARCHES:
            return self.arch
        if self.config is not None and self.config.model_arch in ARCHES:
            return self.config.model_arch
        for event in self.events:
            if event.get("type") == "start" and event.get("arch") in ARCHES:
                return str(event["arch"])
        return None

    # --- run events -------------------------------------------------------------------------------
    def events_of(self, kind: str) -> list[Mapping[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]

    @property
    def error_kinds(self) -> set[str]:
        return {str(e.get("kind", "")) for e in self.events_of("error")}

    @property
    def error_text(self) -> str:
        """The log plus every error message, searched by the failure patterns."""
        messages = [str(e.get("message", "")) for e in self.events_of("error")]
        return "\n".join([self.log_text, *messages])

    def step_times(self) -> list[float]:
        out = []
        for event in self.events_of("step"):
            value = event.get("s_per_step")
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                out.append(float(value))
        return out

    def losses(self) -> list[float]:
        out = []
        for event in self.events_of("step"):
            value = event.get("loss")
            if value is None and "loss" in event:
                out.append(math.nan)  # JSON has no NaN: a writer may store it as null
            elif isinstance(value, int | float) and not isinstance(value, bool):
                out.append(float(value))
        return out

    # --- derived training quantities --------------------------------------------------------------
    def views_per_image(self) -> float | None:
        """How often training sees each image: steps x batch x accumulation / images."""
        cfg, n = self.config, self.num_images
        if cfg is None or not n:
            return None
        per_step = cfg.train_batch_size * cfg.gradient_accumulation_steps
        if cfg.max_train_steps:
            return cfg.max_train_steps * per_step / n
        return float(cfg.max_train_epochs * cfg.repeats)

    def total_steps(self) -> int | None:
        cfg = self.config
        if cfg is None:
            return None
        if cfg.max_train_steps:
            return cfg.max_train_steps
        n = self.num_images
        if not n:
            return None
        per_step = cfg.train_batch_size * cfg.gradient_accumulation_steps
        return max(1, math.ceil(n * cfg.repeats / per_step)) * cfg.max_train_epochs


def median(values: Iterable[float]) -> float | None:
    data = [v for v in values if math.isfinite(v)]
    return statistics.median(data) if data else None


def parse_events(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Events from events.jsonl text. Lines that are not JSON objects are returned separately (so a
    half-written last line or a plain log pasted in is kept as log text, never a crash)."""
    events: list[dict[str, Any]] = []
    other: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("{"):
            try:
                value = json.loads(stripped)
            except ValueError:
                other.append(line)
                continue
            if isinstance(value, dict) and "type" in value:
                events.append(value)
                continue
        other.append(line)
    return events, other
