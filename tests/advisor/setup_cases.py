"""Question cases for advisor/rulebook_setup.toml (merged into test_advisor_rules.QUESTION_CASES): rule id ->
a question, written fresh (not taken from the question bank), that must reach the rule."""

from __future__ import annotations

SETUP_CASES: dict[str, str] = {
    "setup.kohya_gui_dataset_prep": "What does the Dataset Preparation section in the kohya GUI do? It made img, log and model folders",
    "setup.kohya_gui_configs": "kohya_ss 설정을 json으로 저장해 두고 다음에 불러오려면 어떻게 하나요?",
    "setup.kohya_lora_vs_dreambooth_tab": "I trained in kohya and got a 6.5 GB file instead of a lora, did I use the dreambooth tab?",
    "setup.module_not_found": "train_network.py fails with ModuleNotFoundError: No module named 'library'",
    "setup.accelerate_setup": "accelerate 명령이 인식되지 않는다고 나와요. accelerate config는 뭘 선택해야 하나요?",
    "setup.onetrainer_concepts": "How do I add my image folder as a concept in OneTrainer and set repeats?",
    "setup.onetrainer_lora_tab": "원트레이너에서 백업이랑 save every는 뭐가 달라요? 랭크랑 알파는 어디서 정하나요?",
    "setup.ai_toolkit_config": "How do I edit the ai-toolkit yaml for my own dataset folder and trigger word?",
    "setup.simpletuner": "SimpleTuner의 multidatabackend.json은 어떻게 써야 하나요?",
    "setup.diffusers_scripts": "I used train_dreambooth_lora_sdxl.py and got pytorch_lora_weights.safetensors, how do I use it in A1111?",
    "setup.hosted_trainers": "civitai 학습기에서 num repeats랑 epochs, train batch size는 각각 뭔가요?",
    "setup.colab_drive_folders": "Using the colab trainer notebook, which google drive folder should my dataset go in?",
    "setup.base_distilled": "Can I train my LoRA on an SDXL Lightning checkpoint, or should the base be something else?",
    "setup.base_inpainting": "인페인팅 모델로 로라를 학습해도 되나요? 인페인트할 때 쓰려고요",
    "setup.anime_bases": "For an anime character, should I train on Illustrious or NoobAI? which version works on most merges?",
    "setup.noobai_vpred": "누비 v-pred 모델로 로라 학습하려면 어떤 옵션을 켜야 하나요?",
    "setup.model_file_formats": "Should pretrained_model_name_or_path point at the .safetensors file or at a diffusers folder?",
    "setup.checkpoint_download": "civitai 체크포인트가 pruned랑 full 두 개 있는데 학습용으로 어떤 걸 받아야 해요?",
    "setup.driver_cuda": "nvidia-smi says CUDA 12.2 but I installed torch cu124, is my driver too old?",
    "setup.device_side_assert": "학습 중에 RuntimeError: CUDA error: device-side assert triggered가 떠요",
    "setup.windows_paths": "Training fails when my dataset folder name has Korean characters in the path, why?",
    "setup.wsl2": "WSL2 우분투에서 kohya 돌리면 GPU 잡히나요? 데이터는 어디 두는 게 좋아요?",
    "setup.python_version": "Which python version does kohya_ss need? I have 3.13 installed",
}
