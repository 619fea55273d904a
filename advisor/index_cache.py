"""The advisor index's token lists, kept on disk between processes.

Tokenizing the ~600 rule documents runs kiwipiepy over every Korean text: seconds on a small CPU, paid by
every process that answers a question (`loracord ask`, the bot, each test process). The token lists depend
only on the documents and on the tokenizer, so they are cached in one JSON file whose name is a hash of
both: the documents' text, the source of the tokenizing modules (retrieval.py, korean.py) and kiwipiepy's
version. A changed rule or tokenizer gives a new name; a missing, unreadable or damaged file is rebuilt;
a cache folder that cannot be written only costs the time. `LORACORD_CACHE_DIR` sets the folder (empty:
no cache); the default is `$XDG_CACHE_HOME/loracord` or `~/.cache/loracord`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from advisor import korean

_HERE = Path(__file__).resolve().parent
_TOKENIZER_SOURCES = (_HERE / "retrieval.py", _HERE / "korean.py")


def cache_dir() -> Path | None:
    configured = os.environ.get("LORACORD_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "loracord"


def _key(texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for path in _TOKENIZER_SOURCES:
        digest.update(path.read_bytes())
    try:
        from importlib.metadata import version

        digest.update(version("kiwipiepy").encode())
    except Exception:  # noqa: BLE001 - not installed: the bigram fallback, its own key
        digest.update(b"no-kiwipiepy")
    digest.update(str(korean.available()).encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()[:24]


def tokenized(texts: Sequence[str], tokenize: Callable[[str], list[str]]) -> list[list[str]]:
    """`[tokenize(t) for t in texts]`, read from the cache when it holds exactly these texts."""
    folder = cache_dir()
    if folder is None:
        return [tokenize(t) for t in texts]
    path = folder / f"advisor-index-{_key(texts)}.json"
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if _valid(cached, len(texts)):
            return cached
    except (OSError, ValueError):
        pass
    tokens = [tokenize(t) for t in texts]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".advisor-index-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(tokens, fh, ensure_ascii=False)
        os.replace(tmp, path)  # atomic: a process reading at the same time sees the old file or the new one
        for stale in folder.glob("advisor-index-*.json"):  # an older rulebook's: never read again
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return tokens


def _valid(cached: object, count: int) -> bool:
    return (
        isinstance(cached, list)
        and len(cached) == count
        and all(isinstance(x, list) and all(isinstance(w, str) for w in x) for x in cached)
    )
