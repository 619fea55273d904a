"""Question cases for advisor/rulebook_scripts.toml (issue 21, ninth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "scripts.diffusers_instance_class_prompt": (
        "In train_dreambooth_lora what should the class prompt be compared to the instance prompt, "
        "and how many class images?"
    ),
    "scripts.diffusers_dataset_source": "diffusers 스크립트로 학습하는데 이미지마다 txt 캡션을 어떻게 쓰게 하나요?",
    "scripts.diffusers_steps_schedule": (
        "Does max_train_steps override num_train_epochs in the diffusers dreambooth script, "
        "and what warmup should I use?"
    ),
    "scripts.diffusers_checkpoints_resume": "train_dreambooth_lora_sdxl.py 학습이 중간에 끊겼는데 이어서 학습하려면 어떻게 하나요?",
    "scripts.diffusers_validation_logging": (
        "How do I see sample images while training with train_text_to_image_lora, is there a samples folder?"
    ),
    "scripts.diffusers_memory_flags": "train_dreambooth_lora_sdxl을 12GB 그래픽카드에서 돌리려면 어떤 옵션을 켜야 하나요?",
    "scripts.diffusers_rank_text_encoder": (
        "Is the default rank of 4 in the diffusers dreambooth lora script too low, and should I train the text encoder?"
    ),
    "scripts.diffusers_output_kohya_hub": "diffusers로 학습한 LoRA가 어디 저장되고 A1111에서 쓰려면 어떻게 하나요?",
    "scripts.diffusers_model_path_error": (
        "I pointed pretrained_model_name_or_path at my civitai safetensors file and got Repo id must be in the form "
        "'repo_name' or 'namespace/repo_name'"
    ),
    "scripts.diffusers_advanced_pivotal": (
        "With train_text_encoder_ti, what do token_abstraction and num_new_tokens_per_abstraction do?"
    ),
    "scripts.diffusers_optimizer_snr": "diffusers 드림부스 스크립트에서 prodigy 옵티마이저 쓸 때 학습률이랑 snr_gamma는 얼마로 하나요?",
}
CASES.update(
    {
        "scripts.aitk_network_block": "In the ai-toolkit yaml what do linear and linear_alpha mean, and should I set conv for SDXL?",
        "scripts.aitk_train_block": "ai-toolkit yaml에서 lr 키를 빼면 기본값이 뭔가요? train 블록 설정 좀 알려주세요",
        "scripts.aitk_sdxl_sd15_model": "How do I change the ai-toolkit flux example config to train an SDXL Illustrious LoRA?",
        "scripts.aitk_datasets_yaml": "ai-toolkit에서 resolution 목록이랑 num_repeats, caption_dropout_rate는 어떻게 쓰나요?",
        "scripts.aitk_sample_save_yaml": "Where does ai-toolkit put the sample images and how do I keep more than 4 saves?",
        "scripts.aitk_resume_run": "ai-toolkit 학습을 ctrl+c로 멈췄는데 다시 이어서 학습할 수 있나요?",
    }
)
CASES.update(
    {
        "scripts.st_resolution_crop": "SimpleTuner에서 resolution_type을 pixel이랑 pixel_area 중 뭘 써야 하고 작은 이미지는 왜 빠지나요?",
        "scripts.st_caption_strategy": "Which caption_strategy should I use in SimpleTuner if my captions are in .txt files next to the images?",
        "scripts.st_repeats_dataset_size": "SimpleTuner repeats is different from kohya? my 15 image dataset gives an error about no usable batches",
        "scripts.st_validation": "SimpleTuner에서 검증 이미지를 몇 스텝마다 만들지, guidance는 얼마로 하나요?",
        "scripts.st_sdxl_lora_config": "What do I put in SimpleTuner's config.json for an SDXL LoRA, model_family and lora_rank?",
        "scripts.st_lycoris_config": "심플튜너에서 LoKr로 학습하려면 lycoris_config.json을 어떻게 써요?",
        "scripts.st_cache_dirs": "Where should cache_dir_vae and the text_embeds cache point in SimpleTuner, and when do I delete them?",
    }
)
CASES.update(
    {
        "scripts.diffusers_resolution_crop": "diffusers 드림부스 스크립트는 세로 사진을 어떻게 처리하나요? 비율 버킷이 있나요?",
        "scripts.ot_cli_config": "How do I run OneTrainer headless on a rented server with my settings from the GUI?",
    }
)
CASES.update(
    {
        "scripts.aitk_preservation_yaml": (
            "ai-toolkit에서 학습한 인물 로라를 쓰면 다른 사람까지 다 닮아지는데 정규화는 yaml에서 어떻게 하나요?"
        ),
    }
)
