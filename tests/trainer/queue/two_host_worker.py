"""One worker 'host' for the two-host test: its own data folder; shares only PostgreSQL and S3.

python two_host_worker.py PG_URL ARTIFACT_OPTIONS_JSON DATA_DIR WORKER_ID
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path

from trainer.artifacts.backends import open_artifacts
from trainer.artifacts.base import ArtifactOptions
from trainer.queue.options import QueueLimits, QueueOptions, WorkerOptions
from trainer.queue.pg_store import PgJobStore
from trainer.queue.shared_store import HostOptions, SharedStore
from trainer.queue.worker import Worker


async def main(pg_url: str, artifacts_json: str, data_dir: str, worker_id: str) -> None:
    artifacts = open_artifacts(ArtifactOptions(**json.loads(artifacts_json)))
    host = HostOptions(data_dir=Path(data_dir), archs=("sd15",), vram_gb=24.0)
    options = WorkerOptions(
        queue=QueueOptions(data_dir=Path(data_dir), database_url=pg_url, limits=QueueLimits(0, 0, 0, 0)),
        lease_seconds=4.0,
        heartbeat_seconds=0.5,
        cancel_grace_seconds=20,
        min_free_disk_gb=0.0,
        poll_seconds=0.05,
        idle_seconds=0.2,
    )
    async with SharedStore(PgJobStore(pg_url), artifacts, host) as store:
        await Worker(store, options, worker_id=worker_id).run_until_empty()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(*sys.argv[1:5]))
