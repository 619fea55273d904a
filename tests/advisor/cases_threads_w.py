"""Question cases for advisor/rulebook_threads_w.toml (issue 21, nineteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # SuperMerger fp16 saves that stay large (float64 tensors)
    "ext.supermerger_fp16_double": "My SDXL merge saved from SuperMerger as fp16 is still 12 GB. Are there float64 tensors left in it?",
    # SuperMerger LoRA strength with block weights
    "ext.supermerger_lbw_strength": "슈퍼머저에서 lbw 프리셋 붙인 로라를 0.7 강도로 병합하고 싶은데 로그에는 1.0으로 찍혀요. 어떻게 써야 해요?",
    # LoRA Block Weight does nothing
    "ext.lbw_no_effect": "The lbw= syntax has no effect in my webui launched with --api. Is API mode the reason?",
    # qq-nodes XY Grid Helper
    "nodes.qq_xy_grid": "qq-nodes 이미지 accumulator가 2 of 6에서 멈춰 있어요. 그리드는 언제 나와요?",
    # attention couple vs per-region LoRAs
    "nodes.attention_couple_lora": "Can I give each region of a cgem156 attention couple its own character LoRA?",
    # Regional Prompter in SD.Next
    "ext.sdnext_regional_prompter": "SD.Next에서 리저널 프롬프터 Latent 모드가 안 되는데 대신 뭘 써야 해요?",
}
