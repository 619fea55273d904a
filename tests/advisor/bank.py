"""The question bank (question_bank.toml): loading, the held-out split, and judging one answer.

An answer is right when it is in the question's language, contains every fact the question lists
(`must`: a key of the bank's [fact] table or an inline "re:<regex>") and matches none of its
`must_not` regexes (advice that pushes a setting the wrong way). Used by tests/advisor/test_advisor_bank.py
and bench/bench_advisor.py.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BANK_PATH = Path(__file__).with_name("question_bank.toml")


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    split: str
    source: str
    text: str
    must: tuple[str, ...]
    must_not: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    right: bool
    missing: tuple[str, ...]  # facts not found
    wrong: tuple[str, ...]  # must_not patterns found


@cache
def _raw() -> dict:
    with BANK_PATH.open("rb") as fh:
        return tomllib.load(fh)


def seed() -> str:
    return _raw()["meta"]["seed"]


def facts() -> dict[str, str]:
    return dict(_raw()["fact"])


def held_out(source: str, bank_seed: str | None = None) -> bool:
    """The split rule recorded in the bank: a third of the sources, chosen by a seeded hash."""
    digest = hashlib.sha256(f"{bank_seed or seed()}:{source}".encode()).hexdigest()
    return int(digest, 16) % 3 == 0


def questions(split: str | None = None, lang: str | None = None) -> list[Question]:
    out = []
    for raw in _raw()["q"]:
        item = Question(
            id=raw["id"],
            lang=raw["lang"],
            split=raw["split"],
            source=raw["source"],
            text=raw["text"],
            must=tuple(raw["must"]),
            must_not=tuple(raw.get("must_not", ())),
        )
        if (split is None or item.split == split) and (lang is None or item.lang == lang):
            out.append(item)
    return out


def _pattern(fact: str) -> str:
    return fact[3:] if fact.startswith("re:") else facts().get(fact, fact)


def judge(question: Question, answer_text: str, answer_lang: str) -> Verdict:
    missing = tuple(
        f for f in question.must if not re.search(_pattern(f), answer_text, re.IGNORECASE | re.DOTALL)
    )
    wrong = tuple(p for p in question.must_not if re.search(_pattern(p), answer_text, re.IGNORECASE))
    right = answer_lang == question.lang and not missing and not wrong
    return Verdict(right, missing, wrong)


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
