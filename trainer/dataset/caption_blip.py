"""BLIP image captioning (transformers' BlipForConditionalGeneration + BlipProcessor).

Real weights load from a local folder or a hub id given in settings or on the command line (e.g.
Salesforce/blip-image-captioning-large on a host with internet). torch and transformers are imported
inside the class, so importing this module stays cheap and torch-free.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image


class BlipCaptioner:
    """Load once, caption many images. Greedy decoding with `num_beams=1` is deterministic."""

    def __init__(
        self,
        model: str | Path,
        device: str = "cpu",
        max_new_tokens: int = 40,
        min_new_tokens: int = 5,
        num_beams: int = 3,
        prompt: str | None = None,
    ) -> None:
        import torch
        from transformers import BlipForConditionalGeneration, BlipProcessor

        self._torch = torch
        self.processor = BlipProcessor.from_pretrained(str(model))
        self.model = BlipForConditionalGeneration.from_pretrained(str(model)).to(device).eval()
        self.device = device
        self.generate_kwargs = {
            "max_new_tokens": max_new_tokens,
            "min_new_tokens": min(min_new_tokens, max_new_tokens),
            "num_beams": num_beams,
            "do_sample": False,
        }
        # A text prompt ("a photograph of") conditions BLIP's decoder; it is stripped from the output.
        self.prompt = prompt

    def caption(self, images: Sequence[Image.Image]) -> list[str]:
        rgb = [im.convert("RGB") for im in images]
        if self.prompt:
            inputs = self.processor(images=rgb, text=[self.prompt] * len(rgb), return_tensors="pt")
        else:
            inputs = self.processor(images=rgb, return_tensors="pt")
        inputs = {k: v.to(self.device) for k, v in inputs.items()}
        with self._torch.inference_mode():
            out = self.model.generate(**inputs, **self.generate_kwargs)
        texts = self.processor.batch_decode(out, skip_special_tokens=True)
        cleaned = []
        for text in texts:
            text = " ".join(text.split())
            if self.prompt and text.lower().startswith(self.prompt.lower()):
                text = text[len(self.prompt) :].strip()
            cleaned.append(text)
        return cleaned
