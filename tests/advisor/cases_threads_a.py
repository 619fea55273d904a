"""Question cases for advisor/rulebook_threads_a.toml (issue 21, thirteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # diffusion-pipe
    "diffpipe.dataset_resolutions": "diffusion-pipe에서 ar bucket 개수랑 min_ar, max_ar는 어떻게 정해요?",
    "diffpipe.model_config": "Where do I find the settings to train a Flux LoRA with diffusion-pipe? Only one example toml exists",
    # TheLastBen's notebooks
    "tlb.sdxl_lora_trainer": "라스트벤 노트북으로 SDXL 로라도 만들 수 있어요? 코랩에선 안 보이던데",
    # after training
    "trained.generate_in_ui": "Training finished and I have the safetensors file, how do I use my trained LoRA to make pictures?",
    "tlb.text_encoder_percent": "패스트 드림부스 코랩에서 텍스트 인코더를 50%로 하면 스텝은 얼마나 줘야 얼굴이 닮아요?",
}
