"""The real Stable Diffusion CLIP tokenizer, derived offline from the BPE list open-clip-torch ships.

SD 1.x, SD 2.x and both SDXL text encoders use OpenAI CLIP's byte-level BPE vocabulary (49,408 ids).
No model hub is reachable from tests, but `open-clip-torch` carries the merge list
(`open_clip/bpe_simple_vocab_16e6.txt.gz`). From it we rebuild the Hugging Face files the standard way:
the 256 byte symbols, the same with the end-of-word marker `</w>`, one entry per merge, then the two
special tokens. That reproduces `openai/clip-vit-large-patch14`'s vocab.json and merges.txt exactly.

The only difference between the tokenizers of the SD families is the padding token: SD 1.x pads with
`<|endoftext|>`; the OpenCLIP encoders (SD 2.x's and SDXL's second) pad with `!` (id 0).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

BPE_FILE = "bpe_simple_vocab_16e6.txt.gz"
#: CLIP's context length; every SD text encoder has 77 positions.
MODEL_MAX_LENGTH = 77
#: How many merges CLIP uses: the 49,152 - 256 - 2 lines after the header of the BPE file.
NUM_MERGES = 49152 - 256 - 2
VOCAB_SIZE = 256 * 2 + NUM_MERGES + 2
BOS_TOKEN = "<|startoftext|>"
EOS_TOKEN = "<|endoftext|>"
#: Padding per tokenizer flavour: "clip" is OpenAI CLIP (SD 1.x, SDXL's first encoder),
#: "openclip" is the OpenCLIP ViT-H / bigG encoders of SD 2.x and SDXL's second encoder.
PAD_TOKENS = {"clip": EOS_TOKEN, "openclip": "!"}


class TokenizerSourceError(RuntimeError):
    """The BPE vocabulary cannot be found or read (open-clip-torch missing or damaged)."""


def bpe_vocab_path() -> Path:
    """Locate open_clip's BPE file without importing open_clip (its import pulls in torchvision)."""
    spec = importlib.util.find_spec("open_clip")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        candidate = Path(folder) / BPE_FILE
        if candidate.is_file():
            return candidate
    raise TokenizerSourceError(
        f"cannot find {BPE_FILE} from the open-clip-torch package; install it with "
        "`.venv/bin/pip install --no-deps open-clip-torch` (it only provides the CLIP vocabulary)"
    )


def bytes_to_unicode() -> dict[int, str]:
    """CLIP's (and GPT-2's) reversible map from the 256 byte values to printable characters.

    Printable Latin-1 bytes stand for themselves; the others (controls, space, ...) get code points
    from 256 upwards, in byte order. The dict's order (printable bytes first) is the order in which
    CLIP assigns the first 256 ids.
    """
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    table: dict[int, str] = {b: chr(b) for b in printable}
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + len(table) - len(printable))
    return table


@lru_cache(maxsize=1)
def derive_vocab_and_merges(bpe_path: str | None = None) -> tuple[dict[str, int], list[str]]:
    """Build (vocab token -> id, merge lines "a b") from open_clip's BPE list."""
    path = Path(bpe_path) if bpe_path else bpe_vocab_path()
    try:
        lines = gzip.decompress(path.read_bytes()).decode("utf-8").split("\n")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise TokenizerSourceError(
            f"cannot read the CLIP BPE list {path}: {exc}; reinstall open-clip-torch"
        ) from exc
    # Line 0 is a version comment; CLIP uses exactly the next NUM_MERGES lines.
    merges = lines[1 : NUM_MERGES + 1]
    if len(merges) != NUM_MERGES or any(len(m.split()) != 2 for m in merges):
        raise TokenizerSourceError(
            f"{path} does not hold {NUM_MERGES} merges of two symbols; reinstall open-clip-torch"
        )
    symbols = list(bytes_to_unicode().values())
    tokens = symbols + [s + "</w>" for s in symbols] + ["".join(m.split()) for m in merges]
    tokens += [BOS_TOKEN, EOS_TOKEN]
    vocab = {token: i for i, token in enumerate(tokens)}
    if len(vocab) != VOCAB_SIZE:
        raise TokenizerSourceError(f"derived {len(vocab)} distinct tokens from {path}, expected {VOCAB_SIZE}")
    return vocab, merges


def _special(content: str) -> dict[str, object]:
    return {"content": content, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}


def write_tokenizer(folder: Path, flavour: str = "clip") -> Path:
    """Write a tokenizer folder loadable with `CLIPTokenizer.from_pretrained(folder, model_max_length=77)`.

    `flavour` is "clip" (pads with `<|endoftext|>`) or "openclip" (pads with `!`, as SD 2.x and
    SDXL's `tokenizer_2` do). Files are written atomically so a crash never leaves half a vocabulary.
    """
    if flavour not in PAD_TOKENS:
        raise ValueError(f"tokenizer flavour must be one of {sorted(PAD_TOKENS)}, got {flavour!r}")
    vocab, merges = derive_vocab_and_merges()
    folder.mkdir(parents=True, exist_ok=True)
    pad = PAD_TOKENS[flavour]
    special_map = {
        "bos_token": _special(BOS_TOKEN),
        "eos_token": _special(EOS_TOKEN),
        "unk_token": _special(EOS_TOKEN),
        "pad_token": pad,
    }
    config = {
        "add_prefix_space": False,
        "bos_token": BOS_TOKEN,
        "clean_up_tokenization_spaces": True,
        "do_lower_case": True,
        "eos_token": EOS_TOKEN,
        "errors": "replace",
        "model_max_length": MODEL_MAX_LENGTH,
        "pad_token": pad,
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": EOS_TOKEN,
    }
    files = {
        "vocab.json": json.dumps(vocab, ensure_ascii=False),
        "merges.txt": "#version: 0.2\n" + "\n".join(merges) + "\n",
        "special_tokens_map.json": json.dumps(special_map, indent=2),
        "tokenizer_config.json": json.dumps(config, indent=2),
    }
    for name, text in files.items():
        _write_atomic(folder / name, text)
    return folder


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes owner-only files; a model folder is shared read-only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_tokenizer(folder: Path):  # noqa: ANN201 - transformers type imported lazily
    """Load a tokenizer folder written by `write_tokenizer` (or any SD tokenizer folder)."""
    from transformers import CLIPTokenizer

    # Without model_max_length=77 transformers 5 pads to a huge length and overflows.
    return CLIPTokenizer.from_pretrained(str(folder), model_max_length=MODEL_MAX_LENGTH)
