"""Question cases for advisor/rulebook_guides_c.toml (issue 21, guides part c), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank or probe), that must reach the rule. Part c added no rule: every fact probed was held
by an existing rule, so its fixes are intents (advisor/intents_guides_c.toml) and edits of existing texts."""

from __future__ import annotations

CASES: dict[str, str] = {}
