"""Question cases for advisor/rulebook_threads_v.toml (issue 21, nineteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # sd-scripts: a custom scheduler class
    "train.custom_lr_scheduler": "Can sd-scripts use torch's OneCycleLR? What goes in lr_scheduler_args for max_lr?",
    # diffusers: the scale warning
    "diffusers.cross_attention_scale_warning": "AttnProcessor2_0 경고에 scale이 무시된다고 나오는데 로라 가중치가 안 먹는 건가요?",
    # booru tags to keep or delete
    "captions.booru_keep_delete": "After running the tagger on my waifu pics, should I remove highres and absurdres from the captions?",
    # lora-scripts and a TOML
    "trainers.lora_scripts_toml": "SD-Trainer(lora-scripts)에서 만든 toml로 커맨드라인 학습을 돌리려면 어떤 스크립트를 실행해요?",
    # a merged model that gives garbage
    "lora.merged_model_garbage": "After lora_add the checkpoint makes static-like images at every prompt. What should I check?",
    # a full fine-tune turning into noise
    "finetune.noise_lr_too_high": "My full fine-tune with sdxl_train.py produces colorful noise after 300 steps, what is wrong?",
}
