"""Question cases for advisor/rulebook_trouble.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # webui extensions and install
    "trouble.locon_extension_attributeerror": (
        "After updating the webui every LoRA fails with AttributeError: 'LatentDiffusion' object has no "
        "attribute 'lora_layer_mapping'. How do I fix it?"
    ),
    "trouble.python_newer_distro": "우분투 24.04에 파이썬 3.12만 있는데 kohya_ss 설치하려면 어떻게 해요?",
    "trouble.torch_no_matching_version": (
        "setup fails with ERROR: Could not find a version that satisfies the requirement torch==2.1.2+cu118"
    ),
    "trouble.torch_cpu_after_pip": (
        "After I pip installed xformers, kohya says Torch not compiled with CUDA enabled. It worked yesterday."
    ),
    "trouble.bitsandbytes_cuda_setup": (
        "On Ubuntu I get 'The installed version of bitsandbytes was compiled without GPU support' and AdamW8bit fails"
    ),
    "trouble.no_kernel_image_source": "GTX 1070에서 학습 시작하면 Error no kernel image is available ... ops.cu 라고 떠요",
    # precision, optimizer and resume
    "trouble.bf16_unsupported_device": (
        "Colab T4: ValueError: bf16 mixed precision requires PyTorch >= 1.10 and a supported device"
    ),
    "trouble.use_8bit_adam_conflict": (
        "kohya_ss에서 AssertionError: both option use_8bit_adam and optimizer_type are specified 에러가 나요"
    ),
    "trouble.resume_optimizer_groups": (
        "Resuming from my state folder gives ValueError: loaded state dict contains a parameter group that "
        "doesn't match the size of optimizer's group"
    ),
    "trouble.fp8_torch_too_old": "fp8_base 켰더니 module 'torch' has no attribute 'float8_e4m3fn' 오류가 나요",
    "trouble.sdxl_lora_te_lr": (
        "Can I give the two SDXL text encoders different learning rates in a LoRA? --learning_rate_te1 is unrecognized"
    ),
    # memory, speed and runs that hang or stop
    "trouble.sysmem_fallback_setting": (
        "My SDXL run starts at 1.5 s/it then drops to 30 s/it and Task Manager shows shared GPU memory climbing"
    ),
    "trouble.launch_timeout_tdr": (
        "Kohya training crashes with RuntimeError: CUDA error: the launch timed out and was terminated on Windows"
    ),
    "trouble.stuck_at_step_zero": "학습 누르면 steps 0% 에서 멈춰서 한 시간째 그대로고 GPU는 놀고 있어요",
    "trouble.silent_stop_ram": (
        "The LoRA training just stops without any error, the console window closes while loading the SDXL model"
    ),
    "trouble.zero_division_no_images": (
        "train_db.py stops with ZeroDivisionError: division by zero at num_update_steps_per_epoch"
    ),
    "trouble.pytorch_zip_corrupt": (
        "Loading the model gives RuntimeError: PytorchStreamReader failed reading zip archive: failed finding "
        "central directory"
    ),
    # memory by card and resolution
    "trouble.sdxl_at_512": "SDXL LoRA를 VRAM 때문에 512로 학습했더니 결과가 뭉개지고 과적합돼요",
    "trouble.sd15_vram_tiers": "What settings let me train an SD1.5 LoRA on a 6GB RTX 2060 without running out of memory?",
    "trouble.dreambooth_vs_lora_vram": (
        "SDXL LoRA trains fine on my 16GB card but Dreambooth runs out of memory, what settings do I need?"
    ),
    "trouble.sdxl_12gb_oom": "12기가 카드로 SDXL 로라 학습 설정 어떻게 해야 메모리가 안 터지나요?",
    # warnings and drivers
    "trouble.harmless_warnings": (
        "My log shows UserWarning: None of the inputs have requires_grad=True. Gradients will be None. Is my LoRA broken?"
    ),
    "trouble.driver_too_old": "RuntimeError: The NVIDIA driver on your system is too old (found version 11040) 해결 방법?",
    "trouble.caching_latents_oom": "I get out of memory while caching latents, before training even starts",
    "trouble.cudnn_not_initialized": "Training stops at the first step with RuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED",
}
