"""The question bank: its shape and split, and the advisor judged on it (LLM off; the LLM-on run is in
bench/bench_advisor.py because it takes minutes)."""

from __future__ import annotations

import re

from tests.advisor import bank


def test_bank_has_150_real_questions_half_korean():
    items = bank.questions()
    assert len(items) >= 150
    korean = [q for q in items if q.lang == "ko"]
    assert len(korean) * 2 == len(items)
    for q in items:
        assert q.source.startswith("https://"), q.id
        assert q.must, f"{q.id} names no fact a right answer must contain"
    for q in korean:
        assert len(re.findall(r"[\uac00-\ud7a3]", q.text)) >= 10, q.id


def test_facts_are_valid_regexes():
    for pattern in bank.facts().values():
        re.compile(pattern)
    for q in bank.questions():
        for fact in q.must:
            assert fact.startswith("re:") or fact in bank.facts(), f"{q.id}: unknown fact {fact}"


def test_held_out_split_is_the_seeded_hash_of_the_source():
    items = bank.questions()
    for q in items:
        assert q.split == ("held_out" if bank.held_out(q.source) else "tune"), q.id
    held = [q for q in items if q.split == "held_out"]
    assert 0.25 <= len(held) / len(items) <= 0.42
    for lang in ("en", "ko"):
        assert any(q.lang == lang for q in held)
