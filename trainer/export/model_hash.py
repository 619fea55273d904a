"""The base model's hashes for `ss_sd_model_hash` / `ss_new_sd_model_hash`, computed as sd-scripts does.

- `ss_sd_model_hash`: AUTOMATIC1111's legacy model hash, the first 8 hex digits of the SHA-256 of the
  64 KiB at offset 1 MiB of the checkpoint file (files under 1 MiB hash the empty string).
- `ss_new_sd_model_hash`: the SHA-256 of the whole file (A1111's "new" hash, what Civitai matches on).

A diffusers folder is not one file, so neither hash can match an entry in A1111's or Civitai's model
lists. sd-scripts writes the text its hash helpers return for a folder, `IsADirectory`, in both keys;
loracord writes the same, so tools that compare files see what they see for an sd-scripts run on the
same base (docs/lora-format.md). A hub id that is not a local path gets neither key, as in sd-scripts.

The full SHA-256 of a multi-GB checkpoint takes tens of seconds: `base_model_hashes` keeps the result
in a small cache file keyed by the file's path, size and modification time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

LEGACY_OFFSET = 0x100000
LEGACY_LENGTH = 0x10000
FOLDER = "IsADirectory"
_CHUNK = 1 << 20


def legacy_hash(path: Path) -> str:
    """A1111's old 8-digit model hash of a file."""
    with open(path, "rb") as f:
        f.seek(LEGACY_OFFSET)
        return hashlib.sha256(f.read(LEGACY_LENGTH)).hexdigest()[:8]


def file_sha256(path: Path) -> str:
    """SHA-256 of the whole file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def base_model_hashes(pretrained: str, cache: Path | None = None) -> dict[str, str]:
    """{"sd_model_hash", "new_sd_model_hash"} for a local base (file or folder); {} for a hub id."""
    path = Path(pretrained)
    if not path.exists():
        return {}
    if path.is_dir():
        return {"sd_model_hash": FOLDER, "new_sd_model_hash": FOLDER}
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    if cache is not None and cache.is_file():
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            if stored.get("key") == key:
                return dict(stored["hashes"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache is recomputed
    hashes = {"sd_model_hash": legacy_hash(path), "new_sd_model_hash": file_sha256(path)}
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps({"key": key, "hashes": hashes}), encoding="utf-8")
        except OSError:
            pass  # the cache only saves time
    return hashes
