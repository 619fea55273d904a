"""Captions longer than 75 tokens (`max_token_length` 150 / 225), chunked as sd-scripts does.

CLIP sees 77 positions: <BOS>, 75 tokens, <EOS>. A caption is tokenized to max_token_length + 2 and
cut into 75-token chunks; each chunk gets the caption's <BOS> in front and its last token (<EOS> or
padding) behind, and is encoded on its own. The hidden states are joined back as <BOS> + every
chunk's 75 token states + the last <EOS>: (B, max_token_length + 2, D). For tokenizers whose padding
is not <EOS> (SD 2.x, SDXL's second encoder), a chunk cut inside the text ends in <EOS>, and a chunk
with no text starts with <EOS>, as sd-scripts arranges them. SDXL's pooled embedding is the first
chunk's. A1111, Forge and ComfyUI chunk prompts the same way, so a LoRA trained on long captions
meets the same conditioning at inference.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

CHUNK = 75


def final_layer_norm(encoder) -> torch.nn.Module:  # noqa: ANN001
    """The text encoder's final LayerNorm (applied after clip_skip picks an earlier layer)."""
    # transformers 5 flattened CLIPTextModel (no `text_model` level); older versions have it.
    inner = getattr(encoder, "text_model", encoder)
    return inner.final_layer_norm


def chunk_ids(tokenizer, captions: Sequence[str], max_token_length: int) -> torch.Tensor:  # noqa: ANN001
    """Token ids (B, max_token_length / 75, 77), one row of 77 per chunk."""
    ids = tokenizer(
        list(captions),
        padding="max_length",
        max_length=max_token_length + 2,
        truncation=True,
        return_tensors="pt",
    ).input_ids
    eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id
    chunks = []
    for start in range(1, max_token_length + 1, CHUNK):
        chunk = torch.cat([ids[:, :1], ids[:, start : start + CHUNK], ids[:, -1:]], dim=1)
        if pad != eos:
            cut_in_text = (chunk[:, -2] != eos) & (chunk[:, -2] != pad)
            chunk[cut_in_text, -1] = eos
            chunk[chunk[:, 1] == pad, 1] = eos
        chunks.append(chunk)
    return torch.stack(chunks, dim=1)


def _join(hidden: torch.Tensor, batch: int, chunks: int) -> torch.Tensor:
    """(B·n, 77, D) chunk states → (B, n·75 + 2, D): <BOS>, each chunk's tokens, the last <EOS>."""
    length = hidden.shape[1]
    hidden = hidden.reshape(batch, chunks * length, hidden.shape[-1])
    parts = [hidden[:, :1]]
    parts += [hidden[:, i * length + 1 : (i + 1) * length - 1] for i in range(chunks)]
    parts.append(hidden[:, -1:])
    return torch.cat(parts, dim=1)


def encode_long_captions(
    captions: Sequence[str],
    text_encoders: Sequence[torch.nn.Module],
    tokenizers: Sequence,
    clip_skip: int,
    max_token_length: int,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Like text.encode_captions for captions up to `max_token_length` tokens."""
    batch = len(captions)
    two_encoders = len(text_encoders) > 1
    hidden_parts, pooled = [], None
    for encoder, tokenizer in zip(text_encoders, tokenizers, strict=True):
        ids = chunk_ids(tokenizer, captions, max_token_length)
        chunks = ids.shape[1]
        flat = ids.reshape(batch * chunks, -1).to(encoder.device)
        if two_encoders:
            out = encoder(flat, output_hidden_states=True)
            hidden = out.hidden_states[-(clip_skip + 1)]
            if hasattr(out, "text_embeds"):
                pooled = out.text_embeds.reshape(batch, chunks, -1)[:, 0]
        elif clip_skip == 1:
            hidden = encoder(flat).last_hidden_state
        else:
            hidden = final_layer_norm(encoder)(
                encoder(flat, output_hidden_states=True).hidden_states[-clip_skip]
            )
        hidden_parts.append(_join(hidden, batch, chunks))
    return torch.cat(hidden_parts, dim=-1), pooled
