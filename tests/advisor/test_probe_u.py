"""Issue 21, probe u (dataset, captions and parameters): questions written for the fixes, not copied from
the probe file, each with a rule that must answer it and one that must stay out (or None)."""

from __future__ import annotations

import pytest

from advisor.question_facts import read_question


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # low-resolution images named by their kind are a data-quality question
        (
            "Half of my training pics are low resolution crops, is that a problem?",
            "dataset.low_quality",
            None,
        ),
        ("스크린샷 해상도가 낮은데 학습에 써도 돼요?", "dataset.low_quality", None),
        # "do I need captions at all?" is training without captions, not publishing
        ("Are captions really necessary for a LoRA?", "captions.trained_without", "publish.civitai"),
        ("태깅 꼭 해야 하나요?", "captions.trained_without", None),
        # an SD1.5 question does not get the SDXL settings rule
        ("sd1.5 로라 학습률 몇으로 해요?", "train.lr_range", "family.sdxl"),
        # which base to train a Pony LoRA on is a training question, not Pony's prompt tags
        (
            "Do I train a pony lora on pony v6 or on a pony merge?",
            "families.pony_training",
            "lora.pony_score_tags",
        ),
        # a LoRA trained on one anime SDXL branch used on another
        (
            "누비로 학습시킨 로라 일러스트 모델에서 써도 돼요?",
            "models.anime_cross_use",
            "trained.generate_in_ui",
        ),
        ("Pony로 학습한 로라 누비에서 돌려도 됨?", "models.anime_cross_use", "lora.pony_score_tags"),
        # an earlier epoch looking better than a later one, or samples worsening as training goes on
        ("Epoch 4 looked better than epoch 12, why?", "overfit.too_many_views", None),
        ("5에폭이 15에폭보다 훨씬 나은데 왜 그래요?", "overfit.too_many_views", None),
        ("Samples keep getting uglier after every epoch", "overfit.too_many_views", None),
        ("에포크 지날수록 샘플이 점점 망가져요", "overfit.too_many_views", "symptom.samples_bad"),
        # 에폭 is how most Korean users write epoch
        ("반복 늘리는 거랑 에폭 늘리는 거 차이 있어요?", "train.repeats_or_epochs", None),
        # a stated rate inside the range drops lr_range; the rule that reads a rate in context answers
        ("Is a learning rate of 2e-5 fine for a style LoRA?", "train.lr_by_context", None),
        ("Does lr 8e-5 sound okay?", "train.lr_by_context", None),
        ("unet_lr 5e-5 괜찮나요?", "train.lr_by_context", None),
        # what a too-high learning rate looks like
        ("학습률을 너무 높이면 어떤 증상이 나와요?", "results.lr_vs_steps", None),
        # "is dim X alpha Y okay?" gets the usual sizes for each kind of LoRA
        ("rank 16 alpha 8 괜찮나요?", "results.dim_capacity", None),
        ("Is network dim 64 with alpha 32 too much for a face?", "results.dim_capacity", None),
        # "SD1.5 캐릭터 ... 한" is one character on SD1.5, not several in one LoRA
        ("SD1.5 캐릭터 로라 lr 3e-4 적당한가요?", "train.lr_by_context", "captions.multi_concept"),
    ],
)
def test_probe_u_routes_by_meaning(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert (wanted is None or wanted in ids) and unwanted not in ids, ids


@pytest.mark.parametrize(
    "text",
    [
        "Should batch 8 use a bigger learning rate than batch 1?",
        "배치를 키우면 학습률도 배치 1보다 높여야 하나요?",
    ],
)
def test_a_count_after_batch_is_not_a_learning_rate(text):
    """A number after "batch" is a batch size; read as a learning rate of 1.0 it brought the Prodigy line."""
    assert read_question(text).config.get("learning_rate") is None
