"""Secret values (the Discord token, the link-signing key): held, compared and revealed on purpose only.

A `Secret` prints as `Secret('********')` everywhere a value can leak by accident: `repr`, `str`,
f-strings, `%` formatting, logging, exception messages built from it, dataclass reprs of the settings.
It refuses to be pickled, so it cannot travel into a log record, a cache or another process by
accident; code that needs the value calls `reveal()` at the one place it is used.
"""

from __future__ import annotations

import hmac
import logging
import stat
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import parse_qsl, urlsplit, urlunsplit

log = logging.getLogger("loracord.config")

MASK = "********"


class Secret:
    """A secret string. `bool(secret)` tells whether it is set; `reveal()` returns the value."""

    __slots__ = ("__value",)

    def __init__(self, value: str = "") -> None:
        if not isinstance(value, str):
            # The message must not show the value: it may be the secret in the wrong type.
            raise TypeError(f"Secret holds a string, got a {type(value).__name__}")
        object.__setattr__(self, "_Secret__value", value)

    def reveal(self) -> str:
        """The plain value. Call it only where the value is handed to the thing that needs it."""
        return self.__value

    def __bool__(self) -> bool:
        return bool(self.__value)

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    __str__ = __repr__

    def __format__(self, format_spec: str) -> str:
        # Whatever the format spec, never the value.
        return repr(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        # Constant time: equality of secrets must not leak how many leading characters match.
        return hmac.compare_digest(self.__value.encode(), other.__value.encode())

    # Secrets are not dictionary keys: a hash of the value is information about the value.
    __hash__ = None  # type: ignore[assignment]

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("Secret is immutable")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        # Immutable, so sharing is safe; dataclasses.asdict deep-copies field values.
        return self

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError("a Secret cannot be pickled; pass reveal() explicitly where the value is needed")

    def __getstate__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled; pass reveal() explicitly where the value is needed")


def read_secret_file(path: Path, key: str) -> str:
    """Read a secret from `path` (named by settings key `key`); surrounding whitespace is dropped.

    Raises `OSError`/`ValueError` with messages that name the file and the key but never the content.
    A file that every user of the machine can read is accepted with a warning: refusing it would stop
    a bot over a permission that the admin may have chosen (a container's read-only secret mount).
    """
    path = Path(path).expanduser()
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a UTF-8 text file") from None
    if mode & stat.S_IROTH:
        log.warning(
            "%s: %s can be read by every user on this machine; restrict it with `chmod 600 %s`",
            key,
            path,
            path,
        )
    value = text.strip()
    if not value:
        raise ValueError(f"{path} is empty")
    if "\n" in value:
        raise ValueError(f"{path} must hold the secret on one line, it has several")
    return value


def url_password(url: str) -> str | None:
    """The password a connection URL carries (`USER:PASSWORD@` or a `password=` query parameter), or
    None when it carries none."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.password:
        return parts.password
    found = [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() == "password" and v]
    return found[0] if found else None


def mask_url_password(url: str) -> str:
    """`url` with its password replaced by MASK, for messages, logs and printed settings (a URL
    without one is returned as it is)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    netloc, query = parts.netloc, parts.query
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}:{MASK}@{host}"
    pairs = query.split("&") if query else []
    masked = [
        f"{p.split('=', 1)[0]}={MASK}" if p.split("=", 1)[0].lower() == "password" else p for p in pairs
    ]
    if netloc == parts.netloc and masked == pairs:
        return url
    return urlunsplit(parts._replace(netloc=netloc, query="&".join(masked)))
