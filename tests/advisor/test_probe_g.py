"""Issue 21, probe g (using LoRAs and judging results): questions routed by meaning, in both languages.

Each case is (question, a rule that must be in the answer, a rule that must not be, or None). The questions
are worded apart from the probe's own, so that each fix holds for everyone who asks that way.
"""

import pytest


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # a LoRA hidden from the list while a model of the other family is loaded: the listing rule
        ("The XL LoRAs are hidden in the list unless an SDXL model is selected", "ui.lora_not_listed", None),
        (
            "Pony LoRAs only appear in the list when a Pony model is loaded, is that a bug?",
            "ui.lora_not_listed",
            None,
        ),
        # a LoRA trained on one anime branch used on another: cross-use, not which base to train on
        ("Will a LoRA I trained on Illustrious work on a Pony checkpoint?", "models.anime_cross_use", None),
        ("일러로 학습한 로라 포니 모델에서 써도 돼요?", "models.anime_cross_use", None),
        ("누비로 만든 로라 일러스트리어스에서 돌려도 됨?", "models.anime_cross_use", "lora.pony_score_tags"),
        # which path a UI reads LoRAs from, asked in Korean
        ("컴피에서 로라 경로 어디로 설정해야 돼요?", "ui.lora_folders", None),
        ("로라 폴더 경로 어디로 지정해야 포지에서 보여요?", "ui.lora_folders", None),
        # two finished LoRAs used together: not a question about style vs character datasets
        (
            "When I load a style LoRA and a character LoRA at the same time the face changes",
            "symptom.loras_conflict",
            "dataset.lora_kind",
        ),
        (
            "그림체 로라랑 캐릭터 로라 동시에 쓰면 얼굴이 뭉개져요",
            "symptom.loras_conflict",
            "dataset.lora_kind",
        ),
        # the character's face on the other people in the picture
        ("Background people all look like my character", "lora.bleeds_into_others", None),
        ("배경에 있는 엑스트라들 얼굴도 전부 내 캐릭터 얼굴로 나와요", "lora.bleeds_into_others", None),
        # pose or expression always the same
        ("로라 넣으면 포즈가 학습 데이터랑 똑같게만 뽑혀요", "symptom.rigid_pose", None),
        ("표정이 다 똑같이 나와요", "symptom.rigid_pose", None),
        # hands ruined, said colloquially
        ("로라만 넣으면 손이 박살나요 왜그럼?", "symptom.hands_anatomy", None),
        ("로라 적용하면 손이 괴물처럼 뒤틀려요", "symptom.hands_anatomy", None),
        # '별로 안 닮았어요' is weak likeness, not 'bad results'
        ("인물 로라 만들었는데 별로 안 닮아서 아쉬워요", "recipe.likeness", None),
        # which saved epoch to use ('에폭' as users spell it)
        ("에폭별로 파일이 8개 생겼는데 어느 걸 써야 돼요?", "sample.pick_checkpoint", None),
        ("에폭 20까지 저장했는데 제일 좋은 거 고르는 법", "sample.pick_checkpoint", None),
        # a colour cast, said as 'dyed' or 'tinged'
        ("로라 쓰면 이미지가 노란색으로 물들어요", "symptom.color_cast", None),
        ("전체적으로 파란빛이 돌아요 로라 때문인가", "symptom.color_cast", None),
    ],
)
def test_probe_g_questions_reach_the_rule_that_answers_them(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids and unwanted not in ids, ids
