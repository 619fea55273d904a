"""The PostgreSQL store's worker registry (`workers` table, migration 0004)."""

from __future__ import annotations

from trainer.queue.sqlite_workers import _UPSERT, _params
from trainer.queue.workers import WorkerInfo, worker_from_row


def _numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$1, $2 ...`."""
    parts = sql.split("?")
    return "".join(f"{p}${i}" for i, p in enumerate(parts[:-1], 1)) + parts[-1]


class PgWorkers:
    """Mixed into `PgJobStore`; relies on `PgBase.tx()` and `now()`."""

    async def register_worker(self, info: WorkerInfo) -> None:
        async with self.tx() as con:
            await con.execute(_numbered(_UPSERT), *_params(info))

    async def worker_seen(
        self,
        worker_id: str,
        *,
        job_id: str | None,
        vram_free_gb: float | None = None,
        now: float | None = None,
    ) -> None:
        async with self.tx() as con:
            await con.execute(
                "UPDATE workers SET heartbeat_at = $1, job_id = $2, "
                "vram_free_gb = COALESCE($3, vram_free_gb) WHERE id = $4",
                self.now(now),
                job_id,
                vram_free_gb,
                worker_id,
            )

    async def worker_stopped(self, worker_id: str, *, now: float | None = None) -> None:
        async with self.tx() as con:
            await con.execute(
                "UPDATE workers SET stopped_at = $1, job_id = NULL WHERE id = $2", self.now(now), worker_id
            )

    async def list_workers(self) -> list[WorkerInfo]:
        async with self.tx() as con:
            return [worker_from_row(r) for r in await con.fetch("SELECT * FROM workers ORDER BY host, id")]
