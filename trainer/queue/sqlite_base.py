"""The SQLite connection under the job store: WAL, a busy timeout, explicit transactions, migrations.

One aiosqlite connection per store, guarded by an asyncio lock so that two coroutines of the same
process never interleave statements of different transactions. Writers start with `BEGIN IMMEDIATE`,
which takes SQLite's write lock up front: two processes claiming at once are serialised by SQLite
(waiting up to the busy timeout) instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import importlib.resources
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from trainer.queue.store import StoreUnavailable

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0
_TRANSIENT = ("locked", "busy", "disk i/o", "unable to open", "database or disk is full")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every migration shipped in trainer/queue/migrations, in order."""
    folder = importlib.resources.files("trainer.queue").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    if not found:
        raise RuntimeError(
            "the job store's migrations (trainer/queue/migrations/*.sql) are missing from this "
            "installation; reinstall loracord (the package data must include *.sql)"
        )
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"job store migrations must be numbered 0001, 0002, ... without gaps: {numbers}")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit and break the transaction)."""
    statements, current = [], []
    for line in sql.splitlines():
        current.append(line)
        text = "\n".join(current)
        if sqlite3.complete_statement(text):
            if text.strip().strip(";").strip():
                statements.append(text)
            current = []
    if "\n".join(current).strip():
        raise RuntimeError(f"unterminated SQL statement in a migration: {current[0]!r}")
    return statements


class SqliteBase:
    def __init__(self, path: Path, *, wal: bool = True, busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.wal = wal
        self.busy_timeout_s = busy_timeout_s
        self._db: aiosqlite.Connection | None = None
        self._lock = None

    async def open(self) -> None:
        import asyncio

        if self._db is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = asyncio.Lock()
        # isolation_level=None: no implicit transactions; every transaction here is explicit.
        self._db = await aiosqlite.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        try:
            self._db.row_factory = sqlite3.Row
            await self._db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            if self.wal:
                await self._db.execute("PRAGMA journal_mode = WAL")
                # NORMAL is durable across application crashes in WAL mode; only a power cut can lose the
                # last commits, and those are re-done by leases expiring.
                await self._db.execute("PRAGMA synchronous = NORMAL")
            await self._migrate()
        except BaseException:
            # A store that refuses to open (a newer schema, a damaged file) leaves no connection behind: its
            # worker thread would outlive the event loop (as PgJobStore.open closes its pool).
            await self.close()
            raise

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("the job store is not open; use `async with store:` or `await store.open()`")
        return self._db

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction holding SQLite's write lock from the start."""
        db = self.db
        async with self._lock, self._unavailable_as_store_error():
            await db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A read transaction: several SELECTs see one consistent snapshot."""
        db = self.db
        async with self._lock, self._unavailable_as_store_error():
            await db.execute("BEGIN")
            try:
                yield db
            finally:
                if db.in_transaction:
                    await db.execute("COMMIT")

    @asynccontextmanager
    async def _unavailable_as_store_error(self) -> AsyncIterator[None]:
        """A database that is locked too long or unreadable is a passing condition callers may wait out
        (`StoreUnavailable`); any other SQLite error is a bug and stays as it is."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if any(word in text for word in _TRANSIENT):
                raise StoreUnavailable(f"job store {self.path}: {exc}") from exc
            raise

    async def schema_version(self) -> int:
        async with self.read() as db:
            return await _current_version(db)

    async def _migrate(self) -> None:
        db = self.db
        async with self._lock:
            await db.execute("BEGIN IMMEDIATE")
            try:
                await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                current = await _current_version(db)
                shipped = migration_files()
                if current > len(shipped):
                    raise RuntimeError(
                        f"the job store {self.path} has schema version {current}, newer than this "
                        f"loracord understands ({len(shipped)}); upgrade loracord"
                    )
                for number, name, sql in shipped:
                    if number <= current:
                        continue
                    log.info("job store %s: applying migration %s", self.path, name)
                    for statement in split_statements(sql):
                        await db.execute(statement)
                    await db.execute("DELETE FROM schema_version")
                    await db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
            except BaseException:
                await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")


async def _current_version(db: aiosqlite.Connection) -> int:
    async with db.execute("SELECT MAX(version) FROM schema_version") as cur:
        row = await cur.fetchone()
    return int(row[0] or 0) if row else 0
