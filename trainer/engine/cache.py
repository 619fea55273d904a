"""Latents and text-encoder outputs, computed once or on demand with exactly the same arithmetic.

Images are always encoded one at a time with the VAE's mean (no sampling), so a cached run and an
uncached run see bit-identical latents: caching changes the speed, never the result.
Disk caches live in RUN/cache/ and are keyed by the image file, its size and mtime, the bucket and
the base model, so a changed image or model is re-encoded rather than silently reused.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from trainer.engine.buckets import Bucket, load_for_bucket
from trainer.engine.data import ImageItem
from trainer.engine.text import encode_captions

log = logging.getLogger(__name__)

#: (original_h, original_w, crop_top, crop_left, target_h, target_w): SDXL's size conditioning.
SizeInfo = tuple[int, int, int, int, int, int]


@torch.no_grad()
def encode_image(
    vae: Any, item: ImageItem, bucket: Bucket, scaling: float, shift: float, flip: bool = False
) -> tuple[torch.Tensor, SizeInfo]:
    prepared = load_for_bucket(item, bucket, flip)
    pixels = torch.from_numpy(prepared.pixels).unsqueeze(0).to(vae.device, vae.dtype)
    latents = vae.encode(pixels).latent_dist.mean
    latents = ((latents - shift) * scaling).float().cpu()[0]
    size = (*prepared.original_size, *prepared.crop_top_left, *prepared.target_size)
    return latents, size


class LatentSource:
    """Latents for (item, bucket): cached in memory, cached on disk, or encoded at every use."""

    def __init__(
        self,
        vae,  # noqa: ANN001 - AutoencoderKL
        items: Sequence[ImageItem],
        *,
        scaling: float,
        shift: float,
        mode: str | None,
        cache_dir: Path | None = None,
        model_key: str = "",
        flip_aug: bool = False,
    ) -> None:
        self.vae = vae
        #: flip_aug: both orientations are cached; `get` takes which one each sample uses.
        self.flip_aug = flip_aug
        self.items = items
        self.scaling = scaling
        self.shift = shift
        self.mode = mode  # "memory", "disk" or None (encode every step)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.model_key = model_key
        self._memory: dict[tuple[int, Bucket, bool], tuple[torch.Tensor, SizeInfo]] = {}

    def _disk_path(self, index: int, bucket: Bucket, flip: bool = False) -> Path:
        item = self.items[index]
        stat = item.path.stat()
        key = f"{item.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{bucket}|{self.model_key}"
        key += "|flipped" if flip else ""
        return self.cache_dir / f"{hashlib.sha1(key.encode()).hexdigest()}.safetensors"

    def fill(self, pairs: Iterable[tuple[int, Bucket]]) -> int:
        """Encode every (item, bucket) once; returns how many were encoded (not found on disk)."""
        if self.mode is None:
            return 0
        encoded = 0
        flips = (False, True) if self.flip_aug else (False,)
        for index, bucket, flip in sorted({(i, b, f) for i, b in pairs for f in flips}):
            if self.mode == "memory":
                if (index, bucket, flip) not in self._memory:
                    self._memory[(index, bucket, flip)] = self._encode(index, bucket, flip)
                    encoded += 1
                continue
            path = self._disk_path(index, bucket, flip)
            if not path.is_file():
                latents, size = self._encode(index, bucket, flip)
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(path.name + ".tmp")
                save_file({"latents": latents, "size": torch.tensor(size)}, str(tmp))
                tmp.replace(path)
                encoded += 1
        return encoded

    def _encode(self, index: int, bucket: Bucket, flip: bool = False) -> tuple[torch.Tensor, SizeInfo]:
        return encode_image(self.vae, self.items[index], bucket, self.scaling, self.shift, flip)

    def get(
        self, pairs: Sequence[tuple[int, Bucket]], flips: Sequence[bool] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(latents (B, 4, h, w) float32, size info (B, 6) long) for one batch; `flips` says which
        samples use the mirrored image (flip_aug)."""
        latents, sizes = [], []
        for (index, bucket), flip in zip(pairs, flips or [False] * len(pairs), strict=True):
            if self.mode == "memory":
                lat, size = self._memory.get((index, bucket, flip)) or self._encode(index, bucket, flip)
            elif self.mode == "disk":
                path = self._disk_path(index, bucket, flip)
                if path.is_file():
                    stored = load_file(str(path))
                    lat, size = stored["latents"], tuple(stored["size"].tolist())
                else:
                    lat, size = self._encode(index, bucket, flip)
            else:
                lat, size = self._encode(index, bucket, flip)
            latents.append(lat)
            sizes.append(torch.tensor(size, dtype=torch.long))
        return torch.stack(latents), torch.stack(sizes)


class TextSource:
    """Text-encoder outputs per caption: looked up from a cache or encoded with gradients."""

    def __init__(
        self,
        text_encoders: Sequence[torch.nn.Module],
        tokenizers: Sequence,
        arch: str,
        clip_skip: int,
        *,
        trainable: bool = False,
        max_token_length: int = 75,
    ) -> None:
        self.trainable = trainable
        self.max_token_length = max_token_length
        self.text_encoders = text_encoders
        self.tokenizers = tokenizers
        self.arch = arch
        self.clip_skip = clip_skip
        self._cache: dict[str, tuple[torch.Tensor, torch.Tensor | None]] | None = None

    @torch.no_grad()
    def fill(self, captions: Iterable[str]) -> int:
        """Cache every distinct caption's output (only valid while the encoders are frozen)."""
        self._cache = self._cache or {}
        todo = sorted({c for c in captions if c not in self._cache})
        # One caption at a time keeps the numbers identical to the uncached path.
        for caption in todo:
            hidden, pooled = encode_captions(
                [caption],
                self.text_encoders,
                self.tokenizers,
                self.arch,
                self.clip_skip,
                self.max_token_length,
            )
            self._cache[caption] = (hidden[0], None if pooled is None else pooled[0])
        return len(todo)

    @property
    def cached(self) -> bool:
        return self._cache is not None

    def get(self, captions: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self._cache is not None and all(c in self._cache for c in captions):
            hidden = torch.stack([self._cache[c][0] for c in captions])
            pooled_list = [self._cache[c][1] for c in captions]
            pooled = None if pooled_list[0] is None else torch.stack(pooled_list)
            return hidden, pooled
        if self.trainable:
            return encode_captions(
                captions,
                self.text_encoders,
                self.tokenizers,
                self.arch,
                self.clip_skip,
                self.max_token_length,
            )
        # Frozen but uncached: per caption, the same arithmetic as the cache.
        outs = [
            encode_captions(
                [c], self.text_encoders, self.tokenizers, self.arch, self.clip_skip, self.max_token_length
            )
            for c in captions
        ]
        hidden = torch.cat([h for h, _ in outs])
        pooled = None if outs[0][1] is None else torch.cat([p for _, p in outs])
        return hidden, pooled
