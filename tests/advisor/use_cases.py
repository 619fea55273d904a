"""Question cases for advisor/rulebook_use.toml (merged into test_advisor_rules.QUESTION_CASES): rule id ->
a question, written fresh (not taken from the question bank), that must reach the rule."""

from __future__ import annotations

USE_CASES: dict[str, str] = {
    "ui.lora_folders": "I installed Forge and ComfyUI, which folder should the downloaded lora files go in?",
    "ui.prompt_syntax": "Is the name inside the lora tag the file name or the trigger? What syntax do I use?",
    "ui.comfy_strengths": "comfy 로라 로더의 모델 강도랑 클립 강도는 각각 뭘 바꾸나요?",
    "lora.find_trigger": "I got a lora from a friend with no description, how can I see its trigger words?",
    "ui.block_weights": "Can I turn off the OUT blocks of a lora so the colours don't change? LBW?",
    "ui.multiple_loras": "두 캐릭터를 한 장면에 넣으려고 캐릭터 로라 2개를 썼는데 둘이 섞여서 나와요",
    "lora.pony_score_tags": "Do I really need the score tags with Pony? my outputs look flat without them",
    "lora.shape_mismatch": "A1111 error: size mismatch, the shape in current model is torch.Size([640, 2048])",
    "lora.sdxl_refiner": "SDXL 리파이너를 켜면 로라 효과가 사라지는데 정상인가요?",
    "ui.adetailer_face": "My character lora looks great in close-ups but tiny faces in wide shots are wrong",
    "lora.vs_embedding": "What's the difference between a textual inversion and a LoRA for a face?",
    "ui.diffusers_load": "How do I apply a kohya lora with diffusers in a python script?",
    "lora.merge_loras": "Is there a way to merge several loras together with svd_merge?",
    "lora.merge_into_checkpoint": "로라를 모델에 구워서 체크포인트 하나로 저장하고 싶어요",
    "lora.extract": "Can I extract a LoRA from a fine-tuned checkpoint with kohya?",
    "lora.convert_format": "diffusers 형식 로라를 kohya 형식으로 변환해야 하나요?",
    "lora.file_formats": "Should I convert old .ckpt files to safetensors? are pickle files dangerous?",
    "lora.file_size": "왜 제 로라는 파일 크기가 200 MB나 되고 다른 건 18 MB인가요?",
}
