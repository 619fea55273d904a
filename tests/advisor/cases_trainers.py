"""Question cases for advisor/rulebook_trainers.toml (issue 21, tenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "trainers.lets_install_backend": "LoRA Easy Training Scripts says Failed to connect to the backend at http://127.0.0.1:8000 when I press start",
    "trainers.lets_toml_config": "이지 트레이닝 스크립트에서 저장한 toml 설정 파일을 직접 고치려면 어느 섹션에 뭐가 들어가나요?",
    "trainers.lets_subsets": "In derrian's easy training scripts how do I add a second subset folder with different repeats?",
    "trainers.lets_block_weights": "블록 가중치 학습할 때 down_lr_weight 값은 몇 개 넣어야 해요?",
    "trainers.lets_queue_outputs": "Can I queue several LoRA trainings in the easy training scripts UI and where does each output go?",
    "trainers.colab_trainer_settings": "hollowstrawberry 코랩 Lora Trainer에서 num_repeats랑 에포크는 얼마로 해야 하나요? 이미지 40장이에요",
    "trainers.colab_xl_trainer": "Can the XL Lora Trainer colab run on the free T4 or do I need Colab Pro with an A100?",
    "trainers.colab_dataset_maker": "Dataset Maker 노트북에서 gelbooru 이미지 받고 태그 정리하는 순서가 어떻게 되나요?",
    "trainers.colab_trainer_errors": "The colab trainer stops with Invalid file in dataset and then my folder is empty, what's wrong?",
    "trainers.colab_multiple_folders": "How do I use two folders with different repeats in the kohya colab notebook, one for my best images?",
    "trainers.linaqruf_notebooks": "Linaqruf kohya-LoRA-dreambooth or kohya-LoRA-finetuner, which notebook should I use for a character?",
    "trainers.thelastben_instance_names": "fast-DreamBooth에서 인스턴스 이미지 파일 이름을 어떻게 지어야 하나요? 클래스 이미지는 필요한가요?",
    "trainers.thelastben_steps": "What should UNet_Training_Steps and Text_Encoder_Training_Steps be for 15 photos of my face?",
    "trainers.thelastben_sessions": "My colab disconnected during fast-dreambooth, how do I resume the session and where is the ckpt saved?",
    "trainers.ot_cloud": "원트레이너로 런팟 클라우드에서 학습하려면 어떻게 설정하나요?",
    "trainers.kohya_group_images": "What does Group Images in kohya utilities do, and what should group size be?",
    "trainers.kohya_manual_captioning": "kohya GUI에서 캡션을 한 장씩 직접 수정하고 싶은데 Quick Tags는 어떻게 써요?",
    "trainers.kohya_dataset_balancing": "How does the kohya dataset balancing tool decide the repeats for each concept folder?",
    "trainers.civitai_cost_epochs": "How much Buzz does training a LoRA on civitai cost, and can I cancel it if the samples look bad?",
    "trainers.replicate_flux_trainer": "Replicate flux lora trainer에서 trigger_word랑 steps는 얼마로 해야 하나요?",
    "trainers.lets_remote_backend": "Can I run the easy training scripts UI on my laptop but train on a runpod GPU?",
    "trainers.lets_cosine_restarts": "이지 트레이닝 스크립트의 CosineAnnealingWarmupRestarts 스케줄러는 일반 cosine with restarts랑 뭐가 달라요?",
    "trainers.colab_no_gpu": "Colab lora trainer fails with ValueError: fp16 mixed precision requires a GPU, it worked yesterday",
    "trainers.ot_install_update": "원트레이너 업데이트는 어떻게 하고, start-ui.bat이 안 켜지면 뭘 확인해야 하나요?",
    "trainers.colab_notebook_broke": "The colab lora notebook worked last week but now my loras come out fried with the same settings",
    "trainers.colab_optimizer_cell": "코랩 XL 트레이너에서 Prodigy 쓰려면 optimizer_args를 뭐라고 적고 학습률은 얼마로 해요?",
    "trainers.colab_processing": "Do I have to crop my images to squares before using the kohya colab notebook, and should flip_aug be on?",
    "trainers.colab_outputs": "코랩 Lora Trainer로 학습 끝났는데 결과 파일은 어디에 있고 어느 에포크를 써야 하나요?",
}
