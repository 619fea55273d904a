"""Question cases for advisor/rulebook_recipes.toml (issue 21, eighth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "recipe.style": "I want to capture a watercolor artist's style, what dim and how many steps for a style LoRA?",
    "recipe.anime_character": "일러스트리어스에서 오리지널 캐릭터 로라 만들 때 학습률이랑 dim 어떻게 해요?",
    "recipe.real_person": "How do I train a LoRA of my wife from about 30 photos so the face looks right?",
    "recipe.outfit": "교복 의상 로라를 만들고 싶은데 캡션은 어떻게 달아야 하나요?",
    "recipe.object": "Making a product LoRA of our company's sneaker, how many photos and what settings?",
    "recipe.pose_concept": "What's the best way to train a pose LoRA so it works on any character?",
    "recipe.background": "배경 로라 학습할 때 사람이 안 나오게 되는 문제 어떻게 피하나요?",
    "recipe.slider": "How do I make a slider LoRA for age that goes both ways?",
}
