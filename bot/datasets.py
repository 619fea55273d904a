"""Datasets as the bot sees them: the store's record (with its private flag and thread) and the folder.

Folder layout (ARCHITECTURE.md): data/datasets/<id>/raw/ (uploads, never modified), prepared/ (the
kohya folder training reads, with captions), report.json (the quality report). Whether a dataset is
private and which thread feeds it live in the store's record, so every bot host sees the same; a
bot.json left by an older version is imported once at start (`load_threads`). Decoding, intake and preparation run in a
thread with one lock per dataset, so the event loop never waits on them and two uploads to the same
dataset never interleave.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from bot import access
from bot.errors import AttachmentRejected, DatasetEmpty, DatasetNotFound, NotOwner
from bot.i18n import t
from config.settings import Settings
from trainer.dataset import prep
from trainer.dataset.intake import DatasetIntake, IntakeResult
from trainer.dataset.limits import IntakeLimits
from trainer.dataset.pipeline import prepare_dataset
from trainer.queue.store import JobStore
from trainer.queue.types import Dataset, DatasetImage, new_dataset_id

log = logging.getLogger(__name__)

META_FILE = "bot.json"
#: What the bot accepts before downloading anything: images and zips (decided finally by content).
UPLOAD_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".zip")
UPLOAD_TYPES = ("image/", "application/zip", "application/x-zip", "application/octet-stream")


@dataclass
class DatasetInfo:
    record: Dataset
    folder: Path
    private: bool = True
    thread_id: int | None = None

    @property
    def prepared(self) -> Path:
        return self.folder / prep.PREPARED_DIR

    @property
    def label(self) -> str:
        return f"{self.record.name} ({self.record.id})"


@dataclass
class AddOutcome:
    result: IntakeResult
    refused_before_download: list[str]
    images_total: int


class DatasetService:
    """The bot's datasets: records in the store, folders under `root` (data/datasets/)."""

    def __init__(self, store: JobStore, settings: Settings, root: Path) -> None:
        self.store = store
        self.settings = settings
        self.root = root
        self.limits = IntakeLimits.from_settings(settings)
        self._locks: dict[str, asyncio.Lock] = {}
        self.by_thread: dict[int, str] = {}

    def lock(self, dataset_id: str) -> asyncio.Lock:
        return self._locks.setdefault(dataset_id, asyncio.Lock())

    # --- records ---------------------------------------------------------------------------------------
    def _read_meta(self, folder: Path) -> dict[str, Any]:
        path = folder / META_FILE
        if not path.is_file():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            log.warning("unreadable %s; treating the dataset as private", path)
            return {}

    async def load_threads(self) -> None:
        """Import the threads of bot.json files written by older versions into the store, once (the file
        is renamed to bot.json.imported). Their private flag is not imported: the record's default,
        private, is the safe side; the owner can share the dataset again."""

        def scan() -> dict[str, int]:
            found: dict[str, int] = {}
            if self.root.is_dir():
                for folder in self.root.iterdir():
                    if (folder / META_FILE).is_file():
                        thread = self._read_meta(folder).get("thread_id")
                        if isinstance(thread, int):
                            found[folder.name] = thread
                        (folder / META_FILE).replace(folder / f"{META_FILE}.imported")
            return found

        for dataset_id, thread in (await asyncio.to_thread(scan)).items():
            record = await self.store.get_dataset(dataset_id)
            if record is not None and record.thread_id is None:
                await self.store.set_dataset_thread(dataset_id, thread)

    async def dataset_for_thread(self, thread_id: int) -> str | None:
        """The dataset a thread feeds (the store's answer, remembered for the next message)."""
        if thread_id not in self.by_thread:
            record = await self.store.dataset_by_thread(thread_id)
            if record is None:
                return None
            self.by_thread[thread_id] = record.id
        return self.by_thread[thread_id]

    async def create(self, owner_id: int, guild_id: int | None, name: str, private: bool) -> DatasetInfo:
        dataset_id = new_dataset_id()
        folder = self.root / dataset_id
        record = Dataset(
            id=dataset_id,
            owner_id=owner_id,
            guild_id=guild_id,
            name=name,
            prepared_dir=str(folder / prep.PREPARED_DIR),
            created_at=time.time(),
            private=private,
        )
        info = DatasetInfo(record, folder, private)
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=False)
        await self.store.add_dataset(record)
        return info

    async def set_thread(self, info: DatasetInfo, thread_id: int) -> None:
        await self.store.set_dataset_thread(info.record.id, thread_id)
        info.thread_id = thread_id
        self.by_thread[thread_id] = info.record.id

    async def find(self, dataset_id: str) -> DatasetInfo:
        ident = dataset_id.strip()
        # Autocomplete shows "name (id)"; a user who typed the whole label still means the id.
        if ident.endswith(")") and "(" in ident:
            ident = ident[ident.rindex("(") + 1 : -1]
        record = await self.store.get_dataset(ident) if ident else None
        if record is None or record.deleted_at is not None:
            raise DatasetNotFound(dataset_id)
        return DatasetInfo(record, self.root / record.id, record.private, record.thread_id)

    async def get(self, user: discord.abc.User, dataset_id: str, *, modify: bool) -> DatasetInfo:
        """The dataset, if `user` may see it (`modify`: may change it). Others' private datasets are
        refused as if they belonged to someone else, never shown."""
        info = await self.find(dataset_id)
        owner = user.id == info.record.owner_id or access.is_admin(user, self.settings, info.record.guild_id)
        if not owner and (modify or info.private):
            raise NotOwner("dataset", info.record.id)
        return info

    async def mine(self, owner_id: int) -> list[DatasetInfo]:
        records = await self.store.list_datasets(owner_id)
        return [
            DatasetInfo(r, self.root / r.id, r.private, r.thread_id) for r in records if r.deleted_at is None
        ]

    async def delete(self, info: DatasetInfo) -> None:
        async with self.lock(info.record.id):
            await self.store.delete_dataset(info.record.id)
            await asyncio.to_thread(shutil.rmtree, info.folder, True)
        if info.thread_id:
            self.by_thread.pop(info.thread_id, None)

    # --- uploads ---------------------------------------------------------------------------------------
    def precheck(
        self, attachments: Sequence[discord.Attachment], locale: Any
    ) -> tuple[list[discord.Attachment], list[str]]:
        """Type, size and count checked from the metadata, before anything is downloaded."""
        ok: list[discord.Attachment] = []
        refused: list[str] = []
        for att in attachments:
            name = att.filename
            ctype = (att.content_type or "").split(";")[0].strip().lower()
            if not name.lower().endswith(UPLOAD_SUFFIXES) and not ctype.startswith(UPLOAD_TYPES):
                refused.append(t(locale, "reject.unsupported_format", name=name))
            elif att.size > self.limits.max_upload_bytes:
                refused.append(
                    t(locale, "reject.too_large", name=name, limit=self.limits.max_upload_bytes // 2**20)
                )
            else:
                ok.append(att)
        return ok, refused

    async def add(
        self, info: DatasetInfo, attachments: Sequence[discord.Attachment], locale: Any
    ) -> AddOutcome:
        ok, refused = self.precheck(attachments, locale)
        # Count, also before downloading: images beyond the dataset's room are refused by name.
        room = self.limits.max_images_per_dataset - len(await self.store.list_dataset_images(info.record.id))
        images = [a for a in ok if not a.filename.lower().endswith(".zip")]
        for att in images[max(0, room) :]:
            ok.remove(att)
            refused.append(t(locale, "reject.too_many_images", name=att.filename))
        uploads: list[tuple[str, bytes]] = []
        for att in ok:
            try:
                uploads.append((att.filename, await att.read()))
            except discord.HTTPException as exc:
                refused.append(t(locale, "reject.download_failed", name=att.filename, error=exc.status))
        if not uploads and refused:
            raise AttachmentRejected(refused)
        async with self.lock(info.record.id):
            result = await asyncio.to_thread(self._intake, info, uploads)
            await self._record(info, result)
            await asyncio.to_thread(self._prepare, info, result)
            total = len(await self.store.list_dataset_images(info.record.id))
        return AddOutcome(result, refused, total)

    def _intake(self, info: DatasetInfo, uploads: list[tuple[str, bytes]]) -> IntakeResult:
        return DatasetIntake(info.folder, self.limits).add_many(uploads)

    async def _record(self, info: DatasetInfo, result: IntakeResult) -> None:
        now = time.time()
        images = []
        for a in result.accepted:
            size = (info.folder / a.raw_file).stat().st_size
            images.append(DatasetImage(info.record.id, a.sha256, a.name, a.width, a.height, size, now))
        if images:
            await self.store.add_dataset_images(images)

    def _prepare(self, info: DatasetInfo, result: IntakeResult | None) -> dict[str, Any]:
        opts = prep.PrepOptions(resolution=self.prep_resolution())
        return prepare_dataset(info.folder, opts, self.limits, intake_result=result, progress=False)

    def prep_resolution(self) -> int:
        """Images are prepared once at the largest training size among the allowed models; training
        at a smaller size scales them down (never up)."""
        models = self.settings.models.allowlist.values()
        return max((m.effective_resolution for m in models), default=512)

    async def require_images(self, info: DatasetInfo) -> int:
        count = len(await self.store.list_dataset_images(info.record.id))
        if count == 0:
            raise DatasetEmpty(info.label)
        return count

    async def report(self, info: DatasetInfo) -> dict[str, Any] | None:
        path = info.folder / "report.json"

        def read() -> dict[str, Any] | None:
            if not path.is_file():
                return None
            return json.loads(path.read_text(encoding="utf-8"))

        return await asyncio.to_thread(read)
