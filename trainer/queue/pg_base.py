"""The PostgreSQL connection under the job store: a pool, transactions, migrations, clear errors.

asyncpg's pool (docs/queue.md says why asyncpg): each store method borrows one connection for one
transaction at READ COMMITTED. Claims lock rows with `FOR UPDATE SKIP LOCKED`, so workers on many
hosts claim at once without waiting on each other. Migrations run at `open()` under an advisory lock
(two processes starting together apply each migration once).

Times: leases compare timestamps written by different hosts, so the store uses the database
server's clock (measured once at `open()` as an offset to this host's clock) wherever a caller does
not pass `now`; a host whose clock is off by more than a few seconds is told so in the log.
"""

from __future__ import annotations

import asyncio
import importlib.resources
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from config.secrets import MASK, Secret, mask_url_password, url_password
from trainer.queue.store import StoreConfigError, StoreUnavailable

log = logging.getLogger(__name__)

SETTING = "storage.database_url"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
#: Advisory-lock key serialising migrations between processes ("lora" in ASCII).
MIGRATION_LOCK = 0x6C6F7261
CONNECT_TIMEOUT_S = 10.0
#: A host clock further than this from the database's is reported (leases use the database's).
SKEW_WARN_S = 2.0
#: Connection errors that a later try may not meet: the server restarted, the network blinked.
_TRANSIENT = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
)
#: Conflicts between concurrent transactions: the statement is retried a few times.
_CONFLICT = (asyncpg.SerializationError, asyncpg.DeadlockDetectedError)


def pg_migration_files() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of trainer/queue/pg_migrations/*.sql, numbered without gaps."""
    folder = importlib.resources.files("trainer.queue").joinpath("pg_migrations")
    found = sorted(
        (int(m.group(1)), e.name, e.read_text(encoding="utf-8"))
        for e in folder.iterdir()
        if (m := _MIGRATION_NAME.match(e.name))
    )
    if [n for n, _, _ in found] != list(range(1, len(found) + 1)) or not found:
        raise RuntimeError(
            "the PostgreSQL migrations (trainer/queue/pg_migrations/NNNN_*.sql) are missing or have "
            "gaps; reinstall loracord"
        )
    return found


def redact(url: str | Secret) -> str:
    """The URL with its password masked (messages and logs never show secrets)."""
    return mask_url_password(url.reveal() if isinstance(url, Secret) else url)


def _scrub(text: str, url: str | Secret) -> str:
    """`text` (a driver's message) with the URL's password masked, should the driver have quoted it."""
    password = url_password(url.reveal() if isinstance(url, Secret) else url)
    return text.replace(password, MASK) if password else text


def connect_error(url: str | Secret, exc: BaseException) -> Exception:
    """One clear message naming the setting for a failed connection: bad URL, wrong credentials,
    unknown database (configuration: StoreConfigError) or an unreachable server (StoreUnavailable).
    The message shows the URL with its password masked, and never the password."""
    where = redact(url)
    said = _scrub(str(exc), url)
    if isinstance(exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError):
        return StoreConfigError(
            f"{SETTING}: PostgreSQL at {where} refused the user name or password ({said}); "
            "check the credentials in the URL"
        )
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return StoreConfigError(
            f"{SETTING}: the database named in {where} does not exist ({said}); create it "
            "(createdb) or fix the name"
        )
    if isinstance(exc, ValueError | asyncpg.ClientConfigurationError):
        return StoreConfigError(
            f"{SETTING}: {where} is not a valid PostgreSQL URL ({said}); "
            "use postgresql://USER:PASSWORD@HOST:5432/DBNAME"
        )
    return StoreUnavailable(
        f"{SETTING}: cannot reach PostgreSQL at {where} ({type(exc).__name__}: {said}); "
        "is the server running and reachable from this host?"
    )


class PgBase:
    """Pool and transactions; `PgJobStore` adds the store's methods."""

    def __init__(self, url: str | Secret, *, pool_size: int = 4) -> None:
        #: `storage.database_url`, revealed only where the pool connects.
        self._url = url if isinstance(url, Secret) else Secret(url)
        #: The URL as messages and logs show it: its password masked.
        self.url = redact(self._url)
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        #: Database clock minus this host's clock, in seconds (measured at `open()`).
        self.clock_offset = 0.0

    def now(self, now: float | None = None) -> float:
        """`now`, or the database server's current time."""
        return time.time() + self.clock_offset if now is None else now

    async def open(self) -> None:
        if self._pool is not None:
            return
        try:
            self._pool = await asyncpg.create_pool(
                self._url.reveal(), min_size=1, max_size=self.pool_size, timeout=CONNECT_TIMEOUT_S
            )
        except (*_TRANSIENT, ValueError, asyncpg.PostgresError) as exc:
            # Not chained: the driver's exception may carry the URL, and a traceback prints it.
            raise connect_error(self._url, exc) from None
        try:
            await self._measure_clock()
            await self._migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the job store is not open; use `async with store:` or `await store.open()`")
        return self._pool

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[asyncpg.Connection]:
        """One transaction on a pooled connection; a lost connection becomes `StoreUnavailable`."""
        try:
            async with self.pool.acquire() as con, con.transaction():
                yield con
        except _TRANSIENT as exc:
            raise StoreUnavailable(f"job store {self.url}: {type(exc).__name__}: {exc}") from exc

    async def retrying(self, fn: Any, *args: Any) -> Any:
        """Run `fn(con, *args)` in a transaction, again (up to 3 times) after a serialization failure
        or deadlock between concurrent transactions."""
        for attempt in range(3):
            try:
                async with self.tx() as con:
                    return await fn(con, *args)
            except _CONFLICT:
                if attempt == 2:
                    raise
                await asyncio.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    async def schema_version(self) -> int:
        async with self.tx() as con:
            return int(await con.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version") or 0)

    async def _measure_clock(self) -> None:
        async with self.tx() as con:
            before = time.time()
            server = float(await con.fetchval("SELECT extract(epoch FROM clock_timestamp())"))
            after = time.time()
        self.clock_offset = server - (before + after) / 2
        if abs(self.clock_offset) > SKEW_WARN_S:
            log.warning(
                "this host's clock is %.1f s %s the database server's; loracord uses the database's "
                "clock for leases, but fix the host's time (NTP) so logs and ETAs agree",
                abs(self.clock_offset),
                "behind" if self.clock_offset > 0 else "ahead of",
            )

    async def _migrate(self) -> None:
        shipped = pg_migration_files()
        async with self.tx() as con:
            await con.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = int(await con.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version") or 0)
            if current > len(shipped):
                raise RuntimeError(
                    f"the job store {self.url} has schema version {current}, newer than this "
                    f"loracord understands ({len(shipped)}); upgrade loracord"
                )
            for number, name, sql in shipped:
                if number <= current:
                    continue
                log.info("job store %s: applying migration %s", self.url, name)
                await con.execute(sql)
                await con.execute("DELETE FROM schema_version")
                await con.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
