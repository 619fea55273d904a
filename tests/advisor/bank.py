"""The question bank (question_bank.toml, rounds 1-2; question_bank_rN.toml, rounds 3 to 23): loading, the
splits, and judging one answer.

Each round's split follows from its number, not from the file:
- `held_out`: the newest rounds (21, 22 and 23, merged together), collected by helpers who never saw the advisor, merged unread and
  scored on the code as the session that collected it found it, and at its end (docs/advisor.md).
- `retired`: rounds 5 to 20, each scored blind when it was new, then read or used (failures read, topics or
  rules chosen from them, the ranker's weights fit on them); none is blind any more.
- `tune`: rounds 1-4, whose failures were read and fixed.

An answer is right when it is in the question's language, contains every fact the question lists
(`must`: a key of the bank's [fact] table or an inline "re:<regex>") and matches none of its
`must_not` regexes (advice that pushes a setting the wrong way). Used by tests/advisor/test_advisor_bank.py
and bench/bench_advisor_bank.py.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

BANK_PATH = Path(__file__).with_name("question_bank.toml")
#: The later rounds' files, each with `round = N` on every item and an optional [fact] table.
ROUND_PATHS = {
    n: Path(__file__).with_name(f"question_bank_r{n}.toml")
    for n in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23)
}
HELD_OUT_ROUNDS = (21, 22, 23)
RETIRED_ROUNDS = (5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)
SPLITS = ("tune", "retired", "held_out")


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    split: str
    source: str
    text: str
    must: tuple[str, ...]
    must_not: tuple[str, ...]
    # 3 to 23 for question_bank_rN.toml; None for the rounds 1-2 file (not recorded per item)
    round: int | None = None


@dataclass(frozen=True)
class Verdict:
    right: bool
    missing: tuple[str, ...]  # facts not found
    wrong: tuple[str, ...]  # must_not patterns found


@cache
def _raw() -> dict:
    with BANK_PATH.open("rb") as fh:
        return tomllib.load(fh)


@cache
def _raw_round(n: int) -> dict:
    with ROUND_PATHS[n].open("rb") as fh:
        return tomllib.load(fh)


def seed() -> str:
    return _raw()["meta"]["seed"]


@cache
def _facts() -> dict[str, str]:
    merged = dict(_raw()["fact"])
    for n, path in ROUND_PATHS.items():
        for key, pattern in _raw_round(n).get("fact", {}).items():
            if key in merged:
                raise ValueError(f"{path.name} redefines fact {key!r}")
            merged[key] = pattern
    return merged


def facts() -> dict[str, str]:
    """The main file's [fact] table, plus the later rounds' optional [fact] tables (no key may clash)."""
    return dict(_facts())


def held_out(question: Question) -> bool:
    """The split rule: a question is held out exactly when it belongs to the newest rounds (HELD_OUT_ROUNDS)."""
    return question.round in HELD_OUT_ROUNDS


def split_of(round_number: int | None) -> str:
    if round_number in HELD_OUT_ROUNDS:
        return "held_out"
    return "retired" if round_number in RETIRED_ROUNDS else "tune"


def _items() -> list[dict]:
    return list(_raw()["q"]) + [item for n in ROUND_PATHS for item in _raw_round(n)["q"]]


def _question(raw: dict, split: str) -> Question:
    return Question(
        id=raw["id"],
        lang=raw["lang"],
        split=split,
        source=raw["source"],
        text=raw["text"],
        must=tuple(raw["must"]),
        must_not=tuple(raw.get("must_not", ())),
        round=raw.get("round") or None,
    )


def questions(split: str | None = None, lang: str | None = None) -> list[Question]:
    out = []
    for raw in _items():
        item = _question(raw, split_of(raw.get("round")))
        if (split is None or item.split == split) and (lang is None or item.lang == lang):
            out.append(item)
    return out


@cache
def _load(path: Path) -> tuple[dict, ...]:
    with path.open("rb") as fh:
        return tuple(tomllib.load(fh)["q"])


PARAPHRASE_PATH = Path(__file__).with_name("question_bank_paraphrases.toml")


@dataclass(frozen=True)
class Paraphrase:
    """A retired question asked in other words: judged with its original's facts (`question`)."""

    question: Question  # the paraphrase's id and text; the original's lang, source, must, must_not, round
    orig: str  # the original's id
    split: str  # "tune" (read and fitted) or "held_out" (counts only)


