"""The committed shapes base: where it lives, how to open it, and how well it draws.

The weights (fp16, ~10 MB) are committed under `trainer/tinybase/shapes_base/` without the tokenizer;
`materialize()` copies them into a folder and writes the real CLIP tokenizer beside them, giving a
complete diffusers folder that `StableDiffusionPipeline.from_pretrained(..., local_files_only=True)` and
`loracord train --model` accept.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from trainer.tinybase import scorer, shapes

COMMITTED = Path(__file__).resolve().parent / "shapes_base"
PROMPT = "a {colour} {shape} on a white background"


class BaseMissingError(RuntimeError):
    """The committed weights are not where they should be (a partial checkout?)."""


def materialize(dest: Path, source: Path = COMMITTED) -> Path:
    """A complete diffusers folder of the shapes base at `dest` (idempotent)."""
    from trainer.models.tokenizer import write_tokenizer

    dest = Path(dest)
    if not (source / "model_index.json").is_file():
        raise BaseMissingError(
            f"the tiny shapes base is missing from {source}; rebuild it with "
            "`loracord make-tiny-model OUT --pretrain shapes` or restore the checkout"
        )
    if not (dest / "model_index.json").is_file():
        shutil.copytree(source, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("tokenizer"))
    if not (dest / "tokenizer" / "vocab.json").is_file():
        write_tokenizer(dest / "tokenizer", flavour="clip")
    return dest


def load_pipeline(folder: Path):  # noqa: ANN201 - a diffusers pipeline; the import is deferred
    """The base as a float32 StableDiffusionPipeline with a DDIM sampler."""
    from trainer.quiet import quiet_libraries

    quiet_libraries()
    import torch
    from diffusers import DDIMScheduler, StableDiffusionPipeline

    pipe = StableDiffusionPipeline.from_pretrained(folder, local_files_only=True, dtype=torch.float32)
    pipe.scheduler = DDIMScheduler.from_config(pipe.scheduler.config)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def generate(
    pipe,  # noqa: ANN001 - StableDiffusionPipeline
    prompt: str,
    seeds: Sequence[int],
    steps: int = 25,
    guidance: float = 5.0,
    cross_attention_kwargs: dict | None = None,
) -> list[Image.Image]:
    """One image per seed, batched; the same seeds give the same images."""
    import torch

    generators = [torch.Generator().manual_seed(s) for s in seeds]
    out = pipe(
        [prompt] * len(seeds),
        num_inference_steps=steps,
        guidance_scale=guidance,
        height=64,
        width=64,
        generator=generators,
        cross_attention_kwargs=cross_attention_kwargs,
    )
    return out.images


@dataclass(frozen=True)
class PromptScore:
    prompt: str
    shape: str
    colour: str
    shape_rate: float
    colour_rate: float
    both_rate: float


def evaluate(
    pipe,  # noqa: ANN001 - StableDiffusionPipeline
    combos: Sequence[tuple[str, str]],
    seeds: Sequence[int],
    word: dict[str, str] | None = None,
) -> list[PromptScore]:
    """Generate each (colour, shape) prompt for every seed and score it.

    `word` maps a shape to the word used in the prompt ("star" → "sks" for the trained concept).
    """
    results = []
    for colour, shape in combos:
        prompt = PROMPT.format(colour=colour, shape=(word or {}).get(shape, shape))
        scores = [scorer.score_image(img) for img in generate(pipe, prompt, seeds)]
        n = len(scores)
        results.append(
            PromptScore(
                prompt,
                shape,
                colour,
                sum(s.shape == shape for s in scores) / n,
                sum(s.colour == colour for s in scores) / n,
                sum(s.matches(shape, colour) for s in scores) / n,
            )
        )
    return results


def trained_combos(held_out: Sequence[str] = ("star",)) -> list[tuple[str, str]]:
    return [(c, s) for s in shapes.SHAPES if s not in held_out for c in shapes.COLOURS]


def summary(scores: Sequence[PromptScore]) -> dict[str, float]:
    n = max(len(scores), 1)
    return {
        "shape": round(sum(s.shape_rate for s in scores) / n, 3),
        "colour": round(sum(s.colour_rate for s in scores) / n, 3),
        "both": round(sum(s.both_rate for s in scores) / n, 3),
    }


def pretrain_report(source: Path = COMMITTED) -> dict:
    return json.loads((source / "pretrain.json").read_text(encoding="utf-8"))
