"""The bot's messages in English and Korean, and the translator that localizes slash commands.

Messages live in `en.toml` and `ko.toml` beside this file (nested tables, addressed by dotted keys such
as `datasets.created`). `t(locale, key, **values)` formats a message in the user's language; a key the
Korean catalogue lacks falls back to English. Command names and descriptions are declared with
`L(key)`: the English text is the name Discord registers, and `Translator` supplies the Korean one
as a `name_localizations` entry, so Korean users see Korean command names in their client.
"""

from __future__ import annotations

import functools
import logging
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "ko")
FALLBACK = "en"


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of one language by dotted key (read once)."""
    with (HERE / f"{lang}.toml").open("rb") as fh:
        return _flatten(tomllib.load(fh))


def language_of(
    locale: str | discord.Locale | None, supported: tuple[str, ...] | list[str] = LANGUAGES
) -> str:
    """'ko' for Korean clients, 'en' for en-US/en-GB/anything unsupported."""
    if locale is None:
        return FALLBACK
    value = locale.value if isinstance(locale, discord.Locale) else str(locale)
    base = value.split("-")[0].lower()
    return base if base in supported and base in LANGUAGES else FALLBACK


def t(locale: str | discord.Locale | None, key: str, **values: Any) -> str:
    """The message `key` in the language of `locale`, formatted with `values`."""
    lang = language_of(locale)
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(FALLBACK).get(key)
        if text is None:
            # A missing key is a bug in the bot, but the user still gets the key rather than nothing.
            log.error("message key %r is missing from the catalogues", key)
            return key
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    """Names of the {placeholders} in a message (tests compare them between languages)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def L(key: str) -> app_commands.locale_str:
    """A command name/description/option text: English as registered, localized by `Translator`."""
    english = catalogue(FALLBACK).get(key)
    if english is None:
        raise KeyError(f"command text {key!r} is missing from en.toml")
    return app_commands.locale_str(english, key=key)


class Translator(app_commands.Translator):
    """Korean `name_localizations` / `description_localizations` for every command and option."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        if key is None or locale is not discord.Locale.korean:
            return None
        return catalogue("ko").get(key)
