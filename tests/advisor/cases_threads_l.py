"""Question cases for advisor/rulebook_threads_l.toml (issue 21, fourteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # EveryDream2
    "tuners.ed2_validation_loss": "How do I turn on validation in EveryDream2, and why is my loss/val curve below zero?",
}
