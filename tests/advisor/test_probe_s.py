"""Issue 21, probe s (training setup, installs, errors and speed): questions written for the test, not
taken from a bank or from the probe's own wording. Each names the rule the answer must carry and, where
the probe found one leading in its place, the rule that must stay out."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # "N seconds per step, is that normal?" asks the usual speed, without it/s or the word speed
        ("Is 5 sec per step normal for SDXL on a 3080?", "train.speed", None),
        ("it당 5초 나오는데 원래 이런가요?", "train.speed", None),
        # ai-toolkit out of memory: its memory rule, not the YAML walkthrough or the model block
        (
            "Getting OOM with ai-toolkit on my 16gb card for SDXL",
            "tuners.aitk_vram",
            "setup.ai_toolkit_config",
        ),
        ("ai-toolkit 쓰는데 SDXL 학습하면 메모리 부족 나요", "tuners.aitk_vram", "setup.ai_toolkit_config"),
        # comparing trainers is choosing one, not configuring ai-toolkit
        ("ai-toolkit or kohya for a Flux LoRA?", "tuners.choose_trainer", "setup.ai_toolkit_config"),
        # fast at first, slow later: not a slow start
        ("The first few steps were quick, then it dropped to 15 s/it", "symptom.slows_down", None),
        ("첫 에폭은 빨랐는데 그 다음부터 느려져요", "symptom.slows_down", None),
        # training on a Radeon is ROCm's question, not LoRAs in an AMD webui
        (
            "Is LoRA training possible with a Radeon 7800 XT on Windows 11?",
            "hardware.amd",
            "apps.a1111_amd_lora",
        ),
        # out of memory while the trainer makes its samples
        ("I get OOM every time it makes the preview samples", "oom.sample_generation", None),
        ("샘플 이미지 생성할 때마다 OOM 나요", "oom.sample_generation", None),
        # a Colab session that keeps dropping
        ("코랩 무료로 돌리는데 계속 끊김", "notebooks.colab_runtime_disconnect", None),
        # torch that does not see the card is not a choice to train on the CPU
        ("설치는 했는데 GPU를 못 잡고 CPU로만 학습돼요", "env.torch_no_cuda", "hardware.cpu_only_training"),
        (
            "Installed kohya_ss but torch doesn't detect my GPU",
            "env.torch_no_cuda",
            "setup.kohya_install_update",
        ),
        # 16 GB is neither 6 GB (nor the 8 GB recipe), nor a 16 GB LoRA file, nor the 12 GB card's recipe
        ("4060ti 16기가로 SDXL 로라 가능?", "vram.sdxl_tiers", "vram.sdxl_8gb"),
        ("SDXL 로라 16기가 4080으로 배치 얼마나?", "vram.sdxl_tiers", "setup.kohya_lora_vs_dreambooth_tab"),
        ("SDXL 로라 16gb 그래픽카드로 배치 몇?", "vram.sdxl_tiers", "setup.kohya_lora_vs_dreambooth_tab"),
        ("RTX 4070 Ti Super 16GB로 SDXL 로라 세팅 어떻게 해요?", "vram.sdxl_tiers", "trouble.sdxl_12gb_oom"),
        # a crashed run, to be continued
        ("kohya가 8에폭에서 죽었는데 거기서부터 이어서 하고 싶어요", "gui.kohya_save_resume", None),
        ("My training crashed at epoch 4, can I continue from there?", "train.resume", None),
        # the whole PC restarting or switching off mid-run: power supply, heat, overclock
        ("Whenever I start training my computer shuts off completely", "errors.pc_reboots", None),
        ("로라 학습만 하면 본체가 꺼져요 파워 문제인가요?", "errors.pc_reboots", None),
    ],
)
def test_probe_s_routes_by_meaning(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids and unwanted not in ids, ids
