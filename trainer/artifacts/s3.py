"""Artifacts in any S3-compatible service (AWS S3, MinIO, Cloudflare R2, Backblaze B2) via boto3.

Uploads go through boto3's managed transfer: files above 64 MiB are sent as a multipart upload in
16 MiB parts, several at once, and a part that fails is retried by boto3. A transfer that fails
anyway is aborted (no half object is ever visible: S3 makes the object appear only when the upload
completes), and the caller's retry starts again. Each object carries its sha256 in its metadata;
`get_file` checks it, so a corrupt download never replaces a good file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from trainer.artifacts.base import (
    ArtifactConfigError,
    ArtifactOptions,
    ArtifactStore,
    ArtifactUnavailable,
    file_sha256,
)

log = logging.getLogger(__name__)

MiB = 2**20
TRANSFER = TransferConfig(multipart_threshold=64 * MiB, multipart_chunksize=16 * MiB, max_concurrency=4)
_CREDENTIALS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "403"}


class S3Artifacts(ArtifactStore):
    def __init__(self, options: ArtifactOptions, *, transfer: TransferConfig = TRANSFER) -> None:
        rest = options.url.removeprefix("s3://")
        self.bucket, _, prefix = rest.partition("/")
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.options = options
        self.transfer = transfer
        self.client = boto3.client(
            "s3",
            endpoint_url=options.endpoint_url or None,
            region_name=options.region or None,
            aws_access_key_id=options.access_key_id or None,
            aws_secret_access_key=options.secret_access_key or None,
            config=Config(
                signature_version="s3v4", retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=10
            ),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    # --- errors ---------------------------------------------------------------------------------------
    def explain(self, exc: Exception) -> Exception:
        """One clear message naming the setting to fix."""
        where = self.options.endpoint_url or "AWS S3"
        if isinstance(exc, EndpointConnectionError):
            return ArtifactUnavailable(f"storage.s3_endpoint_url: cannot reach {where} ({exc})")
        if isinstance(exc, ClientError):
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("NoSuchBucket", "404") and "Key" not in exc.response.get("Error", {}):
                return ArtifactConfigError(
                    f"storage.artifacts_url: the bucket {self.bucket!r} does not exist at {where}; "
                    "create it (or fix the name)"
                )
            if code in _CREDENTIALS:
                return ArtifactConfigError(
                    f"storage.s3_access_key_id / storage.s3_secret_access_key: {where} refused the "
                    f"credentials ({code}) for bucket {self.bucket!r}; check the key pair and its permissions"
                )
            if code == "RequestTimeTooSkewed":
                return ArtifactConfigError(
                    f"this host's clock differs too much from {where}'s ({code}); synchronise it (NTP)"
                )
        if isinstance(exc, BotoCoreError):
            return ArtifactUnavailable(f"storage.s3_endpoint_url: {where}: {exc}")
        return exc

    def check(self) -> None:
        """Raise a clear error now if the bucket is missing or the credentials are refused."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as exc:
            raise self.explain(exc) from exc

    # --- objects ----------------------------------------------------------------------------------------
    def put_file(self, key: str, path: Path, *, sha256: str | None = None, callback: Any = None) -> None:
        extra = {"Metadata": {"sha256": sha256 or file_sha256(Path(path))}}
        try:
            self.client.upload_file(
                str(path),
                self.bucket,
                self._key(key),
                ExtraArgs=extra,
                Config=self.transfer,
                Callback=callback,
            )
        except (ClientError, BotoCoreError) as exc:
            raise self.explain(exc) from exc

    def get_file(self, key: str, dest: Path) -> None:
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".part-")
        os.close(fd)
        try:
            try:
                head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
                self.client.download_file(self.bucket, self._key(key), tmp, Config=self.transfer)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                    raise KeyError(key) from None
                raise self.explain(exc) from exc
            except BotoCoreError as exc:
                raise self.explain(exc) from exc
            expected = head.get("Metadata", {}).get("sha256")
            if expected and file_sha256(Path(tmp)) != expected:
                raise ArtifactUnavailable(f"download of {key} was corrupt (sha256 mismatch); try again")
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                return False
            raise self.explain(exc) from exc

    def list_keys(self, prefix: str) -> list[str]:
        keys: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
                keys += [o["Key"][len(self.prefix) :] for o in page.get("Contents", [])]
        except (ClientError, BotoCoreError) as exc:
            raise self.explain(exc) from exc
        return sorted(keys)

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list_keys(prefix)
        for start in range(0, len(keys), 1000):
            batch = [{"Key": self._key(k)} for k in keys[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch})
        return len(keys)

    def put_bytes(self, key: str, data: bytes) -> None:
        meta = {"sha256": hashlib.sha256(data).hexdigest()}
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, Metadata=meta)
        except (ClientError, BotoCoreError) as exc:
            raise self.explain(exc) from exc

    def get_bytes(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise KeyError(key) from None
            raise self.explain(exc) from exc

    def download_url(self, key: str, filename: str, expires_s: int) -> str | None:
        """A presigned GET that saves as `filename` (Content-Disposition), valid `expires_s`."""
        safe = filename.replace('"', "").replace("\\", "")
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._key(key),
                "ResponseContentDisposition": f'attachment; filename="{safe}"',
            },
            ExpiresIn=int(expires_s),
        )
