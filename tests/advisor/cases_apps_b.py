"""Question cases for advisor/rulebook_apps_b.toml (issue 21, fifteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # EveryDream2
    "apps.everydream_validation": "How do I turn on validation in EveryDream2 so I can see when it starts overfitting?",
    "apps.everydream_run_resume": "에브리드림2 학습이 중간에 끊겼는데 logs 폴더에서 이어서 학습하려면 어떻게 하나요?",
    "apps.everydream_data": "everydream2에서 multiply.txt랑 yaml 캡션은 어떻게 써요? 폴더별로 이미지 수가 달라요",
    # StableTuner
    "apps.stabletuner_errors": "StableTuner crashes with ZeroDivisionError: division by zero right when training starts",
    # HCP-Diffusion
    "apps.hcp_yaml_configs": "I installed hcpdiff with pip but my --cfg path is not found, and how do I give it txt captions?",
    "apps.hcp_lora": "HCP-Diffusion으로 학습한 LoRA를 webui에서 쓰려면 어떻게 변환해요?",
    # Dreambooth-GUI
    "apps.dreambooth_gui": "dreambooth-gui says PIL UnidentifiedImageError cannot identify image file, what is wrong?",
    # naifu
    "apps.naifu": "How do I train an SDXL LoKr with naifu, which config file do I use?",
    # diffusion-pipe
    "apps.diffpipe_run_outputs": "diffusion-pipe 학습 끝났는데 global_step 폴더랑 epoch 폴더 중 어떤 게 LoRA 파일이에요?",
    # A1111 Dreambooth extension
    "apps.dbext_lora": "In the A1111 dreambooth extension with Use LORA ticked, what do the Lora UNET rank and Lora weight do?",
    "apps.dbext_concepts": "드림부스 확장에서 instance token이랑 class token, [filewords]는 어떻게 써요?",
    # A1111 Train tab
    "apps.a1111_train_embedding": "What number of vectors per token and learning rate should I use to train an embedding in the A1111 train tab?",
    "apps.a1111_train_hypernetwork": "하이퍼네트워크 만들 때 layer structure 1, 2, 1은 무슨 뜻이에요?",
    "apps.a1111_training_settings": "A1111에서 임베딩 학습하다 멈췄는데 .optim 파일로 이어서 하려면 설정에서 뭘 켜야 해요?",
    # ShivamShrirao colab
    "apps.shivam_dreambooth_colab": "In ShivamShrirao's dreambooth colab, how do I save intermediate steps and convert to ckpt?",
    # hosted trainers vs sd-scripts
    "apps.civitai_params_vs_kohya": "시비타이 트레이너로 만든 로라 설정을 kohya에서 똑같이 재현하려면 어떻게 옮겨요?",
    # Fluxgym
    "apps.fluxgym_sd_sdxl": "Can I train an SDXL or Pony LoRA with Fluxgym?",
}
