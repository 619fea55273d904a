"""Question cases for advisor/rulebook_files.toml (issue 21, eleventh round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "files.size_modules": "What decides the file size of a LoRA? How many MB per rank should I expect for SDXL?",
    "files.size_between_trainers": "같은 rank 32인데 kohya로 만든 파일이랑 diffusers로 만든 파일 용량이 왜 이렇게 달라요?",
    "files.tool_output_precision": "I resized my LoRA from rank 64 to 32 with resize_lora.py but the file is the same size. Why?",
    "files.key_schemes": "What is the difference between lora_unet_input_blocks and lora_unet_down_blocks key names in SDXL LoRAs?",
    "files.peft_to_kohya": "diffusers로 학습한 pytorch_lora_weights를 webui에서 쓰려면 kohya 형식으로 어떻게 변환하나요?",
    "files.missing_alpha": "After converting my LoRA the alpha keys are missing and now it's way too strong. How do I fix it?",
    "files.network_weights_mismatch": "network_weights로 기존 LoRA 불러오니까 size mismatch for lora_unet 에러가 나요. 어떻게 해요?",
    "files.text_projection_key": "SD.Next says lora_te2_text_projection is not found in created LoRA modules when I load my SDXL LoRA.",
    "files.onetrainer_formats": "원트레이너로 만든 LoRA가 컴피UI에서 안 불러와져요. 저장 형식을 바꿔야 하나요?",
    "files.merge_rank_mismatch": "Merging a rank 16 and a rank 32 LoRA with merge_lora.py fails: weights shape mismatch merging v1 and v2, different dims?",
    "files.extract_weaker": "체크포인트에서 추출한 로라가 원래 모델보다 너무 약해요. clamp_quantile을 바꾸면 나아지나요?",
    "files.resize_verbose": "What do sum(S) retained and fro retained mean in the resize_lora --verbose output?",
    "files.lbw_bake": "블록 가중치 적용해서 새 로라 파일로 저장하는 방법 있나요? 매번 lbw 쓰기 귀찮아요",
    "files.dora_files": "Can I resize my DoRA file with resize_lora.py, or merge two DoRA LoRAs into one file?",
    "files.not_a_lora": "A1111 says Failed to match keys when loading network and lists cond_stage_model.transformer keys. What's wrong?",
    "files.ss_keys": "What do ss_network_module, ss_num_train_images and ss_steps mean in a LoRA's metadata?",
    "files.fp8_quantized_lora": "Can I save my LoRA in fp8 to make it smaller, like the fp8 checkpoints?",
    "files.old_lora_formats": "옛날에 만든 로라가 .bin 파일인데 웹UI에 안 보여요. safetensors로 변환하려면 어떻게 하죠?",
    "files.strip_parts": "How can I remove the text encoder part from a LoRA and keep a U-Net only copy?",
    "files.dynamic_rank_files": "이 LoRA 메타데이터에 ss_network_dim이 Dynamic으로 나와요. 레이어마다 rank가 다른 파일은 병합이나 이어 학습할 때 뭘 조심해야 하나요?",
    "files.newer_model_converters": "My Anima LoRA from sd-scripts doesn't load in ComfyUI. Is there a script to convert it to ComfyUI format?",
    "files.replaced_file_cache": "같은 이름으로 다시 학습한 로라 파일을 덮어썼는데 A1111에서 예전 버전 결과가 그대로 나와요.",
}
