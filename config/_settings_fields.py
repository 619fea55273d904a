"""Field declaration and validation shared by the settings sections (see config/settings.py).

A field's metadata holds its one-line `help` and, where they apply, `choices`, `min`, `max`, a `check`
function, and for secrets `secret=True` with the name of the `*_file` key that may hold the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import MISSING, Field, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from config.secrets import Secret


class SettingsError(ValueError):
    """A setting is wrong. `key` is its full name (`limits.max_queued_jobs_per_user`); the message says
    what is accepted. Messages never contain a secret's value."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def setting(default: Any, help: str, **meta: Any) -> Any:
    """Declare a settings field with its default and one-line help (and optional checks)."""
    if meta.get("section"):
        return field(default_factory=default, metadata={"help": help, **meta})
    if isinstance(default, list | dict):
        return field(default_factory=lambda d=default: type(d)(d), metadata={"help": help, **meta})
    if isinstance(default, Secret):
        # Secret is unhashable, which dataclasses take for "mutable": give it a factory.
        return field(default_factory=Secret, metadata={"help": help, **meta})
    return field(default=default, metadata={"help": help, **meta})


def default_of(fl: Field) -> Any:
    """The default value of a dataclass field, whether given directly or by a factory."""
    if fl.default is not MISSING:
        return fl.default
    return fl.default_factory()  # type: ignore[misc]


def describe(hint: Any) -> str:
    """How a type is described in error messages."""
    if hint is bool:
        return "true or false"
    if hint is int:
        return "a whole number"
    if hint is float:
        return "a number"
    if hint == list[int]:
        return "a list of whole numbers (comma-separated in an environment variable)"
    if hint == list[str]:
        return "a list of strings (comma-separated in an environment variable)"
    if hint is Path:
        return "a path"
    return "a string"


def _type_ok(hint: Any, value: Any) -> bool:
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if get_origin(hint) is list:
        (item,) = get_args(hint)
        return isinstance(value, list) and all(_type_ok(item, v) for v in value)
    if get_origin(hint) is dict:
        _, item = get_args(hint)
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, item) for k, v in value.items()
        )
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True


def validate_fields(obj: Any, prefix: str, hints: dict[str, Any]) -> None:
    """Check every field of a frozen settings dataclass against its type and metadata."""
    for fl in fields(obj):
        key = f"{prefix}.{fl.name}"
        hint = hints[fl.name]
        value = getattr(obj, fl.name)
        if hint is Path and isinstance(value, str):
            # A path given as text means the same path; keep the declared type.
            value = Path(value)
            object.__setattr__(obj, fl.name, value)
        if not _type_ok(hint, value):
            if hint is Secret:
                raise SettingsError(key, "must be a Secret (set it in the environment or a *_file key)")
            if is_dataclass(hint) or get_origin(hint) is dict:
                raise SettingsError(key, f"must be a table, got {type(value).__name__}")
            raise SettingsError(key, f"must be {describe(hint)}, got {value!r}")
        _check_metadata(key, fl.metadata, value)


def _check_metadata(key: str, meta: Any, value: Any) -> None:
    choices = meta.get("choices")
    if choices and value not in choices:
        raise SettingsError(key, f"must be one of {', '.join(choices)}; got {value!r}")
    low, high = meta.get("min"), meta.get("max")
    if low is not None and value < low:
        accepted = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise SettingsError(key, f"must be {accepted}; got {value!r}")
    if high is not None and value > high:
        accepted = f"from {low} to {high}" if low is not None else f"at most {high}"
        raise SettingsError(key, f"must be {accepted}; got {value!r}")
    check: Callable[[Any], str | None] | None = meta.get("check")
    if check is not None and (problem := check(value)):
        raise SettingsError(key, problem)


# --- checks used by several sections' fields ---------------------------------------------------------

_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


def check_locales(value: list[str]) -> str | None:
    bad = [v for v in value if not _LOCALE.match(v)]
    if bad:
        return f"locales look like 'en', 'ko' or 'pt-BR'; got {bad}"
    return None if value else "must name at least one locale, e.g. ['en', 'ko']"


def check_gpus(value: list[str]) -> str | None:
    bad = [v for v in value if not v.isdigit()]
    if bad:
        return f"each entry is a CUDA device index (0, 1, ...); got {bad}"
    twice = sorted({v for v in value if value.count(v) > 1})
    return f"names GPU {', '.join(twice)} more than once; jobs never share a GPU" if twice else None


def check_url(value: str) -> str | None:
    if value and not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
        return (
            f"must be empty or an http:// or https:// address such as https://lora.example.org; got {value!r}"
        )
    return None


def check_database_url(secret: Secret) -> str | None:
    value = secret.reveal()  # looked at, never shown: the message names the scheme only
    if not value or value.startswith("sqlite:///"):
        return None
    if re.match(r"^postgres(ql)?://\S*$", value):
        return None
    shown = value.split("://", 1)[0] + "://..." if "://" in value else repr(value)
    return (
        "accepted: empty (SQLite at storage.data_dir/loracord.db), sqlite:///PATH, or "
        f"postgresql://USER:PASSWORD@HOST:5432/DBNAME for workers on several hosts; got {shown}"
    )


def check_artifacts_url(value: str) -> str | None:
    if value and not re.match(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\S*)?$", value):
        return (
            "must be empty (job files stay in storage.data_dir on this host) or s3://BUCKET/PREFIX "
            f"with a valid bucket name (3-63 lower-case letters, digits, dots, hyphens); got {value!r}"
        )
    return None
