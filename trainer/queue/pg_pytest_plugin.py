"""pytest fixtures for a real PostgreSQL server (the tests' store contract suite, two-host tests).

`pg_server` starts one scratch cluster per test session from the installed binaries (a few seconds);
`pg_url` gives each test its own database, copied from a template that already holds the schema, so
tests never see each other's jobs. No mock database anywhere.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from trainer.queue.pg_local import LocalPostgres, create_database, start_local_postgres

_numbers = itertools.count(1)
TEMPLATE = "loracord_template"


async def _prepare_template(server: LocalPostgres) -> None:
    from trainer.queue.pg_store import PgJobStore

    await create_database(server.url(), TEMPLATE)
    async with PgJobStore(server.url(TEMPLATE), pool_size=1):
        pass  # opening applies the migrations


@pytest.fixture(scope="session")
def pg_server() -> Iterator[LocalPostgres]:
    # Not under pytest's tmp folder: that one is private to root, and the server runs as `postgres`.
    folder = Path(tempfile.mkdtemp(prefix="loracord-pg-"))
    server = start_local_postgres(folder)
    try:
        asyncio.run(_prepare_template(server))
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: LocalPostgres) -> str:
    """A fresh database with the current schema, for one test."""
    name = f"t{next(_numbers)}"
    asyncio.run(create_database(pg_server.url(), name, template=TEMPLATE))
    return pg_server.url(name)
