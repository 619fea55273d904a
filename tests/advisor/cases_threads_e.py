"""Question cases for advisor/rulebook_threads_e.toml (issue 21, thirteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "character.not_learned": "My OC LoRA finished training but it never generates my character, just a random girl. Why?",
    "captions.several_per_image": "Is there a way to keep three different captions for one picture and let training pick one?",
    "lets.extra_args": "LoRA Easy Training Scripts has no checkbox for an sd-scripts flag I need. How can I still pass it?",
}
