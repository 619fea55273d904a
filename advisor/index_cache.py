"""The advisor index's token lists, kept on disk between processes.

Tokenizing the ~600 rule documents runs kiwipiepy over every Korean text: seconds on a small CPU, paid by
every process that answers a question (`loracord ask`, the bot, each test process). The token lists depend
only on the documents and on the tokenizer, so they are cached in one JSON file whose name is a hash of
both: the documents' text, the source of the tokenizing modules (retrieval.py, korean.py) and kiwipiepy's
version. A changed rule or tokenizer gives a new name; a missing, unreadable or damaged file is rebuilt;
a cache folder that cannot be written only costs the time. `LORACORD_CACHE_DIR` sets the folder (empty:
no cache); the default is `$XDG_CACHE_HOME/loracord` or `~/.cache/loracord`.

The intents' prefilter (advisor/prefilter.py: the strings each of ~10,000 patterns needs, read from their
parse trees, ~1.5 s) is kept the same way, in its own file keyed by the patterns and prefilter.py.
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


def _key(texts: Sequence[str], sources: Sequence[Path] = _TOKENIZER_SOURCES) -> str:
    digest = hashlib.sha256()
    for path in sources:
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


def _cached(
    kind: str, texts: Sequence[str], sources: Sequence[Path], compute: Callable[[], list], nulls: bool = False
) -> list:
    """`compute()` (one JSON value per text), read from `<kind>-<key>.json` when it holds these texts."""
    folder = cache_dir()
    if folder is None:
        return compute()
    path = folder / f"{kind}-{_key(texts, sources)}.json"
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if _valid(cached, len(texts), nulls):
            return cached
    except (OSError, ValueError):
        pass
    values = compute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(values, fh, ensure_ascii=False)
        os.replace(tmp, path)  # atomic: a process reading at the same time sees the old file or the new one
        for stale in folder.glob(f"{kind}-*.json"):  # an older rulebook's: never read again
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return values


def tokenized(texts: Sequence[str], tokenize: Callable[[str], list[str]]) -> list[list[str]]:
    """`[tokenize(t) for t in texts]`, read from the cache when it holds exactly these texts."""
    return _cached("advisor-index", texts, _TOKENIZER_SOURCES, lambda: [tokenize(t) for t in texts])


def requirements(patterns: Sequence[str], compute: Callable[[], list[list[str] | None]]) -> list:
    """The prefilter's required strings of each pattern (None: always searched), cached like the tokens."""
    return _cached("advisor-prefilter", patterns, (_HERE / "prefilter.py",), compute, nulls=True)


def _valid(cached: object, count: int, nulls: bool = False) -> bool:
    return (
        isinstance(cached, list)
        and len(cached) == count
        and all(
            (nulls and x is None) or (isinstance(x, list) and all(isinstance(w, str) for w in x))
            for x in cached
        )
    )
