"""Question cases for advisor/rulebook_threads_y.toml (issue 21, twentieth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # training methods and datasets
    "method.pivotal_tuning_benefits": "Is pivotal tuning worth it compared to a plain LoRA with a trigger token?",
    "dataset.cutout_camera_tags": "배경 누끼 따서 흰 배경으로 학습했더니 전신 샷에서 체형 비율이 이상해요.",
    "dataset.selfie_mirrored": "Does it matter that some of my dataset photos are front camera selfies for a face LoRA?",
    "dataset.clean_crop_images": "My LoRA dataset has screenshots with watermarks in the background, should I edit them out first?",
    # tools
    "setup.kohya_debiased_dreambooth": "Is debiased estimation supported for dreambooth in the kohya GUI?",
    "ext.supermerger_save_current_lora": "슈퍼머저 Save current merge로 저장하면 왜 결과가 달라져요?",
    "nodes.hyperlora_concept_slider": "Can HyperLoRA make an age slider between two photos of the same face?",
    "nodes.lora_tag_loader_autocomplete": "How do I get autocomplete for LoRA names when I use the LoRA Tag Loader node?",
    # models and merges
    "models.lightning_merged_checkpoints": "Turbo 버전 체크포인트랑 일반 모델에 터보 로라 거는 거 차이 있나요? 라이트닝 합친 모델도요.",
    "models.style_lora_blend": "I want to bake my favourite style LoRAs into a checkpoint to make my own blend; which base should I use?",
    "models.mbw_block_roles": "In a supermerger block merge, which blocks control the colors and which control the pose?",
    # prompting and generation
    "lora.prompt_lora_embedding_roles": "Should quality tags go into a LoRA or an embedding instead of the prompt, and which one for what?",
    "recipe.original_character_workflow": "How can I keep my OC consistent across a comic when I only have text descriptions of her?",
    "infer.multiple_character_loras": "How do I put two different characters from two LoRAs into one image without them merging?",
    "dataprep.upscaler_for_training": "Is SUPIR okay for upscaling my training dataset images?",
}
