"""Captions to the U-Net's conditioning, per architecture.

SD 1.x / 2.x: one CLIP encoder; `clip_skip` N takes the Nth-last layer (N = 1 is the normal output)
and applies the final layer norm, as kohya and AUTOMATIC1111 do. SDXL: both encoders' penultimate
layers (moved back by clip_skip - 1) concatenated, plus the second encoder's pooled projection.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from config.arch import arch_spec
from trainer.engine.long_captions import encode_long_captions, final_layer_norm

MAX_TOKENS = 77


def tokenize(tokenizer, captions: Sequence[str]) -> torch.Tensor:  # noqa: ANN001 - CLIPTokenizer
    return tokenizer(
        list(captions), padding="max_length", max_length=MAX_TOKENS, truncation=True, return_tensors="pt"
    ).input_ids


def encode_captions(
    captions: Sequence[str],
    text_encoders: Sequence[torch.nn.Module],
    tokenizers: Sequence,
    arch: str,
    clip_skip: int,
    max_token_length: int = MAX_TOKENS - 2,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(hidden states (B, 77, D), pooled (B, P) for SDXL else None); gradients flow when enabled.

    `max_token_length` 150 / 225: chunked in 75-token pieces (long_captions.py), (B, 152 / 227, D)."""
    if max_token_length > MAX_TOKENS - 2:
        return encode_long_captions(captions, text_encoders, tokenizers, clip_skip, max_token_length)
    if len(arch_spec(arch).text_encoders) > 1:
        hidden_parts = []
        pooled = None
        for encoder, tokenizer in zip(text_encoders, tokenizers, strict=True):
            ids = tokenize(tokenizer, captions).to(encoder.device)
            out = encoder(ids, output_hidden_states=True)
            hidden_parts.append(out.hidden_states[-(clip_skip + 1)])
            if hasattr(out, "text_embeds"):
                pooled = out.text_embeds
        return torch.cat(hidden_parts, dim=-1), pooled
    encoder, tokenizer = text_encoders[0], tokenizers[0]
    ids = tokenize(tokenizer, captions).to(encoder.device)
    if clip_skip == 1:
        return encoder(ids).last_hidden_state, None
    out = encoder(ids, output_hidden_states=True)
    return final_layer_norm(encoder)(out.hidden_states[-clip_skip]), None
