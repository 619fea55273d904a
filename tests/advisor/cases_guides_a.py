"""Question cases for advisor/rulebook_guides_a.toml (issue 21, knowledge from the guides users read), merged
into test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # weak images used to fill a small dataset
    "dataset.pad_tagged_low_quality": "I only have 12 good pictures of my OC, is it ok to fill the dataset with some rough sketches?",
    # images where the character is partly blocked
    "dataset.edit_occlusions": "캐릭터 몸이 말풍선에 가려진 컷이 많은데 이런 이미지는 편집해서 넣어야 돼요?",
}
