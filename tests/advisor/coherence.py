"""The bank's coherence checks on one answer, shared by the bank, paraphrase and everyday tests: no setting
pushed both ways, and no rule that a fact stated in the question rules out."""

from __future__ import annotations

from advisor.applicability import applies
from advisor.directions import merge
from advisor.question_facts import read_question


def clashes(rulebook, rule_ids) -> dict:
    """The settings the answer's rules push both ways (empty when coherent)."""
    _, found = merge(rulebook.get(i).pushes for i in rule_ids)
    return found


def ruled_out(rulebook, question_text: str, rule_ids) -> list[str]:
    """The answer's rules whose conditions a fact stated in the question contradicts."""
    situation = read_question(question_text)
    facts = situation.facts()
    return [i for i in rule_ids if applies(rulebook.get(i), facts, situation.stated) is False]
