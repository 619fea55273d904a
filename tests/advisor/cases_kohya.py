"""Question cases for advisor/rulebook_kohya.toml (issue 21, eleventh round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "kohya.reg_draw_order": "I have 2000 regularization images but only 30 training pics, does kohya pick the reg images randomly each epoch?",
    "kohya.console_training_header": "콘솔에 num batches per epoch 랑 total optimization steps 가 뜨는데 각각 무슨 뜻이에요?",
    "kohya.multi_folder_balance": "I have two concept folders with different numbers of images, how do I balance them so one doesn't dominate?",
    "kohya.sdxl_finetune_te_lr": "sdxl_train.py로 풀 파인튜닝할 때 learning_rate_te1을 안 적으면 텍스트 인코더 학습률은 얼마로 들어가요?",
    "kohya.lora_lr_precedence": "If I set unet_lr and also learning_rate in kohya, which one is actually used for the text encoder?",
}
