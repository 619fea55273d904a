"""The SQLite store's datasets, caption versions and step-time history (kept apart from the jobs)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence

from trainer.queue.rows import caption_from_row
from trainer.queue.types import CaptionVersion, Dataset, DatasetImage

#: Weight of a new measurement in the running average of seconds per step: recent runs count most
#: (drivers and neighbours change), one odd run does not swing the estimate.
STEP_TIME_WEIGHT = 0.3


def _dataset(row) -> Dataset:  # noqa: ANN001 - an aiosqlite Row
    """SQLite has no booleans: `private` is stored as 0/1."""
    data = dict(row)
    data["private"] = bool(data.get("private", 1))
    return Dataset(**data)


class SqliteExtras:
    """Mixed into `SqliteJobStore`; relies on `SqliteBase.read()` / `write()`."""

    async def record_step_time(self, key: str, s_per_step: float, *, now: float | None = None) -> None:
        if not (s_per_step > 0):
            return
        now = time.time() if now is None else now
        async with self.write() as db:
            async with db.execute("SELECT s_per_step, samples FROM step_times WHERE key = ?", (key,)) as cur:
                row = await cur.fetchone()
            if row is None:
                await db.execute(
                    "INSERT INTO step_times (key, s_per_step, samples, updated_at) VALUES (?, ?, 1, ?)",
                    (key, s_per_step, now),
                )
            else:
                value = (1 - STEP_TIME_WEIGHT) * row[0] + STEP_TIME_WEIGHT * s_per_step
                await db.execute(
                    "UPDATE step_times SET s_per_step = ?, samples = samples + 1, updated_at = ? WHERE key = ?",
                    (value, now, key),
                )

    async def step_times(self) -> dict[str, float]:
        async with self.read() as db, db.execute("SELECT key, s_per_step FROM step_times") as cur:
            return {r[0]: r[1] for r in await cur.fetchall()}

    async def add_dataset(self, dataset: Dataset) -> None:
        async with self.write() as db:
            await db.execute(
                "INSERT INTO datasets (id, owner_id, guild_id, name, prepared_dir, created_at, deleted_at, "
                "private, thread_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    dataset.id,
                    dataset.owner_id,
                    dataset.guild_id,
                    dataset.name,
                    dataset.prepared_dir,
                    dataset.created_at,
                    dataset.deleted_at,
                    int(dataset.private),
                    dataset.thread_id,
                ),
            )

    async def get_dataset(self, dataset_id: str) -> Dataset | None:
        async with self.read() as db, db.execute("SELECT * FROM datasets WHERE id = ?", (dataset_id,)) as cur:
            row = await cur.fetchone()
        return _dataset(row) if row else None

    async def list_datasets(self, owner_id: int) -> list[Dataset]:
        sql = "SELECT * FROM datasets WHERE owner_id = ? AND deleted_at IS NULL ORDER BY created_at"
        async with self.read() as db, db.execute(sql, (owner_id,)) as cur:
            return [_dataset(r) for r in await cur.fetchall()]

    async def delete_dataset(self, dataset_id: str, *, now: float | None = None) -> None:
        now = time.time() if now is None else now
        async with self.write() as db:
            await db.execute("UPDATE datasets SET deleted_at = ? WHERE id = ?", (now, dataset_id))

    async def set_dataset_thread(self, dataset_id: str, thread_id: int | None) -> None:
        async with self.write() as db:
            await db.execute("UPDATE datasets SET thread_id = ? WHERE id = ?", (thread_id, dataset_id))

    async def dataset_by_thread(self, thread_id: int) -> Dataset | None:
        sql = "SELECT * FROM datasets WHERE thread_id = ? AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 1"
        async with self.read() as db, db.execute(sql, (thread_id,)) as cur:
            row = await cur.fetchone()
        return _dataset(row) if row else None

    async def add_dataset_images(self, images: Sequence[DatasetImage]) -> int:
        added = 0
        async with self.write() as db:
            for im in images:
                cur = await db.execute(
                    "INSERT INTO dataset_images (dataset_id, sha256, filename, width, height, size_bytes, "
                    "added_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dataset_id, sha256) DO NOTHING",
                    (im.dataset_id, im.sha256, im.filename, im.width, im.height, im.size_bytes, im.added_at),
                )
                added += cur.rowcount
        return added

    async def list_dataset_images(self, dataset_id: str) -> list[DatasetImage]:
        sql = "SELECT * FROM dataset_images WHERE dataset_id = ? ORDER BY added_at, filename"
        async with self.read() as db, db.execute(sql, (dataset_id,)) as cur:
            return [DatasetImage(**dict(r)) for r in await cur.fetchall()]

    async def add_caption_version(
        self, dataset_id: str, method: str, captions: Mapping[str, str], *, trigger_word: str = ""
    ) -> CaptionVersion:
        now = time.time()
        async with self.write() as db:
            async with db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM caption_versions WHERE dataset_id = ?",
                (dataset_id,),
            ) as cur:
                version = (await cur.fetchone())[0]
            await db.execute(
                "INSERT INTO caption_versions (dataset_id, version, method, trigger_word, captions_json, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (dataset_id, version, method, trigger_word, json.dumps(dict(captions)), now),
            )
        return CaptionVersion(dataset_id, version, method, dict(captions), trigger_word, now)

    async def latest_caption_version(self, dataset_id: str) -> CaptionVersion | None:
        sql = "SELECT * FROM caption_versions WHERE dataset_id = ? ORDER BY version DESC LIMIT 1"
        async with self.read() as db, db.execute(sql, (dataset_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return caption_from_row(row)
