"""The intents' literal prefilter (advisor/prefilter.py) skips searches, never matches."""

from __future__ import annotations

import re

import pytest

from advisor.intents import load_intents, match_spans
from advisor.prefilter import Prefilter, fold, required
from tests.advisor import bank
from tests.advisor.test_advisor_rules import QUESTION_CASES


@pytest.mark.parametrize(
    "pattern,needs",
    [
        (
            r"\blora\b.{0,40}(not|never) (show|appear)",
            {"not show", "not appear", "never show", "never appear"},
        ),
        (r"(로라|lora).{0,20}(안 ?보|없)", {"로라", "lora"}),
        (r"(?:abc|d[eE]g)x{1,3}\bfoo(?=bar)", {"foo"}),  # the longest required run wins
        (r"[lL]o[rR]a", {"lora"}),  # a class of literals multiplies a run; case is folded
        (r"\b(dim|rank)\w*\s*(\d+)", {"dim", "rank"}),
        (r"(colab )?notebook", {"notebook"}),  # an optional group requires nothing
        (
            r"(?:fp|bf)16 (vae|모델)",
            {"fp16 vae", "fp16 모델", "bf16 vae", "bf16 모델"},
        ),  # alternatives multiply
    ],
)
def test_required_strings(pattern, needs):
    assert required(re.compile(pattern, re.IGNORECASE)) == frozenset(needs)


@pytest.mark.parametrize("pattern", [r".*", r"\d+ ?(gb|기가)?", r"(a|.)b?", r"(?:foo)?\w{3}"])
def test_patterns_that_need_no_word_are_always_searched(pattern):
    compiled = re.compile(pattern, re.IGNORECASE)
    assert required(compiled) is None
    assert id(compiled) in Prefilter([compiled]).candidates("")


def test_case_is_folded_as_re_compares_characters():
    # Every pair re treats as equal under IGNORECASE folds to the same character (the BMP, both ways).
    for code in range(0x10000):
        char = chr(code)
        for other in {char.lower(), char.upper()}:
            if len(other) == 1 and re.fullmatch(re.escape(char), other, re.IGNORECASE):
                assert fold(char) == fold(other), (hex(code), other)
    assert fold("İſK") == fold("isk")  # dotted capital I, long s, the Kelvin sign: one character each


def _sample() -> list[str]:
    """Every fourth bank question and every fourth rule case, both languages (a stable, spread sample)."""
    questions = [q.text for q in bank.questions()][::4]
    return questions + [QUESTION_CASES[k] for k in sorted(QUESTION_CASES)][::4]


def test_prefilter_never_changes_which_intents_match():
    assert len(load_intents()) > 1000
    for question in _sample():
        assert match_spans(question) == match_spans(question, prefilter=False), question