def paraphrases(split: str | None = None, lang: str | None = None) -> list[Paraphrase]:
    """question_bank_paraphrases.toml: each item keeps its original's source and facts."""
    by_id = {q.id: q for q in questions()}
    out = []
    for item in _load(PARAPHRASE_PATH):
        original = by_id[item["orig"]]
        question = replace(original, id=item["id"], text=item["text"])
        para = Paraphrase(question=question, orig=item["orig"], split=item["split"])
        if (split is None or para.split == split) and (lang is None or original.lang == lang):
            out.append(para)
    return out


EVERYDAY_PATHS = {
    n: Path(__file__).with_name(f"question_bank_common{n}.toml")
    for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
}


def everyday(set_number: int = 1, lang: str | None = None) -> list[Question]:
    """Everyday questions written blind (question_bank_common{N}.toml), judged like the bank. Sets 1 to 16
    were read after their blind scoring (tune sets); later sets stay in tests/advisor/blind/ until they are."""
    out = [_question(item, "tune") for item in _load(EVERYDAY_PATHS[set_number])]
    return [q for q in out if lang is None or q.lang == lang]


def _pattern(fact: str) -> str:
    return fact[3:] if fact.startswith("re:") else _facts().get(fact, fact)


def judge(question: Question, answer_text: str, answer_lang: str) -> Verdict:
    missing = tuple(
        f for f in question.must if not re.search(_pattern(f), answer_text, re.IGNORECASE | re.DOTALL)
    )
    wrong = tuple(p for p in question.must_not if re.search(_pattern(p), answer_text, re.IGNORECASE))
    right = answer_lang == question.lang and not missing and not wrong
    return Verdict(right, missing, wrong)


def bullets(answer_text: str) -> list[str]:
    """An answer's bullets ('- ' lines, each with its '(Why: ...)' line); computed lines before the first
    bullet belong to it (they are what a reader sees first)."""
    parts = re.split(r"\n(?=- )", answer_text.strip())
    if len(parts) > 1 and not parts[0].startswith("- "):
        parts = [parts[0] + "\n" + parts[1], *parts[2:]]
    return parts


def right_within(question: Question, answer_text: str, answer_lang: str, shown: int) -> bool:
    """Right, and every fact it must contain already in the first `shown` bullets: the stricter, position-aware
    keyword judge. Read by people, an answer whose fact sits in bullet 3 or 4 behind other rules is "partly"
    right; on blind sets 17 and 18 (twelfth session) this judge with shown=2 agreed with four person judges on
    254 of 320 items, the plain keyword judge on 222 (docs/advisor.md)."""
    return judge(question, answer_text, answer_lang).right and facts_within(question, answer_text, shown)


def facts_within(question: Question, answer_text: str, shown: int) -> bool:
    """Every fact the question must get is in the answer's first `shown` bullets (for an answer already judged)."""
    head = "\n".join(bullets(answer_text)[:shown])
    return all(re.search(_pattern(f), head, re.IGNORECASE | re.DOTALL) for f in question.must)


def score(advisor, split: str | None = None, use_llm: bool = False, max_tokens: int | None = None):
    """{lang: (right, total)} and the failures ('id: missing [...] wrong [...]') for one split."""
    totals: dict[str, list[int]] = {}
    failures: list[str] = []
    for q in questions(split):
        answer = advisor.ask(q.text, use_llm=use_llm, max_tokens=max_tokens)
        verdict = judge(q, answer.text, answer.lang)
        cell = totals.setdefault(q.lang, [0, 0])
        cell[0] += verdict.right
        cell[1] += 1
        if not verdict.right:
            failures.append(f"{q.id}: missing {list(verdict.missing)} wrong {list(verdict.wrong)}")
    return {k: (v[0], v[1]) for k, v in totals.items()}, failures
