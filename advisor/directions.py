"""Which way advice pushes each setting, from a rule's declared `pushes` or from free text.

An answer must never push one setting both ways ("reduce the steps" and two lines later "increase
max_train_steps"). Rules declare their directions in the rulebook; `conflicts` compares two such
tables. `text_directions` reads directions out of prose (an LLM's sentence) so the checker can refuse a
sentence that pushes a setting against the rule it words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

OPPOSITE = {"up": "down", "down": "up", "on": "off", "off": "on"}

# How settings are named in prose, both languages.
_SETTINGS = {
    "learning_rate": r"learning[ _]rate|\blr\b|학습률",
    "max_train_steps": r"max_train_steps|\bsteps?\b|\bepochs?\b|\brepeats\b|스텝|에포크|학습 횟수",
    "train_batch_size": r"\bbatch(?:[ _]size)?\b|train_batch_size|배치",
    "network_dim": r"network_dim|\brank\b|\bdim\b|랭크|rank",
    "resolution": r"resolution|해상도",
}
_UP = r"raise|increase|higher|more|bigger|larger|double|늘리|늘려|올리|올려|높이|높여|키우|키워"
_DOWN = r"lower|reduce|decrease|fewer|less|smaller|halve|cut|drop|줄이|줄여|낮추|낮춰|절반|덜"
_CLAUSE = re.compile(r"[.;:!?\n]|,\s|\band\b|\bor\b|하고|하거나|고,")


def conflicts(a: Mapping[str, str], b: Mapping[str, str]) -> list[str]:
    """Settings that `a` and `b` push in opposite directions."""
    return sorted(s for s, d in a.items() if b.get(s) == OPPOSITE.get(d))


def merge(tables: Iterable[Mapping[str, str]]) -> tuple[dict[str, str], list[str]]:
    """All directions together, and the settings pushed both ways."""
    merged: dict[str, str] = {}
    clashes: list[str] = []
    for table in tables:
        clashes += conflicts(table, merged)
        for setting, direction in table.items():
            merged.setdefault(setting, direction)
    return merged, sorted(set(clashes))


def text_directions(text: str) -> dict[str, set[str]]:
    """Directions stated in prose: a setting and an up/down verb in the same clause."""
    found: dict[str, set[str]] = {}
    for clause in _CLAUSE.split(text):
        lowered = clause.lower()
        up = re.search(_UP, lowered) is not None
        down = re.search(_DOWN, lowered) is not None
        if up == down:  # neither, or both (a comparison): no clear direction
            continue
        for setting, pattern in _SETTINGS.items():
            if re.search(pattern, lowered):
                found.setdefault(setting, set()).add("up" if up else "down")
    return found


def against(text: str, pushes: Mapping[str, str]) -> list[str]:
    """Settings the text pushes against the rule's own directions, or that the rule does not push."""
    bad = []
    for setting, directions in text_directions(text).items():
        wanted = pushes.get(setting)
        if wanted is None or any(d != wanted for d in directions):
            bad.append(setting)
    return sorted(bad)
