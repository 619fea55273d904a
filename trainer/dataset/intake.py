"""Intake of untrusted uploads into a dataset folder.

`DatasetIntake(dataset_dir, limits)` takes images one by one (bytes from Discord, or files), zips of
images with sidecar captions, or whole folders. Every file ends as exactly one of:

- `Accepted`: decoded successfully; the bytes are stored unmodified as `raw/<sha256>.<ext>`;
- `Duplicate`: byte-identical to an image already in the dataset; merged (its name is recorded);
- `Rejected(name, reason, message)`: refused, with a stable reason code and a message that says what
  to do. A refusal never aborts the batch: the good files of the same upload are kept.

Only `raw/` inside the dataset folder is written; stored names come from the content hash, never from
the names users chose. `raw/index.json` lists what is stored (original names, size, format, captions).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from trainer.dataset import archive
from trainer.dataset.decode import (
    IMAGE_EXTENSIONS,
    WHITE,
    Decoded,
    Reason,
    Rejected,
    decode_bytes,
    sniff_format,
    too_large,
)
from trainer.dataset.limits import IntakeLimits

RAW_DIR = "raw"
INDEX_FILE = "index.json"
INDEX_VERSION = 1
_EXT = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp", "BMP": ".bmp", "TIFF": ".tif"}

__all__ = ["Accepted", "DatasetIntake", "Duplicate", "IntakeLimits", "IntakeResult", "Reason", "Rejected"]


@dataclass(frozen=True)
class Accepted:
    name: str
    sha256: str
    raw_file: str  # relative to the dataset folder
    width: int
    height: int
    format: str
    notes: tuple[str, ...] = ()
    caption: str | None = None


@dataclass(frozen=True)
class Duplicate:
    name: str
    sha256: str
    same_as: str  # the name under which the content was first accepted


@dataclass
class IntakeResult:
    accepted: list[Accepted] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def add(self, outcome: Accepted | Duplicate | Rejected) -> None:
        if isinstance(outcome, Accepted):
            self.accepted.append(outcome)
        elif isinstance(outcome, Duplicate):
            self.duplicates.append(outcome)
        else:
            self.rejected.append(outcome)

    def extend(self, other: IntakeResult) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected += other.rejected

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": [asdict(a) for a in self.accepted],
            "duplicates": [asdict(d) for d in self.duplicates],
            "rejected": [
                {"name": r.name, "reason": r.reason.value, "message": r.message} for r in self.rejected
            ],
        }


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class DatasetIntake:
    """Adds uploads to one dataset folder. Not thread-safe: use one instance per dataset at a time."""

    def __init__(
        self,
        dataset_dir: str | Path,
        limits: IntakeLimits | None = None,
        background: tuple[int, int, int] = WHITE,
    ) -> None:
        self.dataset_dir = Path(dataset_dir).resolve()
        self.raw_dir = self.dataset_dir / RAW_DIR
        self.limits = limits or IntakeLimits()
        self.background = background
        self._index: dict[str, dict[str, Any]] = {}
        self._depth = 0
        self._dirty = False
        index_path = self.raw_dir / INDEX_FILE
        if index_path.is_file():
            loaded = json.loads(index_path.read_text(encoding="utf-8"))
            self._index = {entry["sha256"]: entry for entry in loaded.get("images", [])}

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The stored images, in the order they were accepted."""
        return list(self._index.values())

    @contextmanager
    def _batch(self) -> Iterator[None]:
        # The index is written once per public call, not once per image of a 500-image zip.
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and self._dirty:
                self._save_index()

    def add_bytes(
        self, name: str, data: bytes, caption: str | None = None
    ) -> Accepted | Duplicate | Rejected:
        """One image upload."""
        with self._batch():
            return self._add_bytes(name, data, caption)

    def _add_bytes(self, name: str, data: bytes, caption: str | None) -> Accepted | Duplicate | Rejected:
        sha = hashlib.sha256(data).hexdigest()
        known = self._index.get(sha)
        if known is not None:
            if name not in known["names"]:
                known["names"].append(name)
            if caption and not known.get("caption"):
                known["caption"] = caption
            self._dirty = True
            return Duplicate(name, sha, known["names"][0])
        if len(self._index) >= self.limits.max_images_per_dataset:
            return Rejected(
                name,
                Reason.TOO_MANY_IMAGES,
                f"{name}: the dataset already holds {len(self._index)} images, the most allowed; "
                "remove some before adding more.",
            )
        decoded = decode_bytes(name, data, self.limits, self.background)
        if isinstance(decoded, Rejected):
            return decoded
        return self._store(name, sha, data, decoded, caption)

    def _store(self, name: str, sha: str, data: bytes, decoded: Decoded, caption: str | None) -> Accepted:
        ext = _EXT.get(sniff_format(data[:64]) or "", ".bin")
        target = self.raw_dir / f"{sha}{ext}"
        # Content-addressed names cannot escape raw/, but check anyway: this is the one place that writes.
        if target.resolve().parent != self.raw_dir.resolve():
            raise RuntimeError(f"refusing to write outside {self.raw_dir}: {target}")
        self.raw_dir.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            _atomic_write(target, data)
        width, height = decoded.image.size
        entry = {
            "sha256": sha,
            "file": f"{RAW_DIR}/{target.name}",
            "names": [name],
            "format": decoded.format,
            "mode": decoded.original_mode,
            "width": width,
            "height": height,
            "bytes": len(data),
            "notes": decoded.notes,
            "caption": caption,
        }
        self._index[sha] = entry
        self._dirty = True
        return Accepted(
            name, sha, entry["file"], width, height, decoded.format, tuple(decoded.notes), caption
        )

    def add_zip(self, name: str, data: bytes) -> IntakeResult:
        """Every image of a zip (with its sidecar caption); refused members are listed, the rest kept."""
        result = IntakeResult()
        with self._batch():
            for item in archive.iter_zip(name, data, self.limits):
                if isinstance(item, Rejected):
                    result.rejected.append(item)
                else:
                    result.add(self._add_bytes(item.name, item.data, item.caption))
        return result

    def add_upload(self, name: str, data: bytes, caption: str | None = None) -> IntakeResult:
        """An upload that may be a zip or a single image (decided by content, not by name)."""
        result = IntakeResult()
        with self._batch():
            self._add_upload(name, data, caption, result)
        return result

    def _add_upload(self, name: str, data: bytes, caption: str | None, result: IntakeResult) -> None:
        if data[:4] in (b"PK\x03\x04", b"PK\x05\x06") or name.lower().endswith(".zip"):
            result.extend(self.add_zip(name, data))
        else:
            result.add(self.add_bytes(name, data, caption))

    def add_file(self, path: str | Path, caption: str | None = None) -> IntakeResult:
        """A file on disk: an image or a zip. Symbolic links are refused; the size is checked first."""
        path = Path(path)
        result = IntakeResult()
        if path.is_symlink():
            result.rejected.append(
                Rejected(
                    path.name, Reason.SYMLINK, f"{path.name}: is a symbolic link; copy the image itself."
                )
            )
            return result
        try:
            size = path.stat().st_size
            if size > self.limits.max_upload_bytes:
                result.rejected.append(too_large(path.name, size, self.limits))
                return result
            data = path.read_bytes()
        except OSError as exc:
            result.rejected.append(
                Rejected(path.name, Reason.CORRUPT, f"{path.name}: cannot be read ({exc.strerror or exc}).")
            )
            return result
        return self.add_upload(path.name, data, caption)

    def add_folder(self, folder: str | Path) -> IntakeResult:
        """Every image and zip directly in `folder`, with same-named .txt captions beside the images."""
        folder = Path(folder)
        result = IntakeResult()
        with self._batch():
            for path in sorted(folder.iterdir()):
                self._add_folder_entry(path, result)
        return result

    def _add_folder_entry(self, path: Path, result: IntakeResult) -> None:
        if path.name.startswith(".") or path.is_dir():
            return
        suffix = path.suffix.lower()
        if suffix == archive.CAPTION_EXTENSION:
            return
        if suffix not in IMAGE_EXTENSIONS and suffix != ".zip":
            result.rejected.append(
                Rejected(
                    path.name,
                    Reason.UNSUPPORTED_FORMAT,
                    f"{path.name}: '{suffix or 'no extension'}' is not an image or zip; it was skipped.",
                )
            )
            return
        result.extend(self.add_file(path, _sidecar(path)))

    def add_many(self, uploads: Iterable[tuple[str, bytes]]) -> IntakeResult:
        """Several uploads (name, bytes), such as the attachments of one Discord message."""
        result = IntakeResult()
        with self._batch():
            for name, data in uploads:
                result.extend(self.add_upload(name, data))
        return result

    def _save_index(self) -> None:
        self.raw_dir.mkdir(parents=True, exist_ok=True)
        self._dirty = False
        payload = {"version": INDEX_VERSION, "images": list(self._index.values())}
        _atomic_write(self.raw_dir / INDEX_FILE, json.dumps(payload, indent=1, ensure_ascii=False).encode())


def _sidecar(path: Path) -> str | None:
    txt = path.with_suffix(archive.CAPTION_EXTENSION)
    if txt.is_file() and not txt.is_symlink() and txt.stat().st_size <= archive.MAX_CAPTION_BYTES:
        return txt.read_text(encoding="utf-8", errors="replace").strip() or None
    return None
