"""Question cases for advisor/rulebook_families.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "families.sd15_anime_bases": "For an SD1.5 anime LoRA that should work on Anything V5 and Counterfeit, which checkpoint do I train on?",
    "families.sd15_realistic_bases": "실사 SD1.5 인물 로라를 Realistic Vision으로 학습할까요, 기본 1.5로 할까요?",
    "families.sd2_history": "Why does almost nobody use SD 2.1 for LoRAs anymore?",
    "families.pony_prompt_tags": "포니 모델에서 source_anime 이랑 rating 태그는 어떻게 써요?",
    "families.pony_training": "Should my captions include score tags when training on Pony?",
    "families.illustrious_versions": "Illustrious 0.1 vs 2.0, which one should I train my character LoRA on?",
    "families.noobai_versions": "누비 eps 1.1이랑 v-pred 1.0 중에 어떤 버전으로 로라 학습해요?",
    "families.vpred_generation": "My NoobAI v-pred checkpoint gives grey oversaturated images in Forge, what settings?",
    "families.animagine": "What is the right tag order and quality tags for Animagine XL 4.0?",
}
