"""Question cases for advisor/rulebook_notebooks.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "notebooks.tlb_model_download": "Can I put a Pony model link in MODEL_LINK of TheLastBen fast-DreamBooth? it says Conversion error",
    "notebooks.tlb_instance_upload": "패스트 드림부스에서 이미지를 더 추가하고 싶은데 업로드하면 예전 이미지가 지워져요",
    "notebooks.tlb_captions": "I uploaded txt caption files to fast-DreamBooth but the training seems to ignore them",
    "notebooks.tlb_lr_notation": "학습률 2e-6은 무슨 뜻이에요? 0이 몇 개인가요?",
    "notebooks.tlb_training_options": "What does Offset_Noise do in the fast-DreamBooth training cell and should I save intermediate checkpoints?",
    "notebooks.tlb_concept_images": "라스트벤 드림부스 가이드에 컨셉 이미지 셀이 있다는데 제 노트북에는 없어요",
    "notebooks.tlb_test_and_use": "Where do I put my LoRA files in TheLastBen fast_stable_diffusion_AUTOMATIC1111 colab?",
    "notebooks.tlb_session_import": "How do I use a fast-DreamBooth session from another google account? mounting that drive fails",
    "notebooks.colab_discontinued": "The hollowstrawberry Lora Trainer colab now says discontinued, what are the alternatives?",
    "notebooks.colab_drive_mount": "코랩에서 드라이브 마운트하면 credential propagation was unsuccessful 오류가 나요",
    "notebooks.colab_dataset_checks": "kohya colab says the files cat.png and cat.jpg cannot have the same name",
    "notebooks.colab_xl_models_precision": "XL Lora Trainer 코랩에서 NoobAI v-pred 모델로 학습하려면 precision은 뭘로 해요?",
    "notebooks.colab_scheduler_noise": "What is lr_scheduler_number in the kohya colab and what does multinoise do?",
    "notebooks.colab_runtime_disconnect": "My colab runtime disconnected during training for a minute, did it ruin the lora?",
    "notebooks.lets_network_algo": "In LoRA Easy Training Scripts what is the difference between LoCon and LoCon (LyCORIS) in the network type dropdown?",
    "notebooks.lets_noise_blank_fields": "이지 트레이닝 스크립트에서 저장한 toml에 [noise_args]가 비어 있는데 노이즈 오프셋이 안 들어간 건가요?",
    "notebooks.lets_general_args": "Do I need to tick SDXL Based in derrian's easy training scripts for a Pony model, and why is clip skip greyed out?",
    "notebooks.civitai_fields": "civitai 학습에서 스텝이 10000을 넘는다고 안 돼요. num repeats랑 batch size 최대가 얼마예요?",
    "notebooks.civitai_model_defaults": "Why does the civitai trainer switch the optimizer to Prodigy when I pick Pony as the base model?",
    "notebooks.kaggle_gpu_quota": "Kaggle GPU T4 x2 or P100, which should I pick for LoRA training, and does it use both GPUs?",
    "notebooks.kaggle_files_background": "캐글에서 브라우저를 닫아도 학습이 계속되게 하고 결과 LoRA를 받으려면 어떻게 해요?",
    "notebooks.runpod_kohya_template": "RunPod kohya template gives 502 bad gateway when I connect to the port",
    "notebooks.runpod_storage_stop": "런팟 pod를 중지했다가 켰더니 파일이 날아갔어요. 어디에 저장해야 남나요?",
    "notebooks.vastai_instances": "On vast.ai my stopped instance is stuck on scheduling and won't restart, what now?",
    "notebooks.paperspace_gradient": "Paperspace says Free-GPU is not available, and does my notebook keep files after 6 hours?",
    "notebooks.colab_compute_units": "How fast does an A100 eat Colab Pro compute units compared to a T4 for SDXL LoRA training?",
    "notebooks.tensorart_trainer": "텐서아트 온라인 학습에서 Grid Size랑 Scrambling Labels는 뭐예요?",
    "notebooks.linaqruf_xl": "In Linaqruf's Kohya LoRA Trainer XL should I keep LOAD_DIFFUSERS_MODEL on and which SDXL_VAE_URL?",
    "notebooks.dataset_maker_tags": "데이터셋 메이커에서 태그 임계값은 얼마로 하고, 특정 태그를 다른 태그로 바꾸려면 어떻게 해요?",
    "notebooks.lets_colab": "Using the easy training scripts UI with the colab backend, cloudflared fails, how do I use ngrok instead?",
}
