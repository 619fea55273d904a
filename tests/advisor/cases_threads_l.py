"""Question cases for advisor/rulebook_threads_l.toml (issue 21, fourteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # EveryDream2
    "tuners.ed2_validation_loss": "How do I turn on validation in EveryDream2, and why is my loss/val curve below zero?",
    # AUTOMATIC1111 / Forge prompt editing
    "webui.lora_weight_keys": "포지에서 로라 강도를 슬라이더나 단축키로 조절할 수 있나요? 매번 숫자 고치기 귀찮아요",
    # LoRA_Easy_Training_Scripts
    "trainers.lets_warmup_ratio": "Easy Training Scripts의 warmup ratio 0.1이면 워밍업이 몇 스텝이에요?",
}
