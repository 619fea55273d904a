"""A host's cache of job inputs: content-addressed, size-capped, least recently used go first.

Inputs are stored in the artifact store as `blobs/sha256/<hex>`; a worker that needs one fetches it
into `DATA_DIR/cache/inputs/<hex[:2]>/<hex>` once (checked against its hash), then hard-links it into
each job folder that uses it. Every use touches the file; when the cache holds more than its cap,
the least recently used files go (a file a job folder still links stays on disk until that folder
goes: the cap bounds the cache, not the job folders).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from trainer.artifacts.base import ArtifactStore, ArtifactUnavailable, file_sha256


def blob_key(sha256: str) -> str:
    return f"blobs/sha256/{sha256}"


class InputCache:
    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_bytes = max(0, int(max_bytes))
        self._lock = threading.Lock()

    def path_of(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def fetch(self, store: ArtifactStore, sha256: str) -> Path:
        """The cached file with this content, fetched from `store` when missing (and verified)."""
        path = self.path_of(sha256)
        if path.is_file():
            os.utime(path)  # most recently used
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".fetch-{sha256}-{os.getpid()}-{threading.get_ident()}")
        try:
            store.get_file(blob_key(sha256), tmp)
            if file_sha256(tmp) != sha256:
                raise ArtifactUnavailable(f"input {sha256[:12]}... arrived corrupt; try again")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        self.evict(keep=path)
        return path

    def link_into(self, store: ArtifactStore, sha256: str, dest: Path) -> None:
        """Put the input at `dest` (a hard link to the cached file; a copy across file systems)."""
        src = self.fetch(store, sha256)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)
        try:
            os.link(src, dest)
        except OSError:
            shutil.copyfile(src, dest)

    def size(self) -> int:
        return sum(p.stat().st_size for p in self._files())

    def evict(self, keep: Path | None = None) -> list[Path]:
        """Delete least recently used files until the cache fits its cap; returns what went."""
        with self._lock:
            files = sorted(self._files(), key=lambda p: p.stat().st_mtime)
            total = sum(p.stat().st_size for p in files)
            gone = []
            for p in files:
                if total <= self.max_bytes:
                    break
                if keep is not None and p == keep:
                    continue
                total -= p.stat().st_size
                p.unlink(missing_ok=True)
                gone.append(p)
            return gone

    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return [p for p in self.folder.glob("*/*") if p.is_file() and not p.name.startswith(".fetch-")]
