"""Question cases for advisor/rulebook_threads_g.toml (issue 21, thirteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "tg.traintrain_basics": "TrainTrain 확장으로 NoobAI 모델에 슬라이더 로라를 만들었는데 적용해도 아무 변화가 없어요, 설정 문제인가요?",
}
