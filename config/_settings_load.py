"""Reading `Settings` from the TOML file and the environment, rendering the example file, and the
container health check. Public names live in config/settings.py; this module keeps that one short."""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import math
import os
import sqlite3
import sys
import tempfile
import textwrap
import tomllib
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import Field, asdict, fields
from pathlib import Path
from typing import Any

import tomli_w

from config import _settings_model as S
from config._settings_fields import SettingsError, default_of, describe
from config.secrets import Secret, read_secret_file, url_password

log = logging.getLogger("loracord.config")

ENV_PREFIX = "LORACORD__"
CONFIG_ENV = "LORACORD_CONFIG"
DEFAULT_FILE = Path("loracord.toml")
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")

Tables = dict[str, dict[str, Any]]


def env_name(*parts: str) -> str:
    """The environment variable that sets a key: env_name("limits", "retention_days")."""
    return ENV_PREFIX + "__".join(p.upper() for p in parts)


def _did_you_mean(word: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(sorted(known))}"


def _fields_of(cls: type) -> dict[str, Field]:
    return {fl.name: fl for fl in fields(cls)}


def load(path: Path | None, env: Mapping[str, str]) -> S.Settings:
    file = _settings_file(path, env)
    tables: Tables = _read(file) if file else {}
    _check_file(tables, file)
    _apply_env(tables, env)
    _resolve_secrets(tables, env)
    return _build(tables)


def _settings_file(path: Path | None, env: Mapping[str, str]) -> Path | None:
    named_by = "--config"
    if path is None and env.get(CONFIG_ENV):
        path, named_by = Path(env[CONFIG_ENV]), CONFIG_ENV
    if path is None:
        return DEFAULT_FILE if DEFAULT_FILE.is_file() else None
    path = Path(path).expanduser()
    if not path.is_file():
        raise SettingsError("config", f"settings file not found: {path} (named by {named_by})")
    return path


