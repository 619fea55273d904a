"""Question cases for advisor/rulebook_threads_h.toml (issue 21, thirteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "hardware.cpu_only_training": "My laptop has no graphics card at all. Can I still train an SD1.5 LoRA on the CPU?",
}
