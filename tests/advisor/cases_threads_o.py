"""Question cases for advisor/rulebook_threads_o.toml (issue 21, sixteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # training for an app
    "lora.app_independent": "InvokeAI용 로라는 따로 학습해야 하나요? 어떤 설정으로 만들어야 인보크에서 쓸 수 있어요?",
    # generating with several LoRAs
    "infer.face_with_concept_lora": "When I stack my character LoRA with an outfit LoRA her face changes, what weights should each get?",
    # captions
    "captions.constant_descriptor": "모든 캡션에 태그로 freckles를 넣었는데 이제 프롬프트에서 빼면 얼굴이 딴 사람처럼 나와요",
    # ComfyUI metadata for civitai
    "nodes.prompt_saver_hashes": "What do calculate_hash and resource_hash do on the Prompt Saver node?",
    # LoRA key names
    "comfylora.sdxl_key_naming": "My SDXL LoRA has lora_unet_down_blocks keys and a block weight node says it is SD1.5, why?",
}
