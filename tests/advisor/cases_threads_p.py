"""Question cases for advisor/rulebook_threads_p.toml (issue 21, seventeenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # kohya_ss GUI
    "gui.kohya_fails_at_start": "My Pony LoRA run in kohya_ss ends after five seconds with Training has ended, what should I check?",
    # FaceChain
    "genapps.facechain": "페이스체인에서 얼굴 로라 학습은 몇 장으로 해야 제일 닮게 나와요?",
    # OneTrainer
    "onetrainer.cache_off": "Can OneTrainer train without writing latents to the cache folder? My SSD is almost full",
}
