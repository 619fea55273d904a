"""Question cases for advisor/rulebook_onetrainer.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "onetrainer.optimizer_window": "In OneTrainer where do I set Prodigy's d_coef and weight decay? I switched optimizer and my values were gone",
    "onetrainer.memory_offload": "원트레이너에서 layer offloading can only be used for fine tuning when using an optimizer that supports fused_back_pass 에러가 나요",
    "onetrainer.loss_settings": "Does OneTrainer have min snr gamma like kohya? I only see Loss Weight Function and MSE Strength",
    "onetrainer.training_method": "원트레이너로 학습했는데 결과가 6GB 파일이에요. 로라 탭이 안 보이는데 뭘 잘못한 거죠?",
    "onetrainer.embedding_training": "How do I train a textual inversion embedding in OneTrainer, what do I write in the captions?",
    "onetrainer.additional_embeddings": "원트레이너 추가 임베딩으로 LoRA랑 같이 학습하면 ComfyUI에서는 어떻게 써요?",
    "onetrainer.supported_models": "Can OneTrainer train Stable Cascade and PixArt Sigma, or only SDXL?",
    "onetrainer.could_not_load_model": "OneTrainer says Exception: could not load model after not an internal model when I pick my Flux fp8 safetensors",
    "onetrainer.webui_version_label": "My OneTrainer Flux LoRA doesn't show in the Forge Lora tab and the card says SD1, is the metadata wrong?",
    "onetrainer.output_locations": "원트레이너로 학습 끝났는데 로라가 어디에 저장되나요? 두 번째 학습하니까 이전 lora.safetensors가 사라졌어요",
    "onetrainer.kohya_mapping": "I have a kohya config with network_dim 32, a 10_ohwx woman folder and prior_loss_weight 1, how do I set that up in OneTrainer?",
    "onetrainer.steps_epochs": "원트레이너에서 이미지 30장, 배치 4로 돌렸는데 에폭당 스텝 수가 계산보다 적어요. 이미지가 빠지는 건가요?",
    "onetrainer.sample_settings": "OneTrainer samples look blurry and broken for SDXL, where do I change the sample size, cfg and sampler?",
    "onetrainer.black_samples": "원트레이너 SDXL 학습 중 샘플이 전부 검은 이미지로 나와요",
    "onetrainer.resume_backup": "OneTrainer continue from last backup just shows epoch: 0it and stops, how do I resume?",
    "onetrainer.masks_detail": "If I trained with masked training and masklabel files in OneTrainer, do I need masks when generating in ComfyUI?",
    "onetrainer.dataset_tools_editor": "How do I paint masks by hand in OneTrainer's dataset tools and save them?",
    "onetrainer.cache_stale": "원트레이너에서 캡션을 고쳤는데 학습에 반영이 안 되고 예전 캡션으로 학습하는 것 같아요",
    "onetrainer.tensorboard_validation": "How do I get a validation loss graph in OneTrainer to see when my LoRA starts overfitting?",
    "onetrainer.convert_model_tool": "원트레이너 convert model tools로 diffusers 폴더를 safetensors 하나로 변환하려면 어떻게 해요?",
    "onetrainer.sdxl_lora_preset": "What are good starting settings in OneTrainer for an SDXL character LoRA with 30 images? I loaded #sdxl 1.0 LoRA",
    "onetrainer.low_vram_dtypes": "원트레이너로 SDXL LoRA 학습하는데 8GB 그래픽카드라 메모리 부족이 떠요. float8 써도 되나요?",
    "onetrainer.flux_lora": "Which preset and settings should I use to train a Flux dev LoRA in OneTrainer on a 24GB card?",
    "onetrainer.multi_gpu": "원트레이너에서 그래픽카드 두 개로 학습할 수 있나요? device indexes는 뭐예요?",
    "onetrainer.aspect_buckets": "Does OneTrainer crop my 16:9 images? Which bucket sizes does it use at 1024 and can I train 768,1024 multi-resolution?",
    "onetrainer.regularization": "원트레이너에서 정규화 이미지는 어떻게 넣어요? reg 폴더 칸이 없던데 prior prediction은 뭐예요?",
    "onetrainer.lr_schedulers": "Which learning rate scheduler should I pick in OneTrainer, cosine or REX, and why does my cosine never reach the minimum when I stop early?",
    "onetrainer.concept_configs": "원트레이너 컨셉 탭 드롭다운에 설정이 여러 개 있는데, 다른 PC로 프리셋을 옮겼더니 concepts.json이 없다고 해요",
}
