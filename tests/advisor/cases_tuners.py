"""Question cases for advisor/rulebook_tuners.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # ai-toolkit
    "tuners.aitk_install_update": "What is the right way to install ai-toolkit on Windows, and how do I update it later?",
    "tuners.aitk_ui_settings_datasets": "ai-toolkit UI에서 데이터셋 폴더 위치랑 허깅페이스 토큰은 어디서 설정해요?",
    "tuners.aitk_output_files_format": (
        "My ai-toolkit SDXL run finished; which file do I copy, and will it work in ComfyUI and A1111?"
    ),
    "tuners.aitk_optimizers": "In ai-toolkit, what learning rate goes with prodigy or automagic?",
    "tuners.aitk_trigger_word": "ai-toolkit에서 캡션에 트리거 단어를 안 넣었는데 자동으로 들어가나요?",
    "tuners.aitk_timesteps_content_style": "What does content_or_style do in ai-toolkit, should a style LoRA use style?",
    "tuners.aitk_vram": "ai-toolkit keeps running out of memory on SDXL with my 12GB card",
    "tuners.aitk_layer_selection": "Can I train only specific layers with ai-toolkit?",
    "tuners.aitk_cloud": "런팟에서 ai-toolkit 돌리려는데 UI 접속이랑 결과 파일 받는 건 어떻게 해요?",
    "tuners.aitk_dataset_folder": (
        "ai-toolkit still trains on my old pictures after I cropped and replaced the images with the same names"
    ),
    "tuners.aitk_sd35": "ai-toolkit YAML로 SD3.5 large LoRA를 학습하려면 model이랑 train 설정을 어떻게 바꾸나요?",
    # SimpleTuner
    "tuners.st_install_webui": "How do I install SimpleTuner now and is there a web UI for it?",
    "tuners.st_config_envs": "심플튜너에서 config.env랑 config.json 중 어느 파일을 읽나요? 설정을 여러 개 두고 싶어요",
    "tuners.st_quantization": "Which base_model_precision should I pick in SimpleTuner for SDXL on a 12GB card?",
    "tuners.st_vpred_zsnr": "SimpleTuner로 NoobAI v-pred 모델에 LoRA 학습할 때 zsnr 설정은 어떻게 하나요?",
    "tuners.st_checkpoints_resume": "SimpleTuner crashed at step 1800, how do I resume from the last checkpoint?",
    "tuners.st_output_load": "SimpleTuner gave me pytorch_lora_weights.safetensors, does it load in ComfyUI or Forge?",
    "tuners.st_ema_loss": "심플튜너에서 use_ema 켜면 좋아지나요? ema_decay는 얼마로 해요?",
    "tuners.st_hub_tracking": "SimpleTuner 학습 끝에 허브 업로드에서 에러가 나요. push_to_hub 안 쓰고 로컬에만 저장하려면?",
    "tuners.st_sd35": "Good SimpleTuner settings for an SD3.5 Large LoRA? It keeps exploding",
    # diffusers training examples
    "tuners.diffusers_versions": "diffusers 예제 스크립트 실행하면 check_min_version 에러가 나요, 버전을 어떻게 맞추나요?",
    "tuners.diffusers_sd3_lora": "What does weighting_scheme do in train_dreambooth_lora_sd3.py and can it train the T5 encoder?",
    # older trainers
    "tuners.everydream2": "Is EveryDream2 still a good choice for training a LoRA?",
    "tuners.stabletuner": "스테이블튜너 설치가 계속 실패하는데 아직 쓸 만한가요?",
    # numbers across trainers
    "tuners.steps_across_trainers": (
        "I had 20 images, 10 repeats and 10 epochs in kohya; how many steps is that in ai-toolkit?"
    ),
    "tuners.alpha_lr_across_trainers": (
        "Moving from kohya to SimpleTuner, lora_alpha defaults to the rank there; should I change my learning rate?"
    ),
    "tuners.choose_trainer": "SDXL LoRA 학습기 추천해 주세요, kohya랑 ai-toolkit 중에 뭐가 나아요?",
}
