"""Question cases for advisor/rulebook_threads_s.toml (issue 21, eighteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # diffusers' SDXL training scripts
    "diffusers.sdxl_black_validation": "train_text_to_image_lora_sdxl.py로 학습하는데 검증 이미지가 처음부터 새까맣게 나와요. fp16 문제인가요?",
    # kohya_ss GUI vs sd-scripts
    "gui.kohya_steps_estimate": "Why does the kohya_ss GUI print max_train_steps 394 while the sd-scripts console reports more steps per epoch?",
    # FaceChain
    "genapps.facechain_steps": "How do I make FaceChain train for fewer steps? It always runs a couple thousand.",
    "genapps.facechain_lora_file": "페이스체인으로 만든 얼굴 로라를 컴피UI에서 쓰고 싶은데 파일이 어디 저장돼요?",
    # Character datasets
    "dataset.identity_ratio": "What ratio of headshots to full-body images should a character dataset use?",
    # Booru tags
    "dataprep.tag_normalization": "단부루 태그를 그대로 쓰면 안 되나요? 언더바랑 중복 태그 정리 방법이 궁금해요",
}
