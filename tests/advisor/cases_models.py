"""Question cases for advisor/rulebook_models.toml (issue 21, eighth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # hashes, metadata and names of files
    "models.hashes": "Civitai lists AutoV2 and AutoV3 for a file; which one is the hash A1111 writes into my images?",
    "models.lora_metadata_privacy": "내 로라 메타데이터에 데이터셋 폴더 이름이 다 보이는데 어떻게 지우나요?",
    "models.lora_rename": "If I rename a LoRA file, does the prompt tag still work? A1111 inserts a different name than the file.",
    "models.lora_which_base": "How can I tell which checkpoint a downloaded LoRA was trained on?",
    "models.lora_key_types": "받은 lora 파일이 LoCon인지 LoHa인지 종류를 어떻게 구분해요?",
    # compatibility between families and checkpoints
    "models.sdxl_lookalikes": "Can I use my SDXL LoRAs with Playground v2.5 or Kolors?",
    "models.anime_cross_use": "포니 로라를 일러스트리어스 모델에서 써도 되나요?",
    "models.sd15_repo_moved": "Training fails with Repository Not Found for runwayml/stable-diffusion-v1-5, where is SD1.5 now?",
    "models.checkpoint_family": "How do I check whether a checkpoint file is SD1.5 or SDXL without loading it?",
    "models.checkpoint_merge": "What is the difference between weighted sum and add difference in the checkpoint merger?",
    # precision and file formats
    "models.vae_nan_generation": "A1111 says A tensor with all NaNs was produced in VAE with my SDXL model, do I need --no-half-vae?",
    "models.fp8_weights": "ComfyUI Load Diffusion Model의 weight_dtype을 fp8_e4m3fn으로 하면 화질이 떨어지나요?",
    "models.fp16_bf16_formats": "What is the actual difference between fp16 and bf16, and why does fp16 overflow into NaN?",
    "models.pickle_warning": "A1111 says the file may be malicious when I load an old .ckpt, should I add --disable-safe-unpickle?",
    "models.diffusers_to_single_file": "디퓨저스 폴더로 된 모델을 safetensors 단일 파일로 변환하려면 어떻게 하나요?",
    "models.gguf_quantized": "Do normal LoRAs work on a Q8_0 GGUF Flux model in ComfyUI?",
    "models.vae_baked": "체크포인트에 VAE가 포함돼 있으면 따로 안 골라도 되나요? 어떤 VAE를 써야 해요?",
    # other families and checkpoint housekeeping
    "models.sd3_lora": "Which tools can train an SD3.5 Large LoRA, and will it work on SD3.5 Medium?",
    "models.flux_lora_files": "flux dev로 학습한 로라가 schnell에서도 먹나요? 형식 변환도 필요한가요?",
    "models.sd2_generation": "My SD 2.1 768 checkpoint only makes brown noise in Forge, what am I missing?",
    "models.prune_checkpoint": "체크포인트에서 EMA를 제거하고 fp16으로 변환해서 용량 줄이는 방법이 있나요?",
    "models.choose_family": "Should I train my first character LoRA on SD1.5 or SDXL with a 12 GB card?",
    "models.cli_download": "RunPod 서버에서 civitai 모델을 wget으로 받으면 파일 이름이 이상하게 저장돼요",
    "models.sdxl_base_files": "Should I download sd_xl_base_1.0 or the 0.9vae version for training?",
    "models.split_files": "Forge에서 Flux 모델을 넣었더니 You do not have CLIP state dict! 에러가 나요",
    "models.licenses": "Can I sell a LoRA I trained on Flux dev, or use its images commercially?",
    "models.lora_precision_convert": "How do I convert my fp32 LoRA to fp16 without losing its metadata?",
    "models.lora_bake_strength": "Can I bake the strength into the LoRA file so 1.0 behaves like 0.6 by default?",
    "models.share_model_folders": "ComfyUI랑 Forge, kohya에서 체크포인트를 중복 저장하지 않고 공유하는 방법이 있나요?",
    "models.torch_weights_only": "After updating ComfyUI I get Weights only load failed when loading an old .pt file, what changed?",
}
