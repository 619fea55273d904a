"""Question cases for advisor/rulebook_threads_f.toml (issue 21, thirteenth round, part "threads_f"), merged
into test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "ext.face_editor_lora": "Face Editor 확장에서 얼굴 프롬프트에 로라를 넣었는데 얼굴이 거의 안 바뀌어요",
    "diffusers.adetailer_pipeline_lora": "Using adetailer_sdxl in Python, where do I load a character LoRA for the face pass?",
}
