"""Question cases for advisor/rulebook_video.toml (issue 21, eleventh session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # which trainer; Wan 2.1 / 2.2
    "video.trainer_choice": "Which trainer should I use to make a Wan 2.1 LoRA, musubi-tuner or diffusion-pipe?",
    "video.wan_vram": "4070 12기가로 wan 14B 로라 학습 가능함?",
    "video.musubi_memory_flags": "fp8_base랑 fp8_scaled 차이가 뭐임",
    "video.wan_t2v_i2v": "Do I need the CLIP model when training an I2V Wan LoRA?",
    "video.wan_sizes": "wan 1.3B랑 14B 중에 뭐로 학습해요?",
    "video.wan22_experts": "Wan 2.2 has a high noise and low noise model, do I need to train two LoRAs?",
    "video.wan22_5b": "wan 2.2 5B 모델도 로라 학습 되나요?",
    "video.lora_compat": "Does a Wan 2.1 LoRA work with Wan 2.2?",
    # HunyuanVideo, LTX-Video
    "video.hunyuan": "훈위안 비디오 로라 학습 vram 얼마나 필요해요?",
    "video.ltx": "What are the frame count and resolution rules for LTX-Video?",
    # video datasets and musubi-tuner's workflow
    "video.frames_4n1": "영상 학습할 때 프레임 수 4n+1 이어야 한다는데 무슨 말임?",
    "video.dataset_mix_captions": "Can I mix images and video clips in one dataset for a Wan LoRA?",
    "video.musubi_cache_first": "musubi tuner 학습 전에 캐시 스크립트 두개 돌려야 하나요?",
    "video.musubi_network_module": "What network_module do I use for Wan in musubi tuner?",
    "video.lr_rank_steps": "wan 로라 학습률이랑 rank 보통 얼마로 해요?",
    "video.speed_loras": "What strength should I use for the lightx2v LoRA and how many steps and what CFG?",
    # the newest image models
    "newimg.qwen_image": "Which text encoder does Qwen-Image use and how much VRAM does Qwen-Image LoRA training take?",
    "newimg.hidream": "Can I train a HiDream LoRA, and which trainer supports it?",
    "newimg.chroma": "How is Chroma different from Flux for LoRA training?",
    "newimg.kontext_pairs": "flux kontext 로라 데이터셋 어떻게 만들어요? 전후 이미지 쌍?",
    "newimg.lumina": "lumina 2 로라 학습 가능한가요?",
    "newimg.kontext_dev_loras": "Can I use my old Flux.1 dev LoRAs with Kontext dev in ComfyUI?",
}
