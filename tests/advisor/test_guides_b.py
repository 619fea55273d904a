"""Issue 21, guides part b (using and judging LoRAs, other trainers): questions written from widely read
guides (LyCORIS' guidelines, OneTrainer's quick start, SimpleTuner's Flux quickstart, ADetailer and LoRA-testing
guides), in both languages, each with a rule that must be in the answer. The log of the probe is
/work/guides_b_log.md in the session that wrote it.
"""

import pytest


@pytest.mark.parametrize(
    "text,wanted",
    [
        # SimpleTuner's Flux quickstart
        (
            "What does flux_guidance_value do in SimpleTuner and should I raise it above 1?",
            "tuners.st_flux_guidance_value",
        ),
        ("심플튜너 flux_guidance_value 1보다 올리면 뭐가 달라져요?", "tuners.st_flux_guidance_value"),
        ("What learning rate for a Flux LoRA in SimpleTuner, is 1e-3 too high?", "tuners.st_flux_lr_rank"),
        ("심플튜너에서 플럭스 LoKr 학습률 AdamW랑 Lion 각각 얼마?", "tuners.st_flux_lr_rank"),
        (
            "Square grid artifacts started appearing in my Flux LoRA samples, what causes that?",
            "flux.grid_artifacts",
        ),
        ("플럭스 로라 샘플에 격자무늬 아티팩트가 생기기 시작했어요 원인이 뭐죠?", "flux.grid_artifacts"),
        (
            "SimpleTuner Flux training gets SIGKILL right after the text encoders are unloaded, what's wrong?",
            "tuners.st_flux_low_memory",
        ),
        (
            "심플튜너로 플럭스 학습하는데 텍스트 인코더 언로드 직후에 SIGKILL 떠요",
            "tuners.st_flux_low_memory",
        ),
        (
            "Training Flux in NF4 with Lion collapses, what optimizer works with NF4?",
            "tuners.st_flux_low_memory",
        ),
        ("플럭스 NF4로 Lion 써서 학습하니까 모델이 붕괴해요 NF4엔 뭐 써요?", "tuners.st_flux_low_memory"),
        ("How do I use regularisation images in SimpleTuner?", "scripts.st_lycoris_config"),
        ("심플튜너에서 정규화 이미지는 어떻게 써요?", "scripts.st_lycoris_config"),
        # testing a LoRA with and without it
        ("How do I test fairly whether a LoRA actually improves my images?", "results.fair_test"),
        ("로라가 진짜 효과 있는지 제대로 비교하려면 어떻게 테스트해요?", "results.fair_test"),
        # A1111: text-encoder and U-Net weights in the tag
        ("a1111에서 로라 텍스트인코더랑 유넷 가중치 따로 줄 수 있어요?", "ext.lora_tag_te_unet_dyn"),
        # OneTrainer's quick start, asked in Korean
        (
            "원트레이너에서 해상도 바꿨는데 예전 설정으로 학습되는 느낌이에요. 왜 그럼?",
            "onetrainer.cache_stale",
        ),
        ("원트레이너에서 해상도 여러 개 동시에 학습 가능?", "onetrainer.aspect_buckets"),
        (
            "My OneTrainer tensorboard shows curves from my old runs mixed in, what did I do wrong?",
            "gui.ot_general_data",
        ),
        (
            "원트레이너 레이어 오프로딩 켜면 12기가로 플럭스 학습 돼요? 램은 얼마나 필요?",
            "onetrainer.memory_offload",
        ),
        # ADetailer, under the Korean spelling '에디테일러'
        (
            "에디테일러 켜면 얼굴이 고쳐지긴 하는데 로라 캐릭터 얼굴이 아니게 돼요",
            "webext.adetailer_lora_pass",
        ),
        ("에디테일러 디노이징 얼마로 해야 얼굴이 너무 안 바뀌어요?", "webui.adetailer_settings"),
        # LyCORIS: a small LoKr file
        ("LoKr로 뽑았더니 파일이 2MB밖에 안 되는데 망한건가요? 로라는 37MB였음", "lycoris.choose"),
    ],
)
def test_guides_b_questions_reach_the_rule_that_answers_them(advisor, text, wanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids, ids
