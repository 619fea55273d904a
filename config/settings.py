"""loracord's settings: one typed, frozen `Settings` object made of section dataclasses.

Loaded once at start-up by `load_settings` and passed down explicitly. Precedence, lowest first:
field defaults < the TOML file (`--config`, else $LORACORD_CONFIG, else ./loracord.toml if it exists)
< environment variables `LORACORD__SECTION__KEY`. Secrets (the Discord token, the link-signing key)
come only from the environment or from a file named by a `*_file` key; a secret written in the TOML
file is refused. `load_settings` is the one place in loracord that reads the environment.

Every field carries a one-line help text and its accepted values in its metadata; they drive the
validation messages, `loracord.example.toml` (`render_example_toml`) and docs/configuration.md.

This is the public module. The section types live in `config._settings_model` and the reading,
merging and example rendering in `config._settings_load` (which imports the types, never this module).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from config import _settings_load
from config._settings_fields import SettingsError
from config._settings_model import (
    ADVISOR_LANGUAGES,
    AdvisorSettings,
    CaptioningSettings,
    DiscordSettings,
    FilesSettings,
    I18nSettings,
    LimitsSettings,
    ModelEntry,
    ModelsSettings,
    Settings,
    StorageSettings,
    WorkerSettings,
    section_classes,
)
from config.llm_model_path import resolve_llm_model_path
from config.secrets import Secret

__all__ = [
    "ADVISOR_LANGUAGES",
    "AdvisorSettings",
    "CaptioningSettings",
    "DiscordSettings",
    "FilesSettings",
    "I18nSettings",
    "LimitsSettings",
    "ModelEntry",
    "ModelsSettings",
    "Secret",
    "Settings",
    "SettingsError",
    "StorageSettings",
    "WorkerSettings",
    "load_settings",
    "render_example_toml",
    "resolve_llm_model_path",
    "section_classes",
]


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings file and the environment; raise SettingsError naming the first bad key."""
    return _settings_load.load(path, os.environ if environ is None else environ)


def render_example_toml() -> str:
    """The text of loracord.example.toml: every key, its help, accepted values and variable name."""
    return _settings_load.render_example()


if __name__ == "__main__":
    raise SystemExit(_settings_load.main())
