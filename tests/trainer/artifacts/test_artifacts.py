"""Artifact storage on the local folder and on a real S3 API server (moto_server on loopback)."""

from __future__ import annotations

import hashlib
import urllib.request
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.exceptions import ClientError

from trainer.artifacts.backends import open_artifacts
from trainer.artifacts.base import ArtifactConfigError, ArtifactOptions, file_sha256
from trainer.artifacts.cache import InputCache, blob_key
from trainer.artifacts.local import LocalArtifacts
from trainer.artifacts.s3 import S3Artifacts

MiB = 2**20


@pytest.fixture(params=["local", "s3"])
def artifacts(request, tmp_path):
    if request.param == "local":
        return LocalArtifacts(tmp_path / "artifacts")
    return open_artifacts(request.getfixturevalue("s3_options"))


def test_put_get_list_delete_on_both_backends(artifacts, tmp_path):
    src = tmp_path / "a.bin"
    src.write_bytes(b"lora weights")
    artifacts.put_file("jobs/j1/output/a.safetensors", src)
    artifacts.put_bytes("jobs/j1/inputs.json", b"{}")
    assert artifacts.exists("jobs/j1/output/a.safetensors") and not artifacts.exists("jobs/j1/nope")
    assert artifacts.list_keys("jobs/j1/") == ["jobs/j1/inputs.json", "jobs/j1/output/a.safetensors"]
    artifacts.get_file("jobs/j1/output/a.safetensors", tmp_path / "back" / "a.bin")
    assert (tmp_path / "back" / "a.bin").read_bytes() == b"lora weights"
    assert artifacts.get_bytes("jobs/j1/inputs.json") == b"{}"
    with pytest.raises(KeyError):
        artifacts.get_bytes("jobs/j1/missing")
    with pytest.raises(KeyError):
        artifacts.get_file("jobs/j1/missing", tmp_path / "m")
    assert not (tmp_path / "m").exists()
    assert artifacts.delete_prefix("jobs/j1/") == 2 and artifacts.list_keys("jobs/") == []


def _sparse(path, size):
    """A large file made in no time: mostly holes, a few marked places so parts differ."""
    with open(path, "wb") as f:
        f.truncate(size)
        for at in range(0, size, 7 * MiB):
            f.seek(at)
            f.write(at.to_bytes(8, "little") * 64)
    return path


def test_a_file_over_100_mib_goes_up_in_parts_and_comes_back_whole(s3_options, tmp_path):
    store = open_artifacts(s3_options)
    big = _sparse(tmp_path / "big.safetensors", 110 * MiB)
    store.put_file("jobs/j/output/big.safetensors", big)
    head = store.client.head_object(Bucket=store.bucket, Key=store._key("jobs/j/output/big.safetensors"))
    assert head["ContentLength"] == 110 * MiB
    assert "-" in head["ETag"]  # a multipart upload's ETag is "<md5 of md5s>-<parts>"
    store.get_file("jobs/j/output/big.safetensors", tmp_path / "back")
    assert file_sha256(tmp_path / "back") == file_sha256(big)


def test_an_interrupted_upload_leaves_no_object_and_a_retry_is_whole(s3_options, tmp_path):
    store = open_artifacts(s3_options)
    big = _sparse(tmp_path / "ckpt.bin", 101 * MiB)
    sent = []

    def cut_after_40_mib(n):
        sent.append(n)
        if sum(sent) > 40 * MiB:
            raise ConnectionResetError("network cut mid-upload")

    with pytest.raises(ConnectionResetError):
        store.put_file("jobs/j/checkpoints/step_000010/model.bin", big, callback=cut_after_40_mib)
    assert not store.exists("jobs/j/checkpoints/step_000010/model.bin")  # no half object
    assert not store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads")  # aborted
    store.put_file("jobs/j/checkpoints/step_000010/model.bin", big)  # the retry
    store.get_file("jobs/j/checkpoints/step_000010/model.bin", tmp_path / "back")
    assert file_sha256(tmp_path / "back") == file_sha256(big)


def test_presigned_link_downloads_the_file_under_its_name(s3_options, tmp_path):
    store = open_artifacts(s3_options)
    (tmp_path / "f").write_bytes(b"kohya lora")
    store.put_file("jobs/j/output/cat.safetensors", tmp_path / "f")
    url = store.download_url("jobs/j/output/cat.safetensors", "cat_lora.safetensors", expires_s=3600)
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["3600"] and query["X-Amz-Signature"]  # SigV4, valid one hour
    # The service answers with this header (moto's server ignores the override, so the URL is checked).
    assert query["response-content-disposition"] == ['attachment; filename="cat_lora.safetensors"']
    with urllib.request.urlopen(url) as answer:
        assert answer.read() == b"kohya lora"
    assert LocalArtifacts(tmp_path).download_url("k", "x", 60) is None  # the bot's own links then


def test_missing_bucket_and_refused_credentials_name_the_setting(s3_options):
    from dataclasses import replace

    store = open_artifacts(replace(s3_options, url="s3://no-such-bucket-here/x"))
    with pytest.raises(
        ArtifactConfigError, match=r"^storage.artifacts_url: the bucket 'no-such-bucket-here'"
    ):
        store.check()
    open_artifacts(s3_options).check()  # the real bucket is fine
    # moto accepts any key pair, so the service's refusal is built as AWS sends it.
    refused = ClientError({"Error": {"Code": "InvalidAccessKeyId", "Message": "no such key"}}, "HeadBucket")
    message = str(store.explain(refused))
    assert message.startswith("storage.s3_access_key_id / storage.s3_secret_access_key:")
    assert s3_options.secret_access_key not in message + repr(s3_options)
    with pytest.raises(ArtifactConfigError, match=r"storage\.artifacts_url"):
        open_artifacts(ArtifactOptions(url="gs://bucket"))


def test_input_cache_is_content_addressed_capped_and_least_recently_used(tmp_path):
    store = LocalArtifacts(tmp_path / "artifacts")
    shas = []
    for i in range(3):
        data = bytes([i]) * 1000
        sha = hashlib.sha256(data).hexdigest()
        store.put_bytes(blob_key(sha), data)
        shas.append(sha)
    cache = InputCache(tmp_path / "cache", max_bytes=2000)
    a = cache.fetch(store, shas[0])
    cache.fetch(store, shas[1])
    import os

    os.utime(a, (1, 1))
    cache.fetch(store, shas[1])  # used again: the most recent
    cache.fetch(store, shas[2])  # over the cap: the least recently used (shas[0]) goes
    assert not a.exists() and cache.path_of(shas[1]).exists() and cache.path_of(shas[2]).exists()
    assert cache.size() <= 2000
    store.put_bytes(blob_key("0" * 64), b"not what the name says")
    with pytest.raises(Exception, match="corrupt"):
        cache.fetch(store, "0" * 64)
    assert not cache.path_of("0" * 64).exists()


def test_s3_options_never_show_the_secret(s3_options):
    assert s3_options.secret_access_key not in repr(s3_options)
    assert isinstance(open_artifacts(s3_options), S3Artifacts)
    assert boto3  # the client library is a dependency, not a test-only one
