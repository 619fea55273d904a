"""Question cases for advisor/rulebook_threads_q.toml (issue 21, seventeenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # DreamBooth forks that cache latents on the GPU
    "trouble.dreambooth_latent_cache_vram": "드림부스 확장에서 정규화 이미지를 3000장 넣었더니 latent 캐싱 단계에서 메모리가 다 차요",
    # skin texture artifacts
    "symptom.skin_texture_artifacts": "Why does my photoreal LoRA give people cracked, scaly skin on the later epochs?",
    # the advanced SDXL DreamBooth LoRA script
    "diffusers.sdxl_pivotal_tuning": "What does --train_text_encoder_ti do, and do I need the embeddings file in ComfyUI?",
    # the copy machine method
    "method.copy_machine": "복사기 학습법으로 외곽선만 굵게 하는 로라 만드는 순서 알려줘",
    # several GPUs do not add up their memory
    "trouble.multi_gpu_memory": "Can two 3090s work as one 48 GB card? My Flux LoRA runs out of memory on a single one",
    # Krita AI Diffusion styles
    "apps.krita_style_editing": "Krita AI plugin: every style preset is greyed out, even the one I just made. How do I edit them?",
}
