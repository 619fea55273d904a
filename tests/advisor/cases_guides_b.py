"""Question cases for advisor/rulebook_guides_b.toml (issue 21, guides part b), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank or probe), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # SimpleTuner's Flux quickstart
    "tuners.st_flux_guidance_value": "심플튜너로 플럭스 로라 만들 때 flux_guidance_value 3.5로 학습하면 추론은 어떻게 해요?",
    "tuners.st_flux_lr_rank": "Is rank 128 overkill for a Flux LoRA in SimpleTuner, and what learning rate goes with it?",
    "flux.grid_artifacts": "After 2000 steps my Flux LoRA outputs show a faint checkerboard pattern, is it overcooked?",
    "tuners.st_flux_low_memory": "NF4로 플럭스 학습하면 자꾸 망가지는데 옵티마이저 뭐가 맞아요?",
}
