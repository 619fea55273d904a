"""Checks an LLM reply against the facts it was given.

A small model words fluently but invents numbers and settings. Every number, flag, option name,
technical term (fp16, adamw8bit) and command in the reply must appear in the retrieved rules or
the question; the reply must carry at least one of the main rule's own facts, and be written in
the question's language. Otherwise the caller returns the rule text instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from advisor.directions import against
from advisor.i18n import hangul_count
from config.training import TrainConfig

# re.ASCII: Korean particles glue onto names ('fp16를'); Hangul must count as a word boundary.
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:e-?\d+)?)", re.IGNORECASE | re.ASCII)
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*", re.IGNORECASE | re.ASCII)
_IDENT = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", re.IGNORECASE | re.ASCII)
_MIXED_TERM = re.compile(r"\b(?=[a-z0-9-]*[a-z])(?=[a-z0-9-]*\d)[a-z][a-z0-9-]*\b", re.IGNORECASE | re.ASCII)
_COMMAND = re.compile(
    r"\b(loracord|pip|python3?|accelerate|git|sudo|apt(?:-get)?)\s+([a-z][\w-]*)", re.IGNORECASE | re.ASCII
)
_FIELDS = frozenset(f.name for f in fields(TrainConfig))
_LATIN = re.compile(r"[A-Za-z]")
# Small talk must still say what the advisor is for (a tiny model likes to offer "data analysis").
_ON_TOPIC = re.compile(r"lora|loracord|train|dataset|caption|학습|데이터셋|캡션", re.IGNORECASE)


@dataclass(frozen=True)
class Claims:
    numbers: frozenset[float]
    words: frozenset[str]  # flags, option names, mixed letter-digit terms, commands; lower-case

    def is_empty(self) -> bool:
        return not self.numbers and not self.words


def _to_float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def extract_claims(text: str) -> Claims:
    numbers = {v for v in (_to_float(m) for m in _NUMBER.findall(text)) if v is not None}
    words: set[str] = set()
    words.update(m.lower() for m in _FLAG.findall(text))
    words.update(m.lower() for m in _IDENT.findall(text))
    words.update(m.lower() for m in _MIXED_TERM.findall(text))
    words.update(f"{a.lower()} {b.lower()}" for a, b in _COMMAND.findall(text))
    # A bare field name written without underscores is still a field name.
    lowered = text.lower()
    words.update(f for f in _FIELDS if f in lowered)
    return Claims(frozenset(numbers), frozenset(words))


_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
_CONTEXT_STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "in",
        "on",
        "for",
        "with",
        "is",
        "are",
        "be",
        "it",
        "you",
        "your",
        "use",
        "using",
        "set",
        "should",
        "can",
        "will",
        "at",
        "by",
        "from",
        "as",
        "so",
        "up",
        "about",
        "than",
        "then",
        "this",
        "that",
        "each",
        "every",
        "more",
        "less",
    }
)


def _norm_word(word: str) -> str:
    word = word.lower()
    if _HANGUL_WORD.fullmatch(word):
        return word[:2]  # Korean: the stem without its particle
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _content_words(tokens: list[str], limit: int = 2) -> set[str]:
    words = [w for w in tokens if not w[0].isdigit() and w.lower() not in _CONTEXT_STOP]
    return {_norm_word(w) for w in words[:limit]}


def number_contexts(text: str, reach: int = 6) -> dict[float, set[str]]:
    """For each number, the two nearest content words on each side (all its occurrences together)."""
    tokens = re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?|[A-Za-z][A-Za-z0-9_]*|[\uac00-\ud7a3]+", text)
    out: dict[float, set[str]] = {}
    for i, token in enumerate(tokens):
        value = _to_float(token) if token[0].isdigit() else None
        if value is None:
            continue
        before = _content_words(tokens[max(0, i - reach) : i][::-1])
        after = _content_words(tokens[i + 1 : i + 1 + reach])
        out.setdefault(value, set()).update(before | after)
    return out


def _context_ok(reply: str, allowed_text: str) -> str | None:
    """A number must be used about the same thing as in the rules: '100 steps' is not '100 images'."""
    allowed = number_contexts(allowed_text)
    for value, words in number_contexts(reply).items():
        known = [ctx for v, ctx in allowed.items() if math.isclose(v, value, rel_tol=1e-6, abs_tol=1e-12)]
        if words and any(known) and not any(words & ctx for ctx in known):
            return f"{value:g} is used about something else than in the rules"
    return None


def _number_known(value: float, known: frozenset[float]) -> bool:
    return any(math.isclose(value, k, rel_tol=1e-6, abs_tol=1e-12) for k in known)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


def language_ok(reply: str, lang: str) -> bool:
    # Setting names, flags and terms like fp16 are written in Latin letters in any language.
    prose = _MIXED_TERM.sub(" ", _IDENT.sub(" ", _FLAG.sub(" ", re.sub(r"`[^`]*`", " ", reply))))
    hangul = hangul_count(prose)
    latin = len(_LATIN.findall(prose))
    if lang == "ko":
        # Option names and numbers stay in Latin letters; the prose must be Korean.
        return hangul >= 10 and hangul >= 0.4 * (hangul + latin)
    return hangul == 0


def check_reply(
    reply: str, allowed_text: str, main_fact_text: str, lang: str, pushes: Mapping[str, str] | None = None
) -> Verdict:
    """Accept `reply` only if everything checkable in it is backed by `allowed_text`, and (with the
    rule's `pushes`) it moves no setting another way than the rule does ("raise the steps" for a rule
    that lowers them, or a setting the rule does not touch at all)."""
    if len(reply.strip()) < 20:
        return Verdict(False, "empty or too short")
    if not language_ok(reply, lang):
        return Verdict(False, f"not written in {lang}")
    said, allowed = extract_claims(reply), extract_claims(allowed_text)
    unknown_numbers = sorted(n for n in said.numbers if not _number_known(n, allowed.numbers))
    if unknown_numbers:
        return Verdict(False, f"numbers not in the rules: {', '.join(f'{n:g}' for n in unknown_numbers[:5])}")
    unknown_words = sorted(said.words - allowed.words)
    if unknown_words:
        return Verdict(False, f"names not in the rules: {', '.join(unknown_words[:5])}")
    misused = _context_ok(reply, allowed_text)
    if misused:
        return Verdict(False, misused)
    if pushes is not None:
        wrong_way = against(reply, pushes)
        if wrong_way:
            return Verdict(False, f"pushes {', '.join(wrong_way)} another way than the rule")
    main = extract_claims(main_fact_text)
    if not main.is_empty():
        carried = bool(main.words & said.words) or any(_number_known(n, said.numbers) for n in main.numbers)
        if not carried:
            return Verdict(False, "leaves out the rule's settings and numbers")
    return Verdict(True)


def check_smalltalk(reply: str, lang: str, max_chars: int = 400) -> Verdict:
    """Small talk may state no facts at all: no numbers, settings or commands."""
    if len(reply.strip()) < 2 or len(reply) > max_chars:
        return Verdict(False, "empty or too long")
    wrong_language = hangul_count(reply) < 2 if lang == "ko" else not language_ok(reply, lang)
    if wrong_language:
        return Verdict(False, f"not written in {lang}")
    if not extract_claims(reply).is_empty():
        return Verdict(False, "small talk that states numbers or settings")
    if not _ON_TOPIC.search(reply):
        return Verdict(False, "small talk that does not offer LoRA help")
    return Verdict(True)
