"""Copy a SQLite job store into an empty PostgreSQL one (`loracord queue migrate-store FROM TO`).

Every row of every table is copied as it is — jobs with their ids, submission order, status, leases,
progress and results; every job event; users' round-robin stamps and GPU usage; datasets, their
images and caption versions; step-time history; the paused switch — then the PostgreSQL sequences
are moved past the copied numbers and the counts are compared table by table. Both stores are
first brought to the current schema, and they must agree on it: a column the SQLite file has and
PostgreSQL lacks stops the copy before anything is written. The destination must hold no jobs.
Stop the bot and the workers first: jobs written to the old store during the copy are not copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import asyncpg

from config.secrets import Secret
from trainer.queue.pg_store import PgJobStore
from trainer.queue.sqlite_store import SqliteJobStore

#: Tables in copy order; `jobs.seq` and `job_events.seq` keep their numbers.
TABLES = (
    "jobs",
    "job_events",
    "users",
    "gpu_usage",
    "queue_state",
    "step_times",
    "datasets",
    "dataset_images",
    "caption_versions",
)
_FLOAT = {"double precision", "real"}
_INT = {"bigint", "integer", "smallint"}


class MigrateError(RuntimeError):
    """The copy cannot start (destination not empty, schemas disagree); nothing was written."""


@dataclass(frozen=True)
class MigrateReport:
    counts: dict[str, int]

    def lines(self) -> list[str]:
        return [f"{table}: {n} row(s)" for table, n in self.counts.items()]


async def migrate_store(sqlite_file: Path, pg_url: str | Secret) -> MigrateReport:
    """Copy `sqlite_file` into the PostgreSQL database `pg_url` (see the module docstring)."""
    if not Path(sqlite_file).is_file():
        raise MigrateError(f"FROM: {sqlite_file} is not a SQLite job store file (not found)")
    async with SqliteJobStore(Path(sqlite_file)) as src, PgJobStore(pg_url, pool_size=1) as dst:
        if await src.schema_version() != await dst.schema_version():
            raise MigrateError(
                f"FROM has schema version {await src.schema_version()}, TO has "
                f"{await dst.schema_version()}; run the same loracord version on both"
            )
        counts = {}
        async with dst.tx() as con:
            if await con.fetchval("SELECT COUNT(*) FROM jobs"):
                raise MigrateError("TO already holds jobs; migrate into an empty database")
            for table in TABLES:
                counts[table] = await _copy_table(src, con, table)
            for table in TABLES:
                copied = await con.fetchval(f"SELECT COUNT(*) FROM {table}")
                if copied != counts[table]:
                    raise MigrateError(
                        f"{table}: {counts[table]} row(s) read but {copied} in TO; nothing kept"
                    )
            await _derived_rows(con)
    return MigrateReport(counts)


async def _copy_table(src: SqliteJobStore, con: asyncpg.Connection, table: str) -> int:
    types = {
        r["column_name"]: r["data_type"]
        for r in await con.fetch(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1", table
        )
    }
    async with src.read() as db, db.execute(f"SELECT * FROM {table}") as cur:
        columns = [d[0] for d in cur.description]
        rows = await cur.fetchall()
    missing = [c for c in columns if c not in types]
    if missing:
        raise MigrateError(
            f"{table}: column(s) {', '.join(missing)} of FROM have no place in TO; upgrade loracord "
            "so both stores have the same schema"
        )
    if table == "users":  # a never-served user's row may already exist (from a submission): replace
        await con.execute("DELETE FROM users")
    records = [tuple(_convert(row[c], types[c]) for c in columns) for row in rows]
    if records:
        await con.copy_records_to_table(table, records=records, columns=columns)
    return len(records)


def _convert(value: object, pg_type: str) -> object:
    if value is None:
        return None
    if pg_type == "boolean":  # SQLite stores flags (datasets.private) as 0/1
        return bool(value)
    if pg_type in _FLOAT:
        return float(value)
    if pg_type in _INT:
        return int(value)
    return value


async def _derived_rows(con: asyncpg.Connection) -> None:
    """Lock rows the PostgreSQL claim needs (every owner in `users`, every guild in `guilds`) and
    sequences moved past the copied numbers."""
    await con.execute(
        "INSERT INTO users (owner_id, last_served) SELECT DISTINCT owner_id, 0 FROM jobs "
        "ON CONFLICT DO NOTHING"
    )
    await con.execute(
        "INSERT INTO guilds (guild_id) SELECT DISTINCT guild_id FROM jobs WHERE guild_id IS NOT NULL "
        "ON CONFLICT DO NOTHING"
    )
    await con.execute("SELECT setval('jobs_seq_seq', GREATEST((SELECT MAX(seq) FROM jobs), 1))")
    await con.execute("SELECT setval('job_events_seq_seq', GREATEST((SELECT MAX(seq) FROM job_events), 1))")
    await con.execute("SELECT setval('serve_counter', GREATEST((SELECT MAX(last_served) FROM users), 1))")
