"""The job store a deployment uses: SQLite (the default) or PostgreSQL, joined with the artifact store
when job folders travel between hosts. `open_store(options)` is the one place that picks a backend;
store.py holds only the interface, so the backends import it and it imports none of them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from trainer.queue.options import QueueOptions, WorkerOptions
from trainer.queue.store import JobStore, StoreConfigError


def sqlite_path(options: QueueOptions) -> Path | None:
    """The SQLite file `storage.database_url` names, or None when it names another database."""
    url = options.database_url.reveal().strip()  # a SQLite URL holds no password; others stay unread
    if not url:
        return Path(options.data_dir) / "loracord.db"
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :])
    if "://" not in url:
        return Path(url)
    return None


def open_store(options: QueueOptions, worker: WorkerOptions | None = None) -> JobStore:
    """The store `options.database_url` names (not yet opened: `async with open_store(o) as store`)."""
    path = sqlite_path(options)
    if path is None:
        scheme = options.database_url.reveal().strip().split("://", 1)[0].lower()
        if scheme in ("postgresql", "postgres"):
            from trainer.queue.pg_store import PgJobStore

            return _shared(PgJobStore(options.database_url), options, worker)
        raise StoreConfigError(
            f"storage.database_url: the {scheme!r} backend is not available in this installation; "
            "use sqlite:///PATH (or leave it empty for DATA_DIR/loracord.db) or postgresql://USER@HOST/DB"
        )
    from trainer.queue.sqlite_store import SqliteJobStore

    return _shared(SqliteJobStore(path, wal=options.sqlite_wal), options, worker)


def _shared(store: JobStore, options: QueueOptions, worker: WorkerOptions | None) -> JobStore:
    """With `storage.artifacts_url` set, the store joined with the artifact store (shared_store.py):
    job folders then travel through it, and a worker registers and claims only jobs that fit it."""
    if not options.artifacts.url:
        return store
    from trainer.artifacts.backends import open_artifacts
    from trainer.queue.shared_store import HostOptions, SharedStore

    host = HostOptions(data_dir=options.data_dir, cache_bytes=int(options.artifacts.cache_gb * 2**30))
    if worker is not None:
        host = replace(host, gpu=worker.gpu, archs=worker.archs, vram_gb=worker.vram_gb)
    return SharedStore(store, open_artifacts(options.artifacts), host)  # type: ignore[return-value]
