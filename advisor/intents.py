"""What a question asks, read from its words and (Korean) lemmas: advisor/intents.toml.

Each intent names the rules that answer it and the computed notes it wants. `match(question)` returns
the intents whose patterns match, in the file's order (specific topics before general ones).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from advisor import korean
from advisor.engine import TOPIC_PARTS
from advisor.prefilter import Prefilter

INTENTS_PATH = Path(__file__).resolve().parent / "intents.toml"
#: Read after intents.toml, in this order (each optional): the intents of rulebook_<part>.toml.
MORE_INTENT_PATHS = tuple(INTENTS_PATH.with_name(f"intents_{part}.toml") for part in TOPIC_PARTS)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Intent:
    id: str
    rules: tuple[str, ...]
    notes: tuple[str, ...]
    en: tuple[re.Pattern[str], ...]
    ko: tuple[re.Pattern[str], ...]
    # Patterns (either language) that rule the intent out: a recipe question is not one that reports an
    # error or a broken result ("unless" in the TOML).
    unless: tuple[re.Pattern[str], ...] = ()
    # General advice ("how can I improve it?"): its rules come after those the stated facts make hold.
    general: bool = False
    # From a topic file (intents_craft/use/symptoms/setup.toml): an option or symptom named outright, more
    # specific than intents.toml's broad topics; `broad = true` there marks a mere mention ("colab").
    specific: bool = False
    # `first = true` in a topic file: a model or tool named outright whose own facts answer before the other
    # topic intents' generic ones (a Wan or Qwen-Image question gets its model's VRAM, not SDXL's).
    first: bool = False


@cache
def load_intents(path: Path = INTENTS_PATH) -> tuple[Intent, ...]:
    with path.open("rb") as fh:
        raw = [dict(item, specific=False) for item in tomllib.load(fh)["intent"]]
    if path == INTENTS_PATH:
        for more in MORE_INTENT_PATHS:
            if more.exists():
                with more.open("rb") as fh:
                    raw += [dict(item, specific=True) for item in tomllib.load(fh).get("intent", [])]
    return tuple(
        Intent(
            id=item["id"],
            rules=tuple(item["rules"]),
            notes=tuple(item.get("notes", ())),
            en=tuple(re.compile(p, re.IGNORECASE) for p in item.get("en", ())),
            # a Korean pattern's word accepts its other Hangul spellings ("에폭" / "에포크", korean.SPELLINGS)
            ko=tuple(re.compile(korean.widen(p), re.IGNORECASE) for p in item.get("ko", ())),
            unless=tuple(re.compile(korean.widen(p), re.IGNORECASE) for p in item.get("unless", ())),
            general=bool(item.get("general", False)),
            specific=item["specific"] and not item.get("broad", False),
            first=item["specific"] and bool(item.get("first", False)),
        )
        for item in raw
    )


def korean_view(text: str) -> str:
    """The question followed by its lemmas, for patterns that name a verb by its dictionary form."""
    if not _HANGUL.search(text):
        return text
    return f"{text}\n{' '.join(korean.lemmas(text))}"


# Contractions typed without the apostrophe, or with a typographic one ("doesnt", "don’t").
_CONTRACTION = re.compile(
    r"\b(do|does|did|is|are|was|were|ca|wo|could|should|would|has|have|had)(?:n’t|nt)\b", re.I
)


def normalize(text: str) -> str:
    """The question as patterns expect it: plain apostrophes, contractions spelled "n't"."""
    return _CONTRACTION.sub(lambda m: m.group(1) + "n't", text.replace("’", "'"))


def match(question: str) -> list[Intent]:
    return [intent for intent, _ in match_spans(question)]


@cache
def _prefilter() -> tuple[Prefilter, dict[int, set[int]]]:
    """The prefilter of every pattern, and for each question pattern (by id) the intents it belongs to."""
    intents = load_intents()
    owners: dict[int, set[int]] = {}
    for n, intent in enumerate(intents):
        for pattern in intent.en + intent.ko:
            owners.setdefault(id(pattern), set()).add(n)
    patterns = (p for i in intents for group in (i.en, i.ko, i.unless) for p in group)
    return Prefilter(patterns, cache=True), owners


def match_spans(question: str, prefilter: bool = True) -> list[tuple[Intent, int]]:
    """The matching intents, each with the length of its longest match (how much of the question names
    it: "lora key not loaded" says more than "te1"), in the file's order. The prefilter only skips the
    patterns that need a word the question lacks (advisor/prefilter.py); `prefilter=False` searches all."""
    view = korean_view(normalize(question))
    korean_text = _HANGUL.search(question) is not None
    intents = load_intents()
    if prefilter:
        pf, owners = _prefilter()
        maybe = pf.candidates(view)
        order = sorted({n for pid in maybe for n in owners.get(pid, ())})
    else:
        maybe, order = None, range(len(intents))

    def search(pattern: re.Pattern[str]) -> re.Match[str] | None:
        if maybe is not None and id(pattern) not in maybe:
            return None
        return pattern.search(view)

    found = []
    for n in order:
        intent = intents[n]
        patterns = intent.en + intent.ko if korean_text else intent.en
        spans = [len(m.group(0)) for p in patterns if (m := search(p))]
        if spans and not any(search(p) for p in intent.unless):
            found.append((intent, max(spans)))
    return found
