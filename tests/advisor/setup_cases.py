"""Question cases for advisor/rulebook_setup.toml (merged into test_advisor_rules.QUESTION_CASES): rule id ->
a question, written fresh (not taken from the question bank), that must reach the rule."""

from __future__ import annotations

SETUP_CASES: dict[str, str] = {}
