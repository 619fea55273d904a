"""The sample request: JOB_DIR/sample_request.json, what `python -m trainer.sample JOB_DIR` draws.

A sample job renders the user's prompts with every chosen checkpoint of a finished run at several
LoRA strengths (the guide's test-and-improve step), so the user can pick the best checkpoint and
strength and keep exactly that file. The bot and `loracord queue submit-sample` write the request;
the trainer reads it. Torch-free: the bot imports it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from config.sample_prompts import PromptLineError, parse_prompt_lines
from trainer.job_paths import JobPaths

REQUEST_VERSION = 1
DEFAULT_STRENGTHS = (0.6, 0.8, 1.0)
MAX_PROMPTS = 4
MAX_STRENGTHS = 6
#: Above 2 a LoRA only burns the image; below 0 it inverts what was learnt, which no guide suggests.
MAX_STRENGTH = 2.0
MAX_PROMPT_CHARS = 400


class SampleRequestError(ValueError):
    """A sample request value is wrong; `field` names it, the message says what to do."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class SampleRequest:
    #: The finished run whose checkpoints are sampled (an absolute folder path).
    source_run: str
    #: The queue job that trained it ("" when sampled outside the queue).
    source_job_id: str = ""
    #: At most 4 prompts; empty: the run's own sample prompts.
    prompts: tuple[str, ...] = ()
    strengths: tuple[float, ...] = DEFAULT_STRENGTHS
    #: Steps of the checkpoints to sample; empty: every saved step checkpoint plus the final LoRA.
    checkpoints: tuple[int, ...] = ()
    #: None: the run's sample_seed / sample_steps / sample_guidance_scale.
    seed: int | None = None
    steps: int | None = None
    guidance: float | None = None
    version: int = field(default=REQUEST_VERSION)

    def __post_init__(self) -> None:
        if not isinstance(self.source_run, str) or not self.source_run:
            raise SampleRequestError("source_run", "must name the run folder to sample")
        object.__setattr__(self, "prompts", clean_prompts(self.prompts))
        object.__setattr__(self, "strengths", clean_strengths(self.strengths))
        steps = tuple(self.checkpoints)
        if any(not isinstance(s, int) or isinstance(s, bool) or s < 0 for s in steps):
            raise SampleRequestError("checkpoints", f"must be step numbers (0 or more), got {list(steps)}")
        object.__setattr__(self, "checkpoints", tuple(sorted(set(steps))))
        for name, low in (("seed", 0), ("steps", 1)):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < low):
                raise SampleRequestError(name, f"must be a whole number of at least {low}, got {value!r}")
        if self.guidance is not None and (
            not isinstance(self.guidance, int | float)
            or not math.isfinite(self.guidance)
            or self.guidance < 0
        ):
            raise SampleRequestError("guidance", f"must be a number of at least 0, got {self.guidance!r}")
        if self.version != REQUEST_VERSION:
            raise SampleRequestError(
                "version", f"this loracord reads version {REQUEST_VERSION}, got {self.version!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("prompts", "strengths", "checkpoints"):
            data[key] = list(data[key])
        return data

    def save(self, job_dir: Path) -> Path:
        path = JobPaths(job_dir).sample_request
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1), encoding="utf-8")
        tmp.replace(path)
        return path


def clean_prompts(prompts: Sequence[str]) -> tuple[str, ...]:
    if isinstance(prompts, str) or not all(isinstance(p, str) for p in prompts):
        raise SampleRequestError("prompts", "must be a list of texts")
    kept = tuple(dict.fromkeys(p.strip() for p in prompts if p.strip()))
    if len(kept) > MAX_PROMPTS:
        raise SampleRequestError("prompts", f"at most {MAX_PROMPTS} prompts, got {len(kept)}; drop some")
    for p in kept:
        if len(p) > MAX_PROMPT_CHARS:
            raise SampleRequestError(
                "prompts", f"a prompt may have at most {MAX_PROMPT_CHARS} characters, got {len(p)}"
            )
    try:  # sd-scripts' `prompt --n neg --w 512 --d 42 ...` lines, checked before anything is queued
        parse_prompt_lines(list(kept))
    except PromptLineError as exc:
        raise SampleRequestError("prompts", f"prompt {exc.line}: {exc.message}") from None
    return kept


def clean_strengths(strengths: Sequence[float]) -> tuple[float, ...]:
    if isinstance(strengths, str) or not all(
        isinstance(s, int | float) and not isinstance(s, bool) for s in strengths
    ):
        raise SampleRequestError("strengths", "must be a list of numbers such as 0.6, 0.8, 1.0")
    values = tuple(dict.fromkeys(round(float(s), 3) for s in strengths))
    if not values:
        raise SampleRequestError("strengths", "give at least one strength, e.g. 0.6,0.8,1.0")
    if len(values) > MAX_STRENGTHS:
        raise SampleRequestError("strengths", f"at most {MAX_STRENGTHS} strengths, got {len(values)}")
    bad = [s for s in values if not math.isfinite(s) or s <= 0 or s > MAX_STRENGTH]
    if bad:
        raise SampleRequestError(
            "strengths", f"each must be above 0 and at most {MAX_STRENGTH:g}, got {', '.join(map(str, bad))}"
        )
    return values


def parse_strengths(text: str) -> tuple[float, ...]:
    """`"0.6,0.8,1.0"` (or with spaces) → (0.6, 0.8, 1.0); a clear error for anything else."""
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise SampleRequestError(
            "strengths", f"{text!r} is not a list of numbers; write e.g. 0.6,0.8,1.0"
        ) from None
    return clean_strengths(values)


def from_dict(data: Mapping[str, Any]) -> SampleRequest:
    if not isinstance(data, Mapping):
        raise SampleRequestError("sample_request.json", "must hold a JSON object")
    known = set(SampleRequest.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise SampleRequestError(
            unknown[0], f"is not a sample request field; known: {', '.join(sorted(known))}"
        )
    values = dict(data)
    for key in ("prompts", "strengths", "checkpoints"):
        if key in values:
            if not isinstance(values[key], list):
                raise SampleRequestError(key, "must be a list")
            values[key] = tuple(values[key])
    return SampleRequest(**values)


def load_request(job_dir: Path) -> SampleRequest:
    path = JobPaths(job_dir).sample_request
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SampleRequestError(path.name, f"{path} is missing; submit the sample job again") from None
    except (OSError, ValueError) as exc:
        raise SampleRequestError(path.name, f"{path} cannot be read ({exc}); submit it again") from None
    return from_dict(data)
