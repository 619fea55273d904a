"""Question cases for advisor/rulebook_aftertrain.toml (issue 21, eleventh session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # metadata: the safetensors header, the A1111 card's own .json
    "after.safetensors_metadata": "Can I edit the metadata of a safetensors LoRA in Python without breaking the file?",
    "after.a1111_card_metadata": "포지에서 로라 카드 누르면 트리거가 자동으로 들어가게 하려면 어디서 설정해요?",
    # publishing
    "after.hf_model_card": "What YAML should the README of my LoRA repo on Hugging Face have so the widget shows images?",
}
