"""The SQLite store's worker registry (`workers` table, migration 0004)."""

from __future__ import annotations

import json
import time

from trainer.queue.workers import WorkerInfo, worker_from_row

_UPSERT = (
    "INSERT INTO workers (id, host, gpu, gpu_name, vram_total_gb, vram_free_gb, archs_json, started_at, "
    "heartbeat_at, gpu_count, job_id, stopped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL) "
    "ON CONFLICT (id) DO UPDATE SET host = excluded.host, gpu = excluded.gpu, gpu_name = excluded.gpu_name, "
    "vram_total_gb = excluded.vram_total_gb, vram_free_gb = excluded.vram_free_gb, "
    "gpu_count = excluded.gpu_count, "
    "archs_json = excluded.archs_json, started_at = excluded.started_at, "
    "heartbeat_at = excluded.heartbeat_at, job_id = NULL, stopped_at = NULL"
)


class SqliteWorkers:
    """Mixed into `SqliteJobStore`; relies on `SqliteBase.read()` / `write()`."""

    async def register_worker(self, info: WorkerInfo) -> None:
        async with self.write() as db:
            await db.execute(_UPSERT, _params(info))

    async def worker_seen(
        self,
        worker_id: str,
        *,
        job_id: str | None,
        vram_free_gb: float | None = None,
        now: float | None = None,
    ) -> None:
        now = time.time() if now is None else now
        async with self.write() as db:
            await db.execute(
                "UPDATE workers SET heartbeat_at = ?, job_id = ?, "
                "vram_free_gb = COALESCE(?, vram_free_gb) WHERE id = ?",
                (now, job_id, vram_free_gb, worker_id),
            )

    async def worker_stopped(self, worker_id: str, *, now: float | None = None) -> None:
        now = time.time() if now is None else now
        async with self.write() as db:
            await db.execute(
                "UPDATE workers SET stopped_at = ?, job_id = NULL WHERE id = ?", (now, worker_id)
            )

    async def list_workers(self) -> list[WorkerInfo]:
        async with self.read() as db, db.execute("SELECT * FROM workers ORDER BY host, id") as cur:
            return [worker_from_row(r) for r in await cur.fetchall()]


def _params(info: WorkerInfo) -> tuple:
    return (
        info.id,
        info.host,
        info.gpu,
        info.gpu_name,
        info.vram_total_gb,
        info.vram_free_gb,
        json.dumps(list(info.archs)),
        info.started_at,
        info.heartbeat_at,
        info.gpu_count,
    )
