"""The PostgreSQL store's datasets, caption versions and step-time history (as `sqlite_extra`)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence

from trainer.queue.rows import caption_from_row
from trainer.queue.sqlite_extra import STEP_TIME_WEIGHT
from trainer.queue.types import CaptionVersion, Dataset, DatasetImage


class PgExtras:
    """Mixed into `PgJobStore`; relies on `PgBase.tx()`."""

    async def record_step_time(self, key: str, s_per_step: float, *, now: float | None = None) -> None:
        if not (s_per_step > 0):
            return
        now = time.time() if now is None else now
        async with self.tx() as con:
            # One statement: the running average is folded in atomically, whoever writes at once.
            await con.execute(
                "INSERT INTO step_times (key, s_per_step, samples, updated_at) VALUES ($1, $2::float8, 1, $3) "
                "ON CONFLICT (key) DO UPDATE SET s_per_step = "
                "(1 - $4::float8) * step_times.s_per_step + $4::float8 * $2::float8, "
                "samples = step_times.samples + 1, updated_at = $3",
                key,
                s_per_step,
                now,
                STEP_TIME_WEIGHT,
            )

    async def step_times(self) -> dict[str, float]:
        async with self.tx() as con:
            return {r[0]: r[1] for r in await con.fetch("SELECT key, s_per_step FROM step_times")}

    async def add_dataset(self, dataset: Dataset) -> None:
        async with self.tx() as con:
            await con.execute(
                "INSERT INTO datasets (id, owner_id, guild_id, name, prepared_dir, created_at, deleted_at, "
                "private, thread_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                dataset.id,
                dataset.owner_id,
                dataset.guild_id,
                dataset.name,
                dataset.prepared_dir,
                dataset.created_at,
                dataset.deleted_at,
                dataset.private,
                dataset.thread_id,
            )

    async def get_dataset(self, dataset_id: str) -> Dataset | None:
        async with self.tx() as con:
            row = await con.fetchrow("SELECT * FROM datasets WHERE id = $1", dataset_id)
        return Dataset(**dict(row)) if row else None

    async def list_datasets(self, owner_id: int) -> list[Dataset]:
        sql = "SELECT * FROM datasets WHERE owner_id = $1 AND deleted_at IS NULL ORDER BY created_at"
        async with self.tx() as con:
            return [Dataset(**dict(r)) for r in await con.fetch(sql, owner_id)]

    async def delete_dataset(self, dataset_id: str, *, now: float | None = None) -> None:
        now = time.time() if now is None else now
        async with self.tx() as con:
            await con.execute("UPDATE datasets SET deleted_at = $1 WHERE id = $2", now, dataset_id)

    async def set_dataset_thread(self, dataset_id: str, thread_id: int | None) -> None:
        async with self.tx() as con:
            await con.execute("UPDATE datasets SET thread_id = $1 WHERE id = $2", thread_id, dataset_id)

    async def dataset_by_thread(self, thread_id: int) -> Dataset | None:
        sql = "SELECT * FROM datasets WHERE thread_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 1"
        async with self.tx() as con:
            row = await con.fetchrow(sql, thread_id)
        return Dataset(**dict(row)) if row else None

    async def add_dataset_images(self, images: Sequence[DatasetImage]) -> int:
        added = 0
        async with self.tx() as con:
            for im in images:
                status = await con.execute(
                    "INSERT INTO dataset_images (dataset_id, sha256, filename, width, height, size_bytes, "
                    "added_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dataset_id, sha256) DO NOTHING",
                    im.dataset_id,
                    im.sha256,
                    im.filename,
                    im.width,
                    im.height,
                    im.size_bytes,
                    im.added_at,
                )
                added += status == "INSERT 0 1"
        return added

    async def list_dataset_images(self, dataset_id: str) -> list[DatasetImage]:
        sql = "SELECT * FROM dataset_images WHERE dataset_id = $1 ORDER BY added_at, filename"
        async with self.tx() as con:
            return [DatasetImage(**dict(r)) for r in await con.fetch(sql, dataset_id)]

    async def add_caption_version(
        self, dataset_id: str, method: str, captions: Mapping[str, str], *, trigger_word: str = ""
    ) -> CaptionVersion:
        now = time.time()
        async with self.tx() as con:
            # Numbering per dataset: lock the dataset's versions so two passes never get one number.
            await con.execute("SELECT pg_advisory_xact_lock(hashtext($1))", dataset_id)
            version = await con.fetchval(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM caption_versions WHERE dataset_id = $1", dataset_id
            )
            await con.execute(
                "INSERT INTO caption_versions (dataset_id, version, method, trigger_word, captions_json, "
                "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                dataset_id,
                version,
                method,
                trigger_word,
                json.dumps(dict(captions)),
                now,
            )
        return CaptionVersion(dataset_id, version, method, dict(captions), trigger_word, now)

    async def latest_caption_version(self, dataset_id: str) -> CaptionVersion | None:
        sql = "SELECT * FROM caption_versions WHERE dataset_id = $1 ORDER BY version DESC LIMIT 1"
        async with self.tx() as con:
            row = await con.fetchrow(sql, dataset_id)
        if row is None:
            return None
        return caption_from_row(row)
