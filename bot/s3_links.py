"""Download links served by the artifact store (layout 2, docs/deploy.md): presigned S3 GETs.

When job files live in S3 (`storage.artifacts_url = "s3://..."`) a result link points straight at
the bucket: a SigV4-presigned GET, valid `files.link_ttl_seconds`, that downloads the file under its
own name (Content-Disposition). The bot's own file server then need not be reachable from outside.
Files the artifact store cannot link fall back to the bot's signed link.
"""

from __future__ import annotations

from pathlib import Path

from bot.files import LinkSigner
from config.secrets import Secret
from trainer.artifacts.base import ArtifactStore
from trainer.job_paths import JobPaths


class ArtifactLinkSigner(LinkSigner):
    """A `LinkSigner` whose links come from the artifact store when it can make them."""

    def __init__(
        self, key: Secret, base_url: str, ttl_seconds: int, *, artifacts: ArtifactStore, jobs_dir: Path
    ) -> None:
        super().__init__(key, base_url, ttl_seconds)
        self.artifacts = artifacts
        self.jobs_dir = Path(jobs_dir)

    def url(self, job_id: str, filename: str, *, now: float | None = None) -> str:
        """A presigned link to jobs/<job>/<output|samples>/<filename>; the bot's link otherwise."""
        signed = super().url(job_id, filename, now=now)  # also refuses unsafe ids and names
        paths = JobPaths(self.jobs_dir / job_id)
        for folder in paths.served:
            if (folder / filename).is_file():
                key = f"jobs/{job_id}/{paths.relative(folder)}/{filename}"
                return self.artifacts.download_url(key, filename, self.ttl_seconds) or signed
        return signed
