"""Before/after of a LoRA taught on the shapes base: measured with the scorer, and one picture.

`python -m trainer.tinybase.compare BASE LORA OUT.png [--trigger sks]` prints one JSON line:
- `concept_before` / `concept_after`: share of images that are a star for the trained prompts
  ("sks, a red star on a white background", four colours), at LoRA weight 0 (the base) and 1;
- `prior_before` / `prior_after`: share of images with the right shape and colour for the prompts the
  base already knew ("a blue square on a white background", ...), without and with the LoRA.
OUT.png shows, per prompt, the same seeds before and after side by side. Used by `loracord demo`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from trainer.tinybase import base, scorer, shapes

CONCEPT = "star"
CONCEPT_TEMPLATE = "{trigger}, a {colour} star on a white background"
PRIOR = (("blue", "square"), ("green", "circle"), ("yellow", "triangle"), ("red", "circle"))
SEEDS = tuple(range(8))
SHOWN = 6  # images per side in the picture
SCALE = 2


def _rates(pipe, prompts: Sequence[tuple[str, str, str]], seeds: Sequence[int]):  # noqa: ANN001
    """(share right, images by prompt) for (prompt, shape, colour); concept prompts count the shape only."""
    hits, total, images = 0, 0, {}
    for prompt, shape, colour in prompts:
        drawn = base.generate(pipe, prompt, seeds)
        images[prompt] = drawn
        for img in drawn:
            found = scorer.score_image(img)
            hits += found.shape == shape if shape == CONCEPT else found.matches(shape, colour)
            total += 1
    return hits / max(total, 1), images


def compare(
    base_dir: Path, lora: Path, picture: Path, trigger: str = "sks", seeds: Sequence[int] = SEEDS
) -> dict:
    """Measure the base and the LoRA on the concept and prior prompts; write the side-by-side picture."""
    pipe = base.load_pipeline(base_dir)
    pipe.load_lora_weights(str(lora), adapter_name="demo")
    concept = [(CONCEPT_TEMPLATE.format(trigger=trigger, colour=c), CONCEPT, c) for c in shapes.COLOURS]
    prior = [
        (f"a {c} {s} on a white background", s, c)
        for s in ("circle", "square", "triangle")
        for c in shapes.COLOURS
    ]
    out: dict = {"seeds": len(seeds), "concept_prompts": len(concept), "prior_prompts": len(prior)}
    shown: dict[str, dict[str, list[Image.Image]]] = {}
    for weight, when in ((0.0, "before"), (1.0, "after")):
        pipe.set_adapters(["demo"], [weight])
        out[f"concept_{when}"], concept_images = _rates(pipe, concept, seeds)
        out[f"prior_{when}"], prior_images = _rates(pipe, prior, seeds)
        shown[when] = {**concept_images, **prior_images}
    rows = [p for p, _, _ in concept] + [f"a {c} {s} on a white background" for c, s in PRIOR]
    side_by_side(rows, shown, picture)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}


def side_by_side(prompts: Sequence[str], shown: dict[str, dict[str, list[Image.Image]]], path: Path) -> Path:
    """One row per prompt: SHOWN images without the LoRA | the same seeds with it."""
    cell = 64 * SCALE
    label_h, head_h, gap = 18, 26, 24
    width = 2 * SHOWN * cell + gap
    height = head_h + len(prompts) * (label_h + cell)
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((4, 6), "before (base model, LoRA weight 0)", fill="black")
    draw.text((SHOWN * cell + gap + 4, 6), "after (with the LoRA)", fill="black")
    y = head_h
    for prompt in prompts:
        draw.text((4, y + 3), f'"{prompt}"', fill=(60, 60, 60))
        y += label_h
        for side, x0 in (("before", 0), ("after", SHOWN * cell + gap)):
            for i, img in enumerate(shown[side][prompt][:SHOWN]):
                sheet.paste(img.resize((cell, cell), Image.Resampling.NEAREST), (x0 + i * cell, y))
        y += cell
    draw.line(
        [(SHOWN * cell + gap // 2, head_h), (SHOWN * cell + gap // 2, height)], fill=(180, 180, 180), width=2
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m trainer.tinybase.compare", description=__doc__.split("\n")[0]
    )
    parser.add_argument("base", type=Path)
    parser.add_argument("lora", type=Path)
    parser.add_argument("picture", type=Path)
    parser.add_argument("--trigger", default="sks")
    parser.add_argument("--seeds", type=int, default=len(SEEDS))
    args = parser.parse_args(argv)
    result = compare(args.base, args.lora, args.picture, args.trigger, tuple(range(args.seeds)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
