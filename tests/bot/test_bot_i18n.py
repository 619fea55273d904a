"""The catalogues: the same keys and placeholders in both languages, every key the code uses exists,
and every localized command name and description is one Discord accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import limits
from bot.i18n import L, catalogue, language_of, placeholders, t

ROOT = Path(__file__).resolve().parents[2]
#: Discord's rule for command and option names (docs: Application Commands > Naming).
NAME = re.compile(r"^[-_\w]{1,32}$")
KEY_IN_CODE = re.compile(r"""(?:\bt\([^,()]+,\s*|\bL\()"([a-z0-9_]+(?:\.[a-z0-9_]+)+)\"""")


def test_same_keys_and_placeholders() -> None:
    en, ko = catalogue("en"), catalogue("ko")
    assert set(en) == set(ko)
    assert {k for k in en if placeholders(en[k]) != placeholders(ko[k])} == set()


def test_every_key_used_in_the_code_exists() -> None:
    used = set()
    for path in (ROOT / "bot").rglob("*.py"):
        if "standin" not in path.parts:
            used |= set(KEY_IN_CODE.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern found no keys: it is broken"
    assert sorted(used - set(catalogue("en"))) == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_command_texts_fit_discord(lang: str) -> None:
    for key, text in catalogue(lang).items():
        if key.startswith(("cmd.", "opt.")) and key.endswith(".name"):
            assert NAME.match(text) and text == text.lower(), f"{lang} {key}: {text!r}"
        if key.startswith(("cmd.", "opt.")) and key.endswith(".desc"):
            assert 1 <= len(text) <= 100, f"{lang} {key} is {len(text)} characters"
        if key.startswith("buttons."):
            assert len(text) <= limits.BUTTON_LABEL_MAX


def test_korean_text_is_korean_and_falls_back_to_english() -> None:
    assert language_of("ko") == "ko" and language_of("en-GB") == "en" and language_of("ja") == "en"
    assert t("ko", "status.running") == "학습 중"
    assert t("ja", "status.running") == "training"
    assert t("ko", "training.queued", job="x").startswith("`x`")
    assert L("cmd.dataset.name").extras["key"] == "cmd.dataset.name"
