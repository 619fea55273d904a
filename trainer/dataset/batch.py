"""Batch runs over many images that can be interrupted and resumed.

A manifest (`*.jsonl`, one finished item per line, appended and flushed after each item) records
which items are done under which settings (`signature`, e.g. "wd14|tags|sks"). A rerun with the same
signature skips them; a rerun with different settings redoes everything. An interrupt (Ctrl-C, or the
bot's `should_stop`) loses at most the item in progress.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


@dataclass
class BatchResult:
    done: list[str] = field(default_factory=list)  # finished in this run
    skipped: list[str] = field(default_factory=list)  # finished by an earlier run
    failed: dict[str, str] = field(default_factory=dict)  # key -> what went wrong
    interrupted: bool = False


class Manifest:
    """Finished items of one kind of batch job, in an append-only file."""

    def __init__(self, path: str | Path, signature: str) -> None:
        self.path = Path(path)
        self.signature = signature
        self.finished: set[str] = set()
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line cut off by the interrupt itself
                if isinstance(record, dict) and record.get("signature") == signature:
                    self.finished.add(str(record.get("key")))

    def mark(self, key: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"key": key, "signature": self.signature}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.finished.add(key)


def run_batch(
    items: Sequence[T],
    key: Callable[[T], str],
    work: Callable[[T], str | None],
    manifest: Manifest,
    desc: str = "images",
    progress: bool = True,
    should_stop: Callable[[], bool] | None = None,
) -> BatchResult:
    """Run `work(item)` for every item not yet in the manifest. `work` returns None on success or a
    message saying why the item failed (failed items are retried by the next run)."""
    result = BatchResult()
    todo = []
    for item in items:
        if key(item) in manifest.finished:
            result.skipped.append(key(item))
        else:
            todo.append(item)
    bar = tqdm(
        total=len(items),
        initial=len(result.skipped),
        desc=desc,
        unit="img",
        disable=not progress,
        file=sys.stderr,
    )
    try:
        for item in todo:
            if should_stop is not None and should_stop():
                result.interrupted = True
                break
            k = key(item)
            error = work(item)
            if error is None:
                manifest.mark(k)
                result.done.append(k)
            else:
                result.failed[k] = error
            bar.update(1)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        bar.close()
    return result
