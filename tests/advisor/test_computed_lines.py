"""Issue 21: computed lines that lead an answer only where they answer it (thirteenth session).

Three person judges comparing answers found the same opening line in both answers of several pairs, and wrong for
the question: the SD1.5 / SDXL batch-by-VRAM table for a Qwen-Image run, for a UI that slows down with a LoRA, for
a run whose samples are noise (the batch stated in passing), and "50 views per image is about the ~100 to aim
for". The questions here are written for the test, not taken from the bank."""

import pytest

from advisor.notes import lr_direction
from advisor.question_facts import asks_about_batch, read_question

TABLE = ("Batch size for", "에 맞는 배치 크기")


def _has_table(text: str) -> bool:
    return any(marker in text for marker in TABLE)


@pytest.mark.parametrize(
    "text",
    [
        # a family the SD1.5 / SDXL table does not cover
        "Flux dev LoRA on my 4090 24GB runs out of memory at 1024, what should I change?",
        "RTX 3090 24GB, Wan 2.1 LoRA in musubi, out of memory: settings?",
        "플럭스 로라 학습하는데 3060 12기가로 메모리 부족 떠요",
        # using a LoRA in a UI: the training batch answers another question
        "A1111 gets twice as slow whenever I add a LoRA to the prompt, RTX 3060 12GB. Why?",
        # a batch stated in passing, beside a symptom that is not memory or speed
        "SDXL LoRA with batch 2 on my 16GB 4080: the samples turn into pure grey noise after epoch 3",
    ],
)
def test_the_batch_table_stays_out_of_answers_it_does_not_answer(advisor, text):
    assert not _has_table(advisor.ask(text, use_llm=False).text)


@pytest.mark.parametrize(
    "text",
    [
        "What batch size can I use for an SDXL LoRA on 16GB?",
        "12기가 3060에서 SD1.5 로라 배치 몇까지 돼요?",
        # a stated batch below what the card fits is the answer to an idle GPU
        "My 4090 24GB sits at 40% while training an SD1.5 LoRA at batch 1. How do I use all of it?",
    ],
)
def test_the_batch_table_answers_a_question_about_the_batch(advisor, text):
    assert _has_table(advisor.ask(text, use_llm=False).text)


def test_a_stated_batch_or_a_flag_is_not_a_question_about_the_batch():
    assert not asks_about_batch("batch 2, 4070 12GB, samples are noise")
    assert not asks_about_batch("배치 2로 돌렸는데 샘플이 노이즈만 나와요")
    assert not asks_about_batch("--always-batch-cond-uncond is in my launch flags")
    assert asks_about_batch("is batch 2 too much for 8GB?")
    assert asks_about_batch("배치를 늘려도 되나요?")


def test_a_named_family_outside_the_table_reads_as_one():
    assert read_question("Qwen-Image LoRA on 24GB").other_family
    assert not read_question("SDXL LoRA on 24GB").other_family
    assert read_question("4090, batch 1, SD1.5").batch_below_fit()
    assert not read_question("4070 12GB, SDXL, batch 2").batch_below_fit()


@pytest.mark.parametrize(
    "text,lang,said,not_said",
    [
        (
            "Character LoRA: 40 images, 5 repeats, 10 epochs, batch 4. How many steps is that?",
            "en",
            "somewhat fewer than the ~100 views",
            "about the ~100 views",
        ),
        (
            "캐릭 로라 이미지 30장 반복 6 에폭 10 배치 2면 몇 스텝임?",
            "ko",
            "기준보다 조금 적습니다",
            "기준에 맞습니다",
        ),
        (
            "40 images, 10 repeats, 10 epochs, batch 4: how many steps?",
            "en",
            "about the ~100 views",
            "somewhat fewer",
        ),
    ],
)
def test_fifty_or_sixty_views_per_image_are_not_called_about_a_hundred(advisor, text, lang, said, not_said):
    answer = advisor.ask(text, use_llm=False).text
    assert said in answer and not_said not in answer


@pytest.mark.parametrize(
    "text,said,not_said",
    [
        (
            "My character LoRA does nothing at weight 1: 30 images, 10 repeats, 20 epochs, batch 2. What is wrong?",
            "too little training is not why",
            "likely overtrained",
        ),
        (
            "화풍 로라 40장 반복 10 에폭 20 배치 2로 했는데 적용해도 화풍이 하나도 안 먹어요",
            "학습량이 모자라서가 아닙니다",
            "과적합되기 쉽습니다",
        ),
        # the same numbers with a LoRA that copies its images: too many views are the cause
        (
            "My LoRA copies the training images exactly: 30 images, 10 repeats, 20 epochs, batch 2",
            "likely overtrained",
            "too little training is not why",
        ),
    ],
)
def test_many_views_are_not_called_overtraining_for_a_lora_that_shows_no_effect(
    advisor, text, said, not_said
):
    answer = advisor.ask(text, use_llm=False).text
    assert said in answer and not_said not in answer


def test_a_rate_stated_beside_two_kinds_of_optimizer_is_not_pushed():
    # "AdamW8bit works at 4e-4, Prodigy does not": the 4e-4 is the AdamW run's, and it works — no "lower it"
    both = read_question("Prodigy learns less than AdamW8bit, which works fine with lr 4e-4. Why?")
    assert both.adaptive_and_adam
    assert lr_direction(both) is None
    # AdamW alone at 4e-4 is still told to come down; Prodigy alone is never given an AdamW rate
    assert lr_direction(read_question("My LoRA is overcooked at lr 4e-4 with AdamW8bit")) == "down"
    assert lr_direction(read_question("Prodigy with lr 4e-4, is that right?")) is None
