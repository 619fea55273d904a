"""Layout 2 (docs/deploy.md): result links are presigned S3 GETs when job files live in S3."""

from __future__ import annotations

import urllib.parse
import urllib.request

from bot.files import LinkSigner
from bot.s3_links import ArtifactLinkSigner
from config.secrets import Secret
from trainer.artifacts.backends import open_artifacts
from trainer.artifacts.local import LocalArtifacts

KEY = Secret("k" * 32)


def _job(jobs_dir):
    output = jobs_dir / "j1" / "output"
    output.mkdir(parents=True)
    (output / "cat.safetensors").write_bytes(b"the lora")
    return output / "cat.safetensors"


def test_a_result_link_downloads_the_file_from_the_bucket(s3_options, tmp_path):
    artifacts = open_artifacts(s3_options)
    path = _job(tmp_path / "jobs")
    artifacts.put_file("jobs/j1/output/cat.safetensors", path)
    signer = ArtifactLinkSigner(
        KEY, "https://bot.example.org/files", 3600, artifacts=artifacts, jobs_dir=tmp_path / "jobs"
    )
    url = signer.url("j1", "cat.safetensors")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert not url.startswith("https://bot.example.org")
    assert query["X-Amz-Expires"] == ["3600"] and "X-Amz-Signature" in query
    assert "cat.safetensors" in query["response-content-disposition"][0]
    with urllib.request.urlopen(url) as answer:
        assert answer.read() == b"the lora"
    # A file the bot does not have falls back to the bot's own signed link.
    assert signer.url("j1", "other.png").startswith("https://bot.example.org/files/j1/other.png?")


def test_a_local_artifact_store_keeps_the_bots_links(tmp_path):
    _job(tmp_path / "jobs")
    signer = ArtifactLinkSigner(
        KEY, "https://bot.example.org/files", 60, artifacts=LocalArtifacts(tmp_path / "shared"),
        jobs_dir=tmp_path / "jobs",
    )  # fmt: skip
    plain = LinkSigner(KEY, "https://bot.example.org/files", 60)
    assert signer.url("j1", "cat.safetensors", now=0) == plain.url("j1", "cat.safetensors", now=0)