def _read(path: Path) -> Tables:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError("config", f"{path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError("config", f"cannot read {path}: {exc.strerror or exc}") from None


def _check_file(tables: Tables, path: Path | None) -> None:
    """Refuse unknown sections and keys, and secrets written in the file."""
    sections = S.section_classes()
    for name, table in tables.items():
        if name not in sections:
            raise SettingsError(name, f"unknown section in {path}{_did_you_mean(name, list(sections))}")
        if not isinstance(table, dict):
            raise SettingsError(name, f"must be a table ([{name}]), got {type(table).__name__}")
        known = _fields_of(sections[name])
        for key, value in table.items():
            full = f"{name}.{key}"
            if key not in known:
                raise SettingsError(full, f"unknown setting{_did_you_mean(key, list(known))}")
            meta = known[key].metadata
            if meta.get("secret") and meta.get("allowed_in_file") and isinstance(value, str):
                table[key] = _secret_from_file(full, value, meta, path)
            elif meta.get("secret"):
                also = f" (or {meta['env_fallback']})" if meta.get("env_fallback") else ""
                raise SettingsError(
                    full,
                    "secrets are not read from the settings file (files get copied, committed and shared); "
                    f"set {env_name(name, key)}{also} in the environment, or put the value in a file "
                    f"and name it in {name}.{meta['file_key']}",
                )
            if full == "models.allowlist":
                _check_allowlist(value)


def _secret_from_file(full: str, value: str, meta: Mapping[str, Any], path: Path | None) -> Secret:
    """A secret the settings file may still hold (storage.database_url, back-compatible): taken, and
    one warning, never with the value, when it carries a password."""
    if url_password(value) is not None:
        section, key = full.split(".", 1)
        log.warning(
            "%s in %s holds a password; settings files get copied, committed and shared: move the URL "
            "to the environment (%s) or to a file named in %s.%s",
            full,
            path,
            env_name(section, key),
            section,
            meta["file_key"],
        )
    return Secret(value)


def _check_allowlist(value: Any) -> None:
    if not isinstance(value, dict):
        raise SettingsError("models.allowlist", "must be a table of [models.allowlist.NAME] tables")
    known = list(_fields_of(S.ModelEntry))
    for name, entry in value.items():
        if not isinstance(entry, dict):
            raise SettingsError(
                f"models.allowlist.{name}", "must be a table with path, arch, resolution and description"
            )
        for key in entry:
            if key not in known:
                raise SettingsError(
                    f"models.allowlist.{name}.{key}", f"unknown setting{_did_you_mean(key, known)}"
                )


def _apply_env(tables: Tables, env: Mapping[str, str]) -> None:
    sections = S.section_classes()
    for var in sorted(env):
        if not var.upper().startswith(ENV_PREFIX):
            continue
        parts = var[len(ENV_PREFIX) :].lower().split("__")
        section = parts[0]
        if section not in sections:
            raise SettingsError(section, f"unknown section in {var}{_did_you_mean(section, list(sections))}")
        if section == "models" and len(parts) == 4 and parts[1] == "allowlist":
            _env_model(tables, parts[2], parts[3], env[var], var)
            continue
        if len(parts) != 2 or parts[1] == "allowlist":
            raise SettingsError(
                ".".join(parts),
                f"{var} must look like LORACORD__SECTION__KEY "
                "(allowlisted models: LORACORD__MODELS__ALLOWLIST__NAME__KEY)",
            )
        key = parts[1]
        known = _fields_of(sections[section])
        if key not in known:
            raise SettingsError(
                f"{section}.{key}", f"unknown setting in {var}{_did_you_mean(key, list(known))}"
            )
        hint = S._hints(sections[section])[key]
        value = _coerce(f"{section}.{key}", hint, env[var], var)
        if isinstance(value, Secret) and not value:
            continue  # an empty variable (compose's `${TOKEN}` when unset) means "not set here"
        tables.setdefault(section, {})[key] = value


def _env_model(tables: Tables, name: str, key: str, text: str, var: str) -> None:
    models = tables.setdefault("models", {})
    if "allowlist" not in models:
        # Variables edit the default list when the file has none.
        default = default_of(_fields_of(S.ModelsSettings)["allowlist"])
        models["allowlist"] = {n: asdict(e) for n, e in default.items()}
    known = _fields_of(S.ModelEntry)
    full = f"models.allowlist.{name}.{key}"
    if key not in known:
        raise SettingsError(full, f"unknown setting in {var}{_did_you_mean(key, list(known))}")
    value = _coerce(full, S._hints(S.ModelEntry)[key], text, var)
    models["allowlist"].setdefault(name, {})[key] = value


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _coerce(key: str, hint: Any, text: str, var: str) -> Any:
    """Turn an environment variable's text into the field's type."""
    raw = text.strip()
    try:
        if hint is Secret:
            return Secret(raw)
        if hint is bool:
            if raw.lower() in _TRUE + _FALSE:
                return raw.lower() in _TRUE
            raise ValueError(raw)
        if hint is int:
            return int(raw)
        if hint is float:
            number = float(raw)
            if not math.isfinite(number):
                raise ValueError(raw)
            return number
        if hint is Path:
            return Path(raw)
        if hint == list[int]:
            return [int(p) for p in _split(raw)]
        if hint == list[str]:
            return _split(raw)
    except ValueError:
        accepted = f"{describe(hint)} ({', '.join(_TRUE + _FALSE)})" if hint is bool else describe(hint)
        raise SettingsError(key, f"must be {accepted}, got {text!r} (from {var})") from None
    return text


def _resolve_secrets(tables: Tables, env: Mapping[str, str]) -> None:
    """Fill secret fields from their environment variable, their *_file key, or a conventional
    fallback variable (DISCORD_TOKEN), in that order; two explicit sources at once are refused."""
    for name, cls in S.section_classes().items():
        table = tables.setdefault(name, {})
        for fl in fields(cls):
            meta = fl.metadata
            if not meta.get("secret"):
                continue
            file_key = meta["file_key"]
            file_name = table.get(file_key, "")
            if table.get(fl.name) and file_name:
                given = env_name(name, fl.name)
                if meta.get("allowed_in_file"):
                    given += f" (or {name}.{fl.name} in the settings file)"
                raise SettingsError(
                    f"{name}.{fl.name}", f"both {given} and {name}.{file_key} are set; keep one of them"
                )
            if file_name and isinstance(file_name, str):
                try:
                    value = read_secret_file(Path(file_name), f"{name}.{file_key}")
                except (OSError, ValueError) as exc:
                    reason = f"{exc.strerror}: {exc.filename}" if isinstance(exc, OSError) else str(exc)
                    raise SettingsError(f"{name}.{file_key}", f"cannot read the secret: {reason}") from None
                table[fl.name] = Secret(value)
            elif not table.get(fl.name) and meta.get("env_fallback"):
                fallback = env.get(meta["env_fallback"], "").strip()
                if fallback:
                    table[fl.name] = Secret(fallback)


def _build(tables: Tables) -> S.Settings:
    kwargs: dict[str, Any] = {}
    for name, cls in S.section_classes().items():
        table = dict(tables.get(name, {}))
        if name == "models" and "allowlist" in table:
            table["allowlist"] = {n: _model_entry(n, e) for n, e in table["allowlist"].items()}
        kwargs[name] = cls(**table)
    return S.Settings(**kwargs)


def _model_entry(name: str, entry: dict[str, Any]) -> S.ModelEntry:
    try:
        return S.ModelEntry(**entry)
    except SettingsError as exc:
        # The entry checks itself as `model.KEY`; name it as the user wrote it.
        raise SettingsError(exc.key.replace("model.", f"models.allowlist.{name}.", 1), exc.message) from None


# --- loracord.example.toml ------------------------------------------------------------------------------

_HEADER = """\
# loracord settings. Copy this file to loracord.toml and change what you need; every key is shown
# with its default value and its help.
#
# Precedence, lowest first: these defaults < the settings file (--config FILE, else the file named
# by $LORACORD_CONFIG, else ./loracord.toml) < environment variables LORACORD__SECTION__KEY, e.g.
# LORACORD__LIMITS__MAX_QUEUED_JOBS_PER_USER=5 (true/false for switches, commas between list items).
#
# Secrets (the Discord token, the link-signing key, the S3 secret key, a database URL with a
# password) belong in the environment or in a file named here (token_file, signing_key_file, ...).
#
# Generated from config/settings.py by config.settings.render_example_toml(); a test keeps them equal.
"""


def _comment(text: str) -> list[str]:
    return [f"# {line}" for line in textwrap.wrap(text, width=98)]


def _accepted(meta: Mapping[str, Any]) -> str:
    if meta.get("choices"):
        return f" Accepted: {', '.join(meta['choices'])}."
    low, high = meta.get("min"), meta.get("max")
    if low is not None and high is not None:
        return f" Accepted: {low} to {high}."
    if low is not None:
        return f" Accepted: {low} or more."
    return ""


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": str(value) if isinstance(value, Path) else value}).strip()[len("v = ") :]


def _table_key(name: str) -> str:
    return name if all(c.isalnum() or c in "-_" for c in name) else json.dumps(name)


def _render_field(section: str, fl: Field, value: Any) -> list[str]:
    meta = fl.metadata
    lines = _comment(meta["help"] + _accepted(meta))
    if meta.get("secret") and meta.get("allowed_in_file"):
        lines += _comment(
            f"A URL with a password goes in the environment ({env_name(section, fl.name)}) or in a file "
            f"named in {meta['file_key']}; written here it still works, with a warning."
        )
        return [*lines, ""]
    if meta.get("secret"):
        also = f" (or {meta['env_fallback']})" if meta.get("env_fallback") else ""
        lines += _comment(
            f"Secret, never written here: set {env_name(section, fl.name)}{also} in the environment, "
            f"or name a file holding it in {meta['file_key']}."
        )
        return [*lines, ""]
    lines.append(f"# env: {env_name(section, fl.name)}")
    lines.append(f"{fl.name} = {_value(value)}")
    return [*lines, ""]


def render_example() -> str:
    out = [_HEADER]
    for name, cls in S.section_classes().items():
        section_field = _fields_of(S.Settings)[name]
        defaults = cls()
        out += ["", *_comment(section_field.metadata["help"]), f"[{name}]", ""]
        tables: list[str] = []
        for fl in fields(cls):
            value = getattr(defaults, fl.name)
            if isinstance(value, dict):
                tables += _render_allowlist(fl, value)
            else:
                out += _render_field(name, fl, value)
        out += tables
    return "\n".join(out).rstrip("\n") + "\n"


def _render_allowlist(fl: Field, entries: Mapping[str, S.ModelEntry]) -> list[str]:
    lines = _comment(fl.metadata["help"])
    lines.append("# env: LORACORD__MODELS__ALLOWLIST__NAME__PATH (also __ARCH, __RESOLUTION, __DESCRIPTION)")
    for name, entry in entries.items():
        lines += [f"[models.allowlist.{_table_key(name)}]"]
        for efl in fields(S.ModelEntry):
            lines += _comment(efl.metadata["help"] + _accepted(efl.metadata))
            lines.append(f"{efl.name} = {_value(getattr(entry, efl.name))}")
        lines.append("")
    return lines


# --- health check (the Docker HEALTHCHECK runs `python -m config.settings --check --http`) --------------


def health_problems(settings: S.Settings, http: bool) -> list[str]:
    """What is wrong with a running loracord, as far as can be seen from outside its process."""
    problems: list[str] = []
    data = settings.storage.data_dir
    try:
        with tempfile.NamedTemporaryFile(dir=data, prefix=".health-"):
            pass
    except OSError as exc:
        problems.append(f"storage.data_dir: {data} is not writable ({exc.strerror or exc})")
    db = settings.storage.sqlite_path
    if settings.storage.is_postgresql:
        pass  # a PostgreSQL store is checked by the processes that use it (they log why they cannot)
    elif not db.is_file():
        problems.append(f"the job store {db} does not exist (it is created when the bot or worker starts)")
    else:
        try:
            con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
            try:
                con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                con.close()
        except sqlite3.Error as exc:
            problems.append(f"the job store {db} cannot be read: {exc}")
    if http:
        problems += _http_problems(settings.files)
    return problems


def _http_problems(files: S.FilesSettings) -> list[str]:
    # Any HTTP answer, even a 404, proves the bot's event loop is alive and serving; a hung loop or a
    # dead process gives none. A TCP connect alone would succeed on a hung loop (the kernel accepts).
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(files.bind_host, files.bind_host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{files.bind_port}/"
    try:
        with urllib.request.urlopen(url, timeout=5):
            return []
    except urllib.error.HTTPError:
        return []
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return [f"the bot's file server at {url} does not answer ({reason})"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m config.settings",
        description="Print the effective settings (secrets masked), or check a running loracord's health.",
    )
    parser.add_argument("--config", type=Path, default=None, help="settings file (default: ./loracord.toml)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 unless the data folder is writable and the job store opens",
    )
    parser.add_argument(
        "--http", action="store_true", help="with --check: the bot's file server must answer too"
    )
    args = parser.parse_args(argv)
    try:
        settings = load(args.config, os.environ)
    except SettingsError as exc:
        print(f"invalid settings: {exc}", file=sys.stderr)
        return 1
    if not args.check:
        print(json.dumps(settings.redacted_dict(), indent=2, default=str))
        return 0
    problems = health_problems(settings, http=args.http)
    print("\n".join(problems) if problems else "ok", file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0
