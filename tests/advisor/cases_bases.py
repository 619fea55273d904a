"""Question cases for advisor/rulebook_bases.toml (issue 21, twelfth session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # Flux.1
    "bases.flux_dev_vs_schnell": "플럭스 dev로 학습한 로라 schnell에서 쓰면 이상함",
    "bases.flux_train_guidance": "What guidance_scale should I set when training a Flux LoRA in sd-scripts?",
    "bases.flux_typical_settings": "플럭스 캐릭터 로라 랭크랑 lr 보통 얼마로 함?",
    "bases.t5_options": "What does apply_t5_attn_mask do in flux training, should I turn it on?",
    # SD3 / SD3.5
    "bases.sd3_sdscripts_args": "sd3.5 라지 로라 학습 sd-scripts로 가능? 설정 뭐 해야됨",
    "bases.sd35_medium_vs_large": "SD 3.5 Medium vs Large for LoRA training, which one?",
    # across families
    "bases.family_numbers": "모델별로 랭크랑 학습률 설정 차이 정리해줘 sd1.5 sdxl flux",
    "bases.clip_skip_per_family": "클립스킵 포니는 2, 일러는 몇으로 학습함?",
    "bases.sdxl_te_rates_code_vs_docs": "Should I train both text encoders for an SDXL LoRA?",
}
