"""Issue 21, part guides_a (knowledge from the guides users read): probe questions about facts in widely read
training guides (datasets, captioning, settings) that the advisor missed before this part, in both languages.

Each case is (question, a rule that must be in the answer, a rule that must not be, or None); the guides are
listed in /work/guides_a_log.md and cited by the rules.
"""

import pytest


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        (
            "Can I pad my dataset with a few bad sketches of the character if I tag them properly?",
            "dataset.pad_tagged_low_quality",
            None,
        ),
        (
            "캐릭터 자료가 부족해서 퀄 낮은 낙서 몇 장 섞어도 됨? 태그 달면 괜찮음?",
            "dataset.pad_tagged_low_quality",
            None,
        ),
        (
            "What resolution should I train an Illustrious or NoobAI LoRA at?",
            "train.resolution_family",
            "trainers.blora",
        ),
        ("일러스트리어스 누비 로라 학습 해상도 몇으로 해야됨?", "train.resolution_family", "trainers.blora"),
        (
            "Should I train my LoRA on Illustrious base or on a finetune like Hassaku?",
            "train.base_model",
            None,
        ),
        (
            "로라 학습할 때 일러 기본 모델로 해야 됨 아니면 하사쿠 같은 파인튜닝 모델로 해야 됨?",
            "train.base_model",
            None,
        ),
        (
            "How many images for a style LoRA compared to a character LoRA?",
            "dataset.lora_kind",
            "symptom.loras_conflict",
        ),
        (
            "그림체 로라는 캐릭터 로라보다 이미지 몇 장 더 필요함?",
            "dataset.lora_kind",
            "symptom.loras_conflict",
        ),
        (
            "Part of my character is blocked by an object in some images, should I edit them or leave them out?",
            "dataset.edit_occlusions",
            None,
        ),
        (
            "일부 이미지에 캐릭터 몸이 물건에 가려져 있는데 편집해야 됨 아니면 빼야 됨?",
            "dataset.edit_occlusions",
            None,
        ),
        ("Are 20 good images better than 100 mediocre ones?", "dataset.low_quality", None),
        ("좋은 이미지 20장이 애매한 이미지 100장보다 나음?", "dataset.low_quality", None),
        (
            "Can I crop close-ups out of my high-res full-body images to get more training images?",
            "dataprep.photo_face_crop",
            "ui.adetailer_face",
        ),
        (
            "고해상도 전신 이미지에서 얼굴 부분 크롭해서 학습 이미지 늘려도 됨?",
            "dataprep.photo_face_crop",
            "ui.adetailer_face",
        ),
        ("Can I use AI generated images of my character in the dataset?", "dataset.synthetic", None),
        ("AI로 뽑은 캐릭터 이미지로 데이터셋 채워도 됨?", "dataset.synthetic", None),
        (
            "Some of my images have other characters in them, what do I do with those?",
            "dataset.prepare_steps",
            None,
        ),
        ("이미지 몇 장에 다른 캐릭터가 같이 있는데 어떻게 처리함?", "dataset.prepare_steps", None),
        ("Should 1girl stay in the captions of a character LoRA?", "dataprep.tag_order", None),
        ("캐릭터 로라 캡션에 1girl 태그 남겨둬야 됨?", "dataprep.tag_order", None),
        ("Can I train an SDXL LoRA at 768 to save VRAM?", "trouble.sdxl_at_512", None),
        ("VRAM 아끼려고 SDXL 로라를 768로 학습해도 됨?", "trouble.sdxl_at_512", None),
        ("Which captioning tool should I use for realistic photos?", "captions.vlm_tools", None),
        ("실사 사진 캡션 뭐로 달아야 됨?", "captions.vlm_tools", None),
    ],
)
def test_guides_a_questions_reach_the_rule_that_answers_them(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids and unwanted not in ids, ids
