"""Sample images during training: fixed prompts and seeds, so every sample set is comparable.

Samples are drawn before the first step (the base model's baseline, step 0), every
`sample_every_n_steps`, when RUN/SAMPLE_NOW appears, and at the end. They never disturb training:
the random states are restored afterwards and the models go back to train mode.
Also here: generating class images with the base model for prior preservation.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from trainer.job_paths import JobPaths
from trainer.sample_prompts import SampleDefaults, make_scheduler, resolve


def default_prompts(trigger_word: str, captions: Sequence[str] = ()) -> list[str]:
    """Prompts built around the trigger word; without one, the first distinct training captions."""
    if trigger_word:
        return [
            f"{trigger_word}",
            f"a photo of {trigger_word}",
            f"{trigger_word}, detailed, high quality",
            f"a painting of {trigger_word}",
        ]
    distinct = list(dict.fromkeys(c for c in captions if c))
    return distinct[:4] or ["a photo"]


def make_grid(images: Sequence[Image.Image], columns: int = 4) -> Image.Image:
    columns = max(1, min(columns, len(images)))
    rows = (len(images) + columns - 1) // columns
    # Lines may set their own --w/--h: each cell is as big as the largest image.
    width, height = max(i.size[0] for i in images), max(i.size[1] for i in images)
    grid = Image.new("RGB", (columns * width, rows * height), "white")
    for i, image in enumerate(images):
        grid.paste(image, ((i % columns) * width, (i // columns) * height))
    return grid


#: Room for the labels of a checkpoint × strength grid: a header row and a left column (pixels).
LABEL_HEIGHT = 16
LABEL_WIDTH = 64


def labelled_grid(
    rows: Sequence[Sequence[Image.Image]], row_labels: Sequence[str], column_labels: Sequence[str]
) -> Image.Image:
    """Images in rows (one per checkpoint) and columns (one per strength), with a label for each.

    The grid is LABEL_WIDTH + columns × width wide and LABEL_HEIGHT + rows × height tall.
    """
    from PIL import ImageDraw

    width, height = rows[0][0].size
    columns = len(column_labels)
    grid = Image.new("RGB", (LABEL_WIDTH + columns * width, LABEL_HEIGHT + len(rows) * height), "white")
    draw = ImageDraw.Draw(grid)
    for c, label in enumerate(column_labels):
        draw.text((LABEL_WIDTH + c * width + 2, 2), label, fill="black")
    for r, (images, label) in enumerate(zip(rows, row_labels, strict=True)):
        top = LABEL_HEIGHT + r * height
        draw.text((2, top + 2), label, fill="black")
        for c, image in enumerate(images):
            grid.paste(image, (LABEL_WIDTH + c * width, top))
    return grid


class _KeepRandomState:
    """Save every global random state on entry and put it back on exit."""

    def __enter__(self) -> None:
        self.saved = (random.getstate(), np.random.get_state(), torch.get_rng_state())
        self.cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None

    def __exit__(self, *exc: object) -> None:
        random.setstate(self.saved[0])
        np.random.set_state(self.saved[1])
        torch.set_rng_state(self.saved[2])
        if self.cuda is not None:
            torch.cuda.set_rng_state_all(self.cuda)


@torch.no_grad()
def generate(
    model,  # noqa: ANN001 - trainer.models.load.BaseModel (with or without the adapter)
    prompts: Sequence[str],
    *,
    seed: int,
    steps: int,
    guidance: float,
    width: int,
    height: int,
    device: torch.device,
) -> list[Image.Image]:
    """One image per prompt line; prompt i uses seed + i, `steps`, `guidance` and width x height unless
    the line says otherwise (sd-scripts' `--n --w --h --d --s --l --ss` flags, trainer.sample_prompts)."""
    modules = [model.unet, model.vae, *model.text_encoders]
    modes = [m.training for m in modules]
    for module in modules:
        module.eval()
    try:
        with _KeepRandomState():
            defaults = SampleDefaults(seed, steps, guidance, width, height)
            images = []
            for i, line in enumerate(prompts):
                spec = resolve(line, i, defaults)
                pipe = model.make_pipeline(make_scheduler(spec.sampler, model.scheduler))
                pipe.set_progress_bar_config(disable=True)
                out = pipe(
                    spec.prompt,
                    negative_prompt=spec.negative or None,
                    num_inference_steps=spec.steps,
                    guidance_scale=spec.scale,
                    width=spec.width,
                    height=spec.height,
                    generator=torch.Generator(device=device).manual_seed(spec.seed),
                    output_type="pil",
                )
                images.append(out.images[0])
    finally:
        for module, mode in zip(modules, modes, strict=True):
            module.train(mode)
    return images


def save_samples(
    job_dir: Path, step: int, prompts: Sequence[str], images: Sequence[Image.Image]
) -> dict[str, object]:
    """Write step_NNNNNN_pI.png and the grid; return the `sample` event's fields (paths relative)."""
    paths = JobPaths(job_dir)
    paths.samples.mkdir(parents=True, exist_ok=True)
    names = []
    for i, image in enumerate(images):
        image.save(paths.sample_image(step, i))
        names.append(paths.relative(paths.sample_image(step, i)))
    make_grid(images).save(paths.sample_grid(step))
    grid = paths.relative(paths.sample_grid(step))
    return {"step": step, "images": names, "grid": grid, "prompts": list(prompts)}


def class_prompts(class_prompt: str, captions: Sequence[str], trigger_word: str) -> list[str]:
    """The prompts of generated class images: the class prompt, or captions without the trigger."""
    if class_prompt:
        return [class_prompt]
    prompts = []
    for caption in captions:
        text = caption.replace(trigger_word, "") if trigger_word else caption
        text = ", ".join(t.strip() for t in text.split(",") if t.strip())
        prompts.append(text)
    return list(dict.fromkeys(p for p in prompts if p)) or ["a photo"]


def generate_class_images(
    model,  # noqa: ANN001 - BaseModel without the adapter
    folder: Path,
    prompts: Sequence[str],
    count: int,
    *,
    seed: int,
    steps: int,
    guidance: float,
    resolution: int,
    device: torch.device,
) -> int:
    """Fill `folder` with `count` class images + captions; images already there are kept (resume)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = 0
    for i in range(count):
        image_path = folder / f"class_{i:05d}.png"
        if image_path.is_file():
            continue
        prompt = prompts[i % len(prompts)]
        image = generate(
            model,
            [prompt],
            seed=seed + i,
            steps=steps,
            guidance=guidance,
            width=resolution,
            height=resolution,
            device=device,
        )[0]
        # The partial file must not look like an image to the dataset scan.
        tmp = image_path.with_name(image_path.name + ".partial")
        image.save(tmp, format="PNG")
        image_path.with_suffix(".txt").write_text(prompt, encoding="utf-8")
        tmp.replace(image_path)
        made += 1
    return made
