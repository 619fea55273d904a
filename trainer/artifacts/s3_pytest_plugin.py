"""pytest fixtures for a real S3 API server on loopback: `s3_server` (one per session) and
`s3_options` (a fresh bucket per test, as `ArtifactOptions`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import boto3
import pytest

from trainer.artifacts.base import ArtifactOptions
from trainer.artifacts.s3_local import ACCESS_KEY, SECRET_KEY, LocalS3, start_local_s3

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalS3]:
    server = start_local_s3(tmp_path_factory.mktemp("s3") / "moto.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_options(s3_server: LocalS3, tmp_path) -> ArtifactOptions:  # noqa: ANN001
    bucket = f"loracord-test-{next(_numbers)}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    return ArtifactOptions(
        url=f"s3://{bucket}/lora",
        data_dir=tmp_path / "data",
        endpoint_url=s3_server.endpoint_url,
        region="us-east-1",
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
    )
