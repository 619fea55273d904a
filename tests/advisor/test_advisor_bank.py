"""The question bank: its shape and split, and the advisor judged on it (LLM off; the LLM-on run is in
bench/bench_advisor.py because it takes minutes)."""

from __future__ import annotations

import re

import pytest

from advisor.directions import OPPOSITE, text_directions
from tests.advisor import bank, coherence


def test_bank_has_150_real_questions_half_korean():
    items = bank.questions()
    assert len(items) >= 150
    korean = [q for q in items if q.lang == "ko"]
    assert len(korean) * 2 == len(items)
    for q in items:
        assert q.source.startswith("https://"), q.id
        assert q.must, f"{q.id} names no fact a right answer must contain"
    for q in korean:
        # Korean users' questions are short and full of English names (one in round 20 has 9 syllables
        # around a URL and "IP-Adapter"); 8 still rules out an English question marked Korean
        assert len(re.findall(r"[\uac00-\ud7a3]", q.text)) >= 8, q.id


def test_facts_are_valid_regexes():
    for pattern in bank.facts().values():
        re.compile(pattern)
    for q in bank.questions():
        for fact in q.must:
            assert fact.startswith("re:") or fact in bank.facts(), f"{q.id}: unknown fact {fact}"


def test_each_round_has_its_split_and_the_held_out_round_is_new():
    """Rounds 1-4 are tune, 5-20 retired (scored blind when new, then read or used), and the held-out split
    is exactly rounds 21 to 23 (question_bank_r21.toml, _r22.toml, _r23.toml, merged unread), whose sources are new and
    each asked once per language."""
    items = bank.questions()
    for q in items:
        assert q.split == bank.split_of(q.round), q.id
        assert (q.round in (21, 22, 23)) == (q.split == "held_out"), q.id
    held = [q for q in items if q.split == "held_out"]
    # three blind rounds: 31 + 42 + 40 sources in both languages (a share of a growing bank shrinks)
    assert len(held) >= 226
    older_sources = {q.source for q in items if q.split != "held_out"}
    langs_by_source: dict[str, list[str]] = {}
    for q in held:
        assert q.source not in older_sources, f"{q.id}: its source is already in rounds 1-20"
        assert q.id.startswith(("r21a-", "r21b-", "r22a-", "r22b-", "r23a-", "r23b-")) and q.id.endswith(
            f"-{q.lang}"
        ), q.id
        langs_by_source.setdefault(q.source, []).append(q.lang)
    assert len(langs_by_source) >= 113
    for source, langs in langs_by_source.items():
        assert sorted(langs) == ["en", "ko"], f"{source} is not asked exactly once in each language"


# --- the advisor judged on the bank (LLM off) -----------------------------------------------------
# Measured: each held-out round was scored blind, then retired. The held-out split is now rounds 21, 22 and 23 (113
# new sources: round 21 collected blind in the ninth session, rounds 22 and 23 in the tenth; all merged unread,
# question_bank_r21.toml, _r22.toml, _r23.toml; round 23 joined them in the eleventh session).
# Issue 21's target is 90% per language on the held-out split and it is NOT met:
# test_held_out_meets_the_issue_target is a strict xfail (remove the mark once it passes); the floors only
# keep the measured levels from sliding back.
ISSUE_TARGET = 0.90
# Rounds 21+22, scored counts only on the advisor as the tenth session found it (b8961f9): en 28/73 (38.4%), ko 27/73
# (37.0%) (round 21 13/31, 12/31; round 22 15/42, 15/42); 28/73, 28/73 at the tenth session's end (read by two person
# judges: 15/73, 17/73 right). Round 23 (40 sources): 20/18 when collected, 20/19 at the tenth session's end. Rounds
# 21-23 together at a7bef68: en 48/113 (42.5%), ko 47/113 (41.6%); 49/113, 48/113 at the eleventh session's end (d573f4f;
# read by three person judges: 30/113, 33/113 right). The floor is under both: each new round of real
# questions is its own mix (round 13 scored 33-38%, round 18 37-42%, rounds 19+20 44-45% on the code that met them).
HELD_OUT_FLOOR = 0.35
# Rounds 5-20 (895 per language): at b8961f9 en 851/895, ko 851/895 (rounds 5-18 817/820 each; rounds 19+20, held
# out until the tenth session, 34/75 each); after the twentieth round of rules (threads_y/z/aa, written from rounds
# 19-20's own threads) en 892/895, ko 892/895 (rounds 19+20 75/75 each). All were read or used after their blind
# scoring, so these are not blind.
RETIRED_FLOOR = 0.98
TUNE_FLOOR = 0.98


