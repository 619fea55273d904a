"""Question cases for advisor/rulebook_threads_c.toml (issue 21, thirteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "captions.trained_without": "I never captioned my dataset, is it a problem to train a LoRA with no caption files?",
    "notebooks.tlb_te_unet_order": "패스트 드림부스 코랩은 왜 텍스트 인코더를 먼저 돌리고 유넷을 따로 또 학습하나요?",
    "onetrainer.lora_weight_fp16": "Why does my OneTrainer LoRA learn nothing when lora_weight_dtype is FLOAT_16?",
    "train.noise_scheduler_ddpm": "학습 스크립트가 noise_scheduler로 DDPM을 쓰는데 생성할 때는 오일러를 써도 괜찮나요?",
    "files.output_not_found": "Training completed but I can't find the trained LoRA file anywhere in my output folder",
    "dreambooth.black_after_training": "드림부스로 학습한 모델로 생성하면 전부 새까만 이미지만 나와요, 다른 모델은 괜찮아요",
    "notebooks.tlb_style": "How should I name the images to train an art style with TheLastBen's fast-dreambooth?",
}
