"""Issue 21, part install (twelfth session): installing and running the training tools. The questions here are
written fresh, not taken from any bank: each must be answered first by the rule of its topic (advisor/
rulebook_install.toml or an older rule the part's intents route to), and a question that only mentions installing
as context for something else must not be taken by an install rule."""

import pytest


@pytest.mark.parametrize(
    "text,wanted",
    [
        # antivirus quarantining a launcher or a package
        (
            "Avast flagged uv.exe as a trojan while the kohya setup was running, is it safe?",
            "install.antivirus",
        ),
        ("원트레이너 install.bat 돌리는데 V3가 파일을 격리해버렸어요", "install.antivirus"),
        # pip compiling a package: the Python, not a compiler, is usually the fix
        (
            "ERROR: Failed building wheel for tokenizers when I run setup on Python 3.13",
            "install.build_tools",
        ),
        (
            "pip install 하다가 Microsoft Visual C++ 14.0 or greater is required 뜨면 빌드툴 깔아야 돼요?",
            "install.build_tools",
        ),
        # a script's window closing at once
        ("gui.bat just flashes a black window and closes immediately", "install.window_closes"),
        ("start-ui.bat 누르면 cmd 창이 떴다가 바로 꺼져요", "install.window_closes"),
        # where the UI opens
        ("Installed kohya_ss, what address do I open in the browser?", "install.first_start"),
        ("ai-toolkit UI는 localhost:8675 로 들어가면 돼요?", "install.first_start"),
        # going back to an earlier version of a trainer
        (
            "How do I downgrade kohya_ss to the previous release? The new one broke my presets",
            "install.rollback",
        ),
        ("kohya 업데이트했더니 망가졌어요. 예전 버전으로 되돌리는 법?", "install.rollback"),
        # Docker images and compose files
        ("Can I run fluxgym in a docker container with docker compose?", "install.docker_images"),
        ("kohya_ss 도커 이미지 있어요? docker compose로 돌리고 싶어요", "install.docker_images"),
        # FluxGym's own install
        (
            "fluxgym install: where does sd-scripts go and which torch do I need for a 5090?",
            "install.fluxgym",
        ),
        ("플럭스짐 피노키오 없이 설치하는 순서 알려주세요", "install.fluxgym"),
        # older rules the part's intents now put first
        ("accelerate config asks so many questions, what do I pick on one 3060?", "setup.accelerate_setup"),
        ("accelerate config 질문에 뭐라고 답해요? 그래픽카드 하나예요", "setup.accelerate_setup"),
        ("How do I set up kohya-ss/sd-scripts manually without the GUI in a venv?", "setup.sd_scripts_cli"),
        (
            "'git' is not recognized as an internal or external command when I run setup.bat",
            "errors.git_python_missing",
        ),
        (
            "'python'은(는) 내부 또는 외부 명령, 실행할 수 있는 프로그램이 아닙니다 라고 떠요",
            "errors.git_python_missing",
        ),
        (
            "ModuleNotFoundError: No module named 'triton' on Windows, training still starts",
            "env.triton_warning",
        ),
        ("How do I install ai-toolkit and start its web UI on Windows?", "tuners.aitk_install_update"),
        ("ai-toolkit을 런팟에서 돌리려면 어떻게 해요?", "tuners.aitk_cloud"),
        ("Is it possible to train an SDXL LoRA on Colab for free?", "env.colab_kaggle"),
        ("캐글 무료 GPU로 로라 학습 돼요?", "env.colab_kaggle"),
    ],
)
def test_install_topics_answer_first(advisor, text, wanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert ids and ids[0] == wanted, ids


@pytest.mark.parametrize(
    "text,unwanted",
    [
        # installing only as context: the question is about something else
        (
            "I installed kohya yesterday and my new LoRA doesn't show up in Forge's Lora tab",
            "install.first_start",
        ),
        (
            "After installing OneTrainer I get CUDA out of memory at step 1 with SDXL on 8GB",
            "install.rollback",
        ),
        # a LoRA's earlier epoch is not an older version of the tool
        ("How do I go back to an earlier epoch of my LoRA? The last one is overcooked", "install.rollback"),
        ("마지막 에폭이 과적합이라 이전 에폭 로라로 돌아가고 싶어요", "install.rollback"),
        # FluxGym's VRAM presets are its settings, not its install
        ("fluxgym 12G 프리셋이랑 20G 차이가 뭐예요?", "install.fluxgym"),
        # Docker without the GPU: the container toolkit's rule, not the images'
        ("docker container doesn't see my GPU, nvidia-smi not found inside", "install.docker_images"),
        # several GPUs: accelerate's multi-GPU answer, not the one-GPU config
        ("accelerate config for two 3090s, how many steps do I get?", "setup.accelerate_setup"),
    ],
)
def test_install_context_not_taken(advisor, text, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert not ids or ids[0] != unwanted, ids
