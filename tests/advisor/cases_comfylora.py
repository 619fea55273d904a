"""Question cases for advisor/rulebook_comfylora.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "comfylora.clip_strength_encoders": "With SDXL, does strength_clip change both clip_l and clip_g, and why does it do nothing on Flux?",
    "comfylora.clip_missing_log": "컴피 콘솔에 clip missing: ['text_projection.weight'] 라고 뜨는데 로라가 안 먹은 건가요?",
    "comfylora.hook_keyframes": "How do I make a LoRA start at 30% of the steps with Create Hook LoRA and keyframes in ComfyUI?",
    "comfylora.patch_order": "Should the LoRA loader go before or after FreeU and the IPAdapter node?",
    "comfylora.memory_patching": "컴피유아이에서 로라를 세 개 걸면 8GB에서 엄청 느려지는데 lowvram 때문인가요?",
    "comfylora.fp8_lora": "Does a LoRA fully work on Flux loaded with weight_dtype fp8_e4m3fn?",
    "comfylora.train_lora_node": "ComfyUI 기본 Train LoRA 노드로 로라 학습하려면 steps랑 learning_rate를 어떻게 두고 어떻게 저장하나요?",
    "comfylora.train_dataset_nodes": "Where do I put images and captions for Load Image and Text Dataset from Folder before Train LoRA?",
}