@pytest.fixture(scope="module")
def answers(advisor):
    return {q.id: advisor.ask(q.text, use_llm=False) for q in bank.questions()}


@pytest.mark.parametrize(
    "split,floor", [("held_out", HELD_OUT_FLOOR), ("retired", RETIRED_FLOOR), ("tune", TUNE_FLOOR)]
)
def test_bank_accuracy_per_language(answers, split, floor, capsys):
    below = {}
    for lang in ("en", "ko"):  # both languages are measured and printed before either is asserted
        items = bank.questions(split, lang)
        wrong = [q.id for q in items if not bank.judge(q, answers[q.id].text, answers[q.id].lang).right]
        accuracy = 1 - len(wrong) / len(items)
        # The held-out split's ids name its topics: printing them would brief whoever runs the test.
        shown = "(ids not shown: held out)" if split == "held_out" else wrong
        with capsys.disabled():
            print(f"\nquestion bank, {split} {lang}: {len(items) - len(wrong)}/{len(items)}; wrong: {shown}")
        if accuracy < floor:
            below[lang] = wrong if split != "held_out" else len(wrong)
    assert not below, below


@pytest.mark.xfail(strict=True, reason="issue 21 target not met on the held-out split (docs/advisor.md)")
def test_held_out_meets_the_issue_target(answers):
    for lang in ("en", "ko"):
        items = bank.questions("held_out", lang)
        right = sum(bank.judge(q, answers[q.id].text, answers[q.id].lang).right for q in items)
        assert right / len(items) >= ISSUE_TARGET, f"held-out {lang}: {right}/{len(items)}"


def test_no_answer_in_the_bank_pushes_a_setting_both_ways(advisor, answers):
    for q in bank.questions():
        found = coherence.clashes(advisor.rulebook, answers[q.id].rule_ids)
        assert not found, f"{q.id}: {found} pushed both ways by {answers[q.id].rule_ids}"


def test_every_rule_text_pushes_only_the_way_it_declares(advisor):
    """A rule's declared directions are what its recommendation says (so the answer-level check
    above means what it claims)."""
    for rule in advisor.rulebook.rules:
        for lang in ("en", "ko"):
            said = text_directions(rule.text(lang).recommendation)
            for setting, wanted in rule.pushes.items():
                opposite = OPPOSITE[wanted]
                assert opposite not in said.get(setting, set()), (
                    f"{rule.id} ({lang}) says {setting} {opposite}"
                )


def test_no_answer_shows_a_rule_that_a_stated_fact_contradicts(advisor, answers):
    for q in bank.questions():
        ruled = coherence.ruled_out(advisor.rulebook, q.text, answers[q.id].rule_ids)
        assert not ruled, f"{q.id}: {ruled}"


def test_questions_quoting_errors_are_not_echoed_as_logs(answers):
    for q in bank.questions():
        text = answers[q.id].text
        # the diagnosis's evidence line ("From the log: ..."), not a rule that says where to look in a log
        assert "From the log:" not in text and "로그에서:" not in text, q.id


def test_the_position_aware_judge_wants_the_facts_near_the_top():
    """A reader stops after the first bullets: a fact buried in bullet 3 is right for the keyword judge, not for
    right_within(…, 2); computed lines before the first bullet are read with it."""
    q = bank.Question("x-en", "en", "tune", "https://example.org", "q?", ("re:gradient.checkpointing",), ())
    buried = "- Lower the batch.\n(Why: memory.)\n- Cache latents.\n- Turn on gradient checkpointing."
    assert bank.judge(q, buried, "en").right
    assert not bank.right_within(q, buried, "en", 2) and bank.right_within(q, buried, "en", 3)
    computed = "Batch size for 8 GB: 1, with gradient checkpointing.\n- Lower the rank.\n- Cache latents."
    assert bank.right_within(q, computed, "en", 1)
    assert not bank.right_within(q, buried, "ko", 3)  # an answer in the wrong language is never right
