"""The WD14 tagger (SmilingWolf's wd-v1-4 / wd-v3 ONNX models) through onnxruntime.

A model folder holds `model.onnx` and `selected_tags.csv` (or the two paths are given apart) (columns tag_id, name, category, count;
category 0 general, 4 character, 9 rating), as on the hub. The real signature, which the tiny test
model copies: one input of shape [batch, 448, 448, 3] (NHWC) float32 holding **BGR** values 0-255
without normalisation; one output [batch, tags] of sigmoid probabilities. Images are composited on
white, padded to a white square, and resized to the model's side, as the tagger was trained.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from trainer.dataset.captions import clean_tags

GENERAL, CHARACTER, RATING = 0, 4, 9
DEFAULT_THRESHOLD = 0.35
DEFAULT_CHARACTER_THRESHOLD = 0.85


class TaggerError(ValueError):
    """The model folder is not a WD14 tagger this code can run; the message says what is missing."""


@dataclass(frozen=True)
class TagResult:
    tags: list[str]  # cleaned general + character tags, most probable first
    rating: str | None  # the most probable rating tag
    scores: dict[str, float]  # raw tag name -> probability, for every tag over its threshold


def read_tag_list(path: Path) -> tuple[list[str], list[int]]:
    names: list[str] = []
    categories: list[int] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"name", "category"} <= set(reader.fieldnames):
            raise TaggerError(f"{path} must have 'name' and 'category' columns (WD14 selected_tags.csv)")
        for row in reader:
            names.append(row["name"])
            categories.append(int(row["category"]))
    return names, categories


class WD14Tagger:
    """Load once, tag many images."""

    def __init__(
        self,
        model: str | Path,
        tags: str | Path | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        character_threshold: float = DEFAULT_CHARACTER_THRESHOLD,
        blacklist: Sequence[str] = (),
        providers: Sequence[str] = ("CPUExecutionProvider",),
    ) -> None:
        import onnxruntime as ort  # imported here: only the tagger needs it

        # Either the hub layout (a folder with model.onnx + selected_tags.csv) or the two files.
        model = Path(model)
        model_path = model / "model.onnx" if model.is_dir() else model
        tags_path = Path(tags) if tags else model_path.with_name("selected_tags.csv")
        for needed in (model_path, tags_path):
            if not needed.is_file():
                raise TaggerError(
                    f"WD14 tagger file {needed} not found; give the model folder (model.onnx + "
                    "selected_tags.csv) or set captioning.wd14_model and captioning.wd14_tags"
                )
        self.names, self.categories = read_tag_list(tags_path)
        self.session = ort.InferenceSession(str(model_path), providers=list(providers))
        inp = self.session.get_inputs()[0]
        shape = inp.shape
        if len(shape) != 4 or shape[3] != 3:
            raise TaggerError(f"{model_path}: expected an NHWC input [batch, H, W, 3], found {shape}")
        self.input_name = inp.name
        self.side = shape[1] if isinstance(shape[1], int) else 448
        out = self.session.get_outputs()[0]
        if isinstance(out.shape[-1], int) and out.shape[-1] != len(self.names):
            raise TaggerError(
                f"{model_path} outputs {out.shape[-1]} tags but {tags_path.name} lists {len(self.names)}"
            )
        self.threshold = threshold
        self.character_threshold = character_threshold
        self.blacklist = tuple(blacklist)

    def preprocess(self, image: Image.Image) -> np.ndarray:
        """One image -> [side, side, 3] float32 BGR 0-255, padded to a white square."""
        if image.mode in ("RGBA", "LA", "P"):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        rgb = np.asarray(image.convert("RGB"))
        h, w = rgb.shape[:2]
        side = max(h, w)
        top, left = (side - h) // 2, (side - w) // 2
        square = cv2.copyMakeBorder(
            rgb, top, side - h - top, left, side - w - left, cv2.BORDER_CONSTANT, value=(255, 255, 255)
        )
        interp = cv2.INTER_AREA if side > self.side else cv2.INTER_CUBIC
        resized = cv2.resize(square, (self.side, self.side), interpolation=interp)
        return resized[:, :, ::-1].astype(np.float32)

    def tag(self, images: Sequence[Image.Image]) -> list[TagResult]:
        batch = np.stack([self.preprocess(im) for im in images])
        probs = self.session.run(None, {self.input_name: batch})[0]
        return [self._select(row) for row in probs]

    def _select(self, probs: np.ndarray) -> TagResult:
        picked: list[tuple[float, str]] = []
        scores: dict[str, float] = {}
        rating, rating_p = None, -1.0
        for name, cat, p in zip(self.names, self.categories, probs.tolist(), strict=True):
            if cat == RATING:
                if p > rating_p:
                    rating, rating_p = name, p
                continue
            limit = self.character_threshold if cat == CHARACTER else self.threshold
            if p >= limit:
                picked.append((p, name))
                scores[name] = round(float(p), 4)
        picked.sort(key=lambda item: -item[0])
        return TagResult(clean_tags([n for _, n in picked], self.blacklist), rating, scores)
