"""Question cases for advisor/rulebook_trainerrors.toml (issue 21, twelfth session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {}
