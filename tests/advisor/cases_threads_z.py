"""Question cases for advisor/rulebook_threads_z.toml (issue 21, twentieth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # training
    "te.what_training_does": "If the tokenizer is never trained, what is actually learned when I train the text encoder of my LoRA?",
    "dataset.blend_similar_artists": "스타일 로라에 다른 작가 두 명 그림을 정규화 이미지로 넣어서 살짝 섞어도 되나요?",
    "character.two_in_one_balance": "My duo images folder and the solo folders have the same repeats and the two girls keep swapping eye colours. What ratio should the duo images get?",
    "train.base_for_style_shift": "실사 모델에 걸면 애니 느낌이 나는 로라를 만들려는데 베이스는 실사 체크포인트, 아니면 애니 체크포인트 중 뭘로 학습해요?",
    "scheduler.resume_restarts_zero": "Why does my learning rate drop to zero right after I resume training with cosine_with_restarts?",
    "trainers.colab_loss_nan": "코랩 Lora Trainer XL에서 이미지를 더 넣었더니 loss가 nan으로 나와요.",
    # generating
    "infer.multi_character_lora_mix": "When I combine two character LoRAs to make a new OC I get a ghost of a second girl behind her. How do I fix it?",
    "webui.forge_sdxl_8gb_slow": "포지에서 SDXL 생성이 갑자기 10 s/it으로 느려졌어요. 3070 8기가예요.",
    "apps.krita_region_layers": "In Krita AI Diffusion, do I paint the region on its layer or use the selection tool to mark where the region goes?",
    "apps.krita_region_composition": "크리타 리전 쓸 때 strength 100%로 하면 구도가 리전대로 안 잡혀요. 스케치를 그려야 하나요?",
}
