"""Issue 21, part everyday_b: routes for the everyday topics set 3 (tests/advisor/question_bank_common3.toml)
showed unrouted, checked on fresh wordings (not taken from any question bank) in both languages."""

import pytest


@pytest.mark.parametrize(
    "text,wanted",
    [
        # which words switch a downloaded LoRA on, and where they are listed
        ("What words activate this LoRA I got from civitai?", "lora.find_trigger"),
        ("받은 로라 활성화하려면 무슨 단어를 넣어야 돼요?", "lora.find_trigger"),
        ("씨빗에서 받은 캐릭 로라 발동 안 되는데 트리거가 어디 적혀 있어요?", "lora.find_trigger"),
        # comparing the saved epochs of one run side by side
        (
            "Is there a way to compare my 10 saved epoch files side by side with the same seed?",
            "eval.xyz_plot",
        ),
        ("에포크 파일 5개 나왔는데 한눈에 비교해 보려면 어떻게 해요?", "eval.xyz_plot"),
        # the prompt and settings of a saved image, back into the UI
        (
            "I downloaded a picture from a Discord channel; can I read its prompt and settings somehow?",
            "webui.pnginfo_infotext",
        ),
        ("다운받은 이미지에서 프롬프트랑 설정 알아내는 방법 있어요?", "webui.pnginfo_infotext"),
        # civitai posts that show no generation data / no resources
        (
            "My civitai post shows no prompt or resources under the images. What did I do wrong?",
            "publish.civitai",
        ),
        ("시비타이에 올린 그림에 생성 정보가 안 떠요", "publish.civitai"),
        ("씨빗에 이미지 올렸는데 사용한 로라가 리소스로 안 잡혀요", "uiuse.comfy_civitai_resources"),
        # a kohya / civitai LoRA file in a diffusers pipeline
        ("Can a civitai LoRA be used in a diffusers DiffusionPipeline as is?", "ui.diffusers_load"),
        ("코야로 학습한 로라 파일을 StableDiffusionXLPipeline에서 바로 써도 돼요?", "ui.diffusers_load"),
        # out of memory while generating, written 'OOM' after the UI and the LoRA
        ("포지에서 로라 3개 넣으니까 OOM 나요", "infer.generation_oom"),
        ("ComfyUI with an SDXL model and two LoRAs gives OOM every time", "infer.generation_oom"),
    ],
)
def test_everyday_b_routes_hold_for_fresh_wordings(advisor, text, wanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids, ids


@pytest.mark.parametrize(
    "text,unwanted",
    [
        # epochs weighed against steps is arithmetic, not a grid of saved files
        ("How many epochs compared to steps should I train?", "eval.xyz_plot"),
        ("에폭 수랑 스텝 수 비교하면 뭐가 중요해요?", "eval.xyz_plot"),
        # the training images' settings are not an image's embedded prompt
        ("I have 30 images, where do I find the settings for batch size?", "webui.pnginfo_infotext"),
        ("학습 이미지 30장인데 설정 확인 좀 해주세요", "webui.pnginfo_infotext"),
        # choosing between trainers is not loading a file into diffusers
        ("kohya vs diffusers train_dreambooth_lora: which trainer is better?", "ui.diffusers_load"),
    ],
)
def test_everyday_b_routes_stay_on_their_topic(advisor, text, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert unwanted not in ids, ids
