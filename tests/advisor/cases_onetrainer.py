"""Question cases for advisor/rulebook_onetrainer.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "onetrainer.optimizer_window": "In OneTrainer where do I set Prodigy's d_coef and weight decay? I switched optimizer and my values were gone",
    "onetrainer.memory_offload": "원트레이너에서 layer offloading can only be used for fine tuning when using an optimizer that supports fused_back_pass 에러가 나요",
    "onetrainer.loss_settings": "Does OneTrainer have min snr gamma like kohya? I only see Loss Weight Function and MSE Strength",
    "onetrainer.training_method": "원트레이너로 학습했는데 결과가 6GB 파일이에요. 로라 탭이 안 보이는데 뭘 잘못한 거죠?",
    "onetrainer.embedding_training": "How do I train a textual inversion embedding in OneTrainer, what do I write in the captions?",
    "onetrainer.additional_embeddings": "원트레이너 추가 임베딩으로 LoRA랑 같이 학습하면 ComfyUI에서는 어떻게 써요?",
    "onetrainer.supported_models": "Can OneTrainer train Stable Cascade and PixArt Sigma, or only SDXL?",
    "onetrainer.could_not_load_model": "OneTrainer says Exception: could not load model after not an internal model when I pick my Flux fp8 safetensors",
}
