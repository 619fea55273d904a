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
    "comfylora.combine_loras": "Can I merge two LoRAs into a single LoRA file in ComfyUI?",
    "comfylora.api_json_lora": "In workflow_api.json how do I change which LoRA the LoraLoader uses from my Python bot?",
    "comfylora.impact_pipes_lora": "FaceDetailer (pipe)에 디테일러용 로라만 따로 넣고 싶은데 basic_pipe를 어떻게 바꾸나요?",
    "comfylora.auto_trigger_words": "Is there a node that adds a LoRA's trigger words to the prompt automatically in ComfyUI?",
    "comfylora.lora_info_nodes": "컴피에서 로라의 트리거랑 베이스 모델 정보를 보여주는 노드가 있나요?",
    "comfylora.desktop_model_paths": "ComfyUI Desktop doesn't read my extra_model_paths.yaml, where is its config for LoRA folders?",
    "comfylora.manager_model_download": "I installed a LoRA with ComfyUI Manager's Model Manager, which folder does it download to?",
    "comfylora.fluxtrainer": "ComfyUI-FluxTrainer에서 blocks_to_swap이랑 network_dim은 얼마로 두나요?",
    "comfylora.key_prefix_formats": "My SimpleTuner Flux LoRA prints lora key not loaded: transformer.base_model.model... in ComfyUI, how do I fix it?",
    "comfylora.no_effect_checklist": "컴피유아이에서 로라를 연결했는데 켜나 끄나 그림이 똑같아요. 뭘 확인해야 하나요?",
    "comfylora.hook_lora_regions": "How do I use Pair Cond Set Props with a mask so a LoRA only affects the left character in ComfyUI?",
    "comfylora.ram_cache": "ComfyUI system RAM keeps growing every time I switch LoRAs until it crashes, what flags help?",
    "comfylora.hook_model_as_lora": "생성 도중에 체크포인트를 다른 모델로 바꾸거나 두 번째 체크포인트를 로라처럼 일부 스텝에만 쓸 수 있나요?",
    "comfylora.strength_as_input": "Convert Widget to Input is gone, how do I feed one strength value from a Primitive node into several LoRA loaders?",
}
