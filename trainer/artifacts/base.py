"""The artifact store interface and its options.

Keys are `/`-separated paths: `blobs/sha256/<hex>` for inputs (content-addressed, so the same image
uploaded twice is stored once), `jobs/<id>/...` for a job's manifest, checkpoints and results. Every
`put_file` is all-or-nothing: a reader sees the whole object or none (S3 completes a multipart
upload atomically; the local store renames a finished temporary file).
"""

from __future__ import annotations

import abc
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def file_sha256(path: Path) -> str:
    """The file's sha256 (hex), read in 4 MiB pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


class ArtifactConfigError(ValueError):
    """A `storage.*` artifact setting is wrong (missing bucket, refused credentials, bad URL)."""


class ArtifactUnavailable(RuntimeError):
    """The storage service cannot be reached now; trying again later may work."""


@dataclass(frozen=True)
class ArtifactOptions:
    """`storage.artifacts_url` and the S3 settings (the secret already revealed by the caller)."""

    url: str = ""
    data_dir: Path = Path("data")
    endpoint_url: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    cache_gb: float = 20.0

    @property
    def is_s3(self) -> bool:
        return self.url.startswith("s3://")

    @property
    def cache_dir(self) -> Path:
        return Path(self.data_dir) / "cache" / "inputs"

    @classmethod
    def from_settings(cls, settings: Any) -> ArtifactOptions:
        storage = getattr(settings, "storage", None)
        secret = getattr(storage, "s3_secret_access_key", None)
        return cls(
            url=str(getattr(storage, "artifacts_url", "") or ""),
            data_dir=Path(getattr(storage, "data_dir", "data")),
            endpoint_url=str(getattr(storage, "s3_endpoint_url", "") or ""),
            region=str(getattr(storage, "s3_region", "") or ""),
            access_key_id=str(getattr(storage, "s3_access_key_id", "") or ""),
            secret_access_key=secret.reveal() if secret else "",
            cache_gb=float(getattr(storage, "cache_gb", 20.0)),
        )

    def __repr__(self) -> str:  # never the secret
        return f"ArtifactOptions(url={self.url!r}, endpoint_url={self.endpoint_url!r})"


class ArtifactStore(abc.ABC):
    """Blocking calls (callers on an event loop use `asyncio.to_thread`)."""

    @abc.abstractmethod
    def put_file(self, key: str, path: Path, *, sha256: str | None = None) -> None:
        """Store the file under `key`, all or nothing (a failed upload leaves no object)."""

    @abc.abstractmethod
    def get_file(self, key: str, dest: Path) -> None:
        """Write the object to `dest` (through a temporary file: `dest` is whole or absent)."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def list_keys(self, prefix: str) -> list[str]:
        """Every key under `prefix`, sorted."""

    @abc.abstractmethod
    def delete_prefix(self, prefix: str) -> int: ...

    @abc.abstractmethod
    def put_bytes(self, key: str, data: bytes) -> None: ...

    @abc.abstractmethod
    def get_bytes(self, key: str) -> bytes:
        """The object's bytes; `KeyError` when there is none."""

    def download_url(self, key: str, filename: str, expires_s: int) -> str | None:
        """A link users download `key` from as `filename`, valid `expires_s`; None when this store
        cannot make one (the local store: the bot's own signed file server serves the file)."""
        return None
