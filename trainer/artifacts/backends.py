"""The artifact store a deployment uses: the local folder (default) or S3. `open_artifacts(options)` is
the one place that picks a backend; base.py holds only the interface, which the backends import.
"""

from __future__ import annotations

from pathlib import Path

from trainer.artifacts.base import ArtifactConfigError, ArtifactOptions, ArtifactStore


def open_artifacts(options: ArtifactOptions) -> ArtifactStore:
    """The store `storage.artifacts_url` names; the local folder DATA_DIR/artifacts when empty."""
    if options.is_s3:
        from trainer.artifacts.s3 import S3Artifacts

        return S3Artifacts(options)
    if options.url:
        raise ArtifactConfigError(
            f"storage.artifacts_url: {options.url!r} is not supported; use s3://BUCKET/PREFIX or leave it empty"
        )
    from trainer.artifacts.local import LocalArtifacts

    return LocalArtifacts(Path(options.data_dir) / "artifacts")
