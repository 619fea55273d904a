"""Checking and parsing training-config values, kept apart from the TrainConfig dataclass
(config/training.py re-exports what callers use): ConfigError, one field's type / choice / minimum
check, `--set` string coercion, TOML reading and `--set` parsing. Imports nothing of ours.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from pathlib import Path
from typing import Any, get_args


class ConfigError(ValueError):
    """A training configuration value is wrong. `field` names it; the message says what is accepted."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def check_field(f: dataclasses.Field, value: Any, hint: Any) -> None:
    """One field's type, choices and minimum; `hint` is its type annotation."""
    allowed = tuple(a for a in get_args(hint)) or (hint,)
    if value is None:
        if type(None) not in allowed:
            raise ConfigError(f.name, "must be set")
        return
    if hint is bool and not isinstance(value, bool):
        raise ConfigError(f.name, f"must be true or false, got {value!r}")
    if int in allowed and float not in allowed and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f.name, f"must be a whole number, got {value!r}")
    if float in allowed and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConfigError(f.name, f"must be a number, got {value!r}")
    if hint is str and not isinstance(value, str):
        raise ConfigError(f.name, f"must be a string, got {value!r}")
    if f.name in ("sample_prompts", "optimizer_args") and (
        not isinstance(value, list) or not all(isinstance(p, str) for p in value)
    ):
        raise ConfigError(f.name, "must be a list of strings")
    choices = f.metadata.get("choices")
    if choices and value not in choices:
        raise ConfigError(f.name, f"must be one of {', '.join(choices)}; got {value!r}")
    minimum = f.metadata.get("min")
    if minimum is not None and isinstance(value, int | float) and value < minimum:
        raise ConfigError(f.name, f"must be at least {minimum}, got {value}")


def coerce(name: str, raw: Any, hint: Any) -> Any:
    """Turn a `--set key=value` string into the field's type; non-strings pass through."""
    if not isinstance(raw, str):
        return raw
    allowed = get_args(hint) or (hint,)
    text = raw.strip()
    if type(None) in allowed and text.lower() in ("", "none", "null"):
        return None
    try:
        if bool in allowed:
            lowered = text.lower()
            if lowered in ("true", "1", "yes", "on"):
                return True
            if lowered in ("false", "0", "no", "off"):
                return False
            raise ConfigError(name, f"must be true or false, got {raw!r}")
        if int in allowed and float not in allowed:
            return int(text)
        if float in allowed:
            return float(text)
        if hint == list[str]:
            return [p.strip() for p in text.split("|") if p.strip()]
    except ValueError:
        kind = "a whole number" if int in allowed and float not in allowed else "a number"
        raise ConfigError(name, f"must be {kind}, got {raw!r}") from None
    return raw


def did_you_mean(key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML config file; the error names the file and line."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError("config", f"file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config", f"{path} is not valid TOML: {exc}") from None
    # A [train] table is accepted as well as top-level keys, so one file can hold other sections.
    if "train" in data and isinstance(data["train"], dict):
        data = {**{k: v for k, v in data.items() if k != "train"}, **data["train"]}
    return data


def parse_set_args(items: list[str]) -> dict[str, str]:
    """Parse `--set key=value` arguments."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError("--set", f"expected key=value, got {item!r}")
        out[key.strip()] = value
    return out


def looks_like_relative_path(value: str, base: Path) -> bool:
    """A hub id ('org/model') is not a path; a relative path that exists (or starts with ./) is."""
    if Path(value).is_absolute():
        return False
    return value.startswith(("./", "../")) or (base / value).exists()
