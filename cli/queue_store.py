"""`loracord queue migrate-store FROM TO` and `loracord queue workers`: the store across hosts."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from cli.errors import CommandError


def register_actions(qs: argparse._SubParsersAction) -> None:
    """Add the actions to `loracord queue`'s subparsers."""
    m = qs.add_parser(
        "migrate-store",
        help="copy a SQLite job store into an empty PostgreSQL database (stop the bot and workers first)",
    )
    m.add_argument("source", metavar="FROM", help="the SQLite file (or sqlite:///PATH)")
    m.add_argument(
        "target",
        metavar="TO",
        nargs="?",
        default=None,
        help="postgresql://USER@HOST:5432/DBNAME; leave it out to use storage.database_url, which keeps "
        "a password off the command line (set it in LORACORD__STORAGE__DATABASE_URL or database_url_file)",
    )
    m.set_defaults(func=cmd_migrate_store)
    w = qs.add_parser("workers", help="every worker: its host, GPU, job and last heartbeat")
    w.add_argument("--json", action="store_true")
    w.set_defaults(func=cmd_workers)


def cmd_migrate_store(args: argparse.Namespace, settings: Any) -> int:
    from trainer.queue.migrate_store import MigrateError, migrate_store
    from trainer.queue.store import StoreConfigError, StoreUnavailable

    source = args.source.removeprefix("sqlite:///")
    if args.target is None:
        target = settings.storage.database_url
        if not settings.storage.is_postgresql:
            raise CommandError(
                "TO was left out and storage.database_url is not a postgresql:// URL; set it "
                "(LORACORD__STORAGE__DATABASE_URL or storage.database_url_file) or give TO"
            )
    elif not args.target.startswith(("postgresql://", "postgres://")):
        raise CommandError(f"TO must be a postgresql:// URL, got {args.target.split('://')[0]}://...")
    else:
        target = args.target
    try:
        report = asyncio.run(migrate_store(Path(source), target))
    except (MigrateError, StoreConfigError, StoreUnavailable) as exc:
        raise CommandError(str(exc)) from None
    for line in report.lines():
        print(line)
    print(
        "copied; now set storage.database_url to the PostgreSQL URL on the bot and every worker "
        f"(the SQLite file {source} is left as it was)"
    )
    return 0


def cmd_workers(args: argparse.Namespace, settings: Any) -> int:
    from trainer.queue.backends import open_store
    from trainer.queue.options import QueueOptions
    from trainer.queue.store import StoreConfigError, StoreUnavailable

    async def run() -> list[Any]:
        async with open_store(QueueOptions.from_settings(settings)) as store:
            return await store.list_workers()

    try:
        workers = asyncio.run(run())
    except (StoreConfigError, StoreUnavailable) as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print(json.dumps([w.to_dict() for w in workers]))
        return 0
    if not workers:
        print("no workers have registered yet (start one with `loracord worker`)")
        return 0
    now = time.time()
    print(f"{'WORKER':34} {'STATE':8} {'GPU':24} {'VRAM free/total':>16} {'JOB':24} LAST SEEN")
    for w in workers:
        vram = f"{w.vram_free_gb:.1f}/{w.vram_total_gb:.1f} GB" if w.vram_total_gb else "-"
        seen = f"{max(0.0, now - w.heartbeat_at):.0f} s ago"
        gpu = w.gpu_label
        print(f"{w.id[:34]:34} {w.state(now):8} {gpu[:24]:24} {vram:>16} {(w.job_id or '-'):24} {seen}")
    return 0
