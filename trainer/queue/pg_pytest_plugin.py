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

from trainer.queue.pg_local import (
    PASSWORD_GROUP,
    SUPERUSER,
    LocalPostgres,
    create_database,
    start_local_postgres,
)

_numbers = itertools.count(1)
TEMPLATE = "loracord_template"


async def _prepare_template(server: LocalPostgres) -> None:
    from trainer.queue.pg_store import PgJobStore

    await _sql(server.url(), f"CREATE ROLE {PASSWORD_GROUP} NOLOGIN")
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


async def _sql(server_url: str, *statements: str) -> None:
    import asyncpg

    con = await asyncpg.connect(server_url)
    try:
        for statement in statements:
            await con.execute(statement)
    finally:
        await con.close()


@pytest.fixture
def pg_password_url(pg_server: LocalPostgres) -> str:
    """A fresh, empty database owned by a role that must give its password (a real scram-sha-256
    check, unlike the trusted superuser of `pg_url`): the URL carries the right password."""
    n = next(_numbers)
    role, password, name = f"pw{n}", f"pw-{n}-Zq9xK2-right", f"pwdb{n}"
    asyncio.run(
        _sql(
            pg_server.url(),
            f"CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE {PASSWORD_GROUP}",
            f'CREATE DATABASE "{name}" OWNER {role}',
        )
    )
    return pg_server.url(name).replace(f"//{SUPERUSER}@", f"//{role}:{password}@", 1)
