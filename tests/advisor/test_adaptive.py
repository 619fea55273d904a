"""AdamW's learning-rate numbers never reach a user of Prodigy, DAdaptation or Lion (issue 21).

With Prodigy / DAdaptation learning_rate is a multiplier of the optimizer's own estimate (1.0; an AdamW 1e-4
would all but freeze training), and Lion wants a third to a tenth of AdamW's rates. Rules whose advice IS an
AdamW number carry the condition `adamw_rates`, which hides them once the question or config names such an
optimizer; rules whose advice holds for every optimizer keep their number and say what to do with Prodigy
instead. A question naming AdamW or no optimizer still gets the numbers (the condition is unknown then)."""

from __future__ import annotations

import pytest

from advisor.engine import load_rulebook
from advisor.facts import Facts
from config.training import TrainConfig

# Rules whose recommendation is an AdamW learning rate or ratio for plain LoRA training.
ADAMW_NUMBER_RULES = {"train.lr_range", "train.text_encoder_lr", "results.adamw_ranges", "lyco.ia3"}


@pytest.mark.parametrize(
    ("question", "on_topic"),
    [
        ("I train with Prodigy, what learning rate should I use for my SDXL LoRA?", "optimizer.prodigy_lr"),
        ("With Prodigy what should text_encoder_lr be compared to the unet?", "optimizer.prodigy_lr"),
        ("I use Lion optimizer, what learning rate for unet and text encoder?", "optimizer.lion"),
        ("Prodigy 쓰는데 텍스트 인코더 학습률은 유닛의 절반으로 해야 하나요?", "optimizer.prodigy_lr"),
        ("라이온 옵티마이저 쓰는데 학습률은 얼마가 좋아요?", "optimizer.lion"),
        ("With Prodigy what learning rate range works for an IA3 LyCORIS?", "lyco.adaptive_optimizers"),
    ],
)
def test_an_adaptive_optimizer_user_gets_no_adamw_numbers(advisor, question, on_topic):
    shown = advisor.ask(question, use_llm=False).rule_ids
    assert on_topic in shown, (question, shown)
    assert not ADAMW_NUMBER_RULES & set(shown), (question, shown)


@pytest.mark.parametrize(
    ("question", "rule", "clause"),
    [
        (
            "My LoRA trained with Prodigy looks burned and overfit, what should I change?",
            "symptom.burned",
            "d_coef",
        ),
        (
            "Prodigy로 학습했더니 결과가 타버렸어요 과적합인 것 같은데 어떻게 하죠?",
            "symptom.burned",
            "d_coef",
        ),
        (
            "I switched from batch 1 to batch 4 with Prodigy, do I need to change the learning rate?",
            "train.batch_lr",
            "learning_rate 1.0 at any batch size",
        ),
        (
            "Character LoRA with Prodigy on SDXL, what settings should I use?",
            "recipe.sdxl_character_starter",
            "learning_rate 1.0 for every part",
        ),
    ],
)
def test_a_rule_for_every_optimizer_says_what_to_do_with_prodigy(advisor, question, rule, clause):
    answer = advisor.ask(question, use_llm=False)
    assert rule in answer.rule_ids, (question, answer.rule_ids)
    assert clause in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "rule"),
    [
        (
            "With AdamW8bit, what learning rate should I use for my SDXL LoRA, and how does alpha change it?",
            "results.adamw_ranges",
        ),
        ("What learning rate should I use for my LoRA?", "train.lr_range"),
        ("IA3 LyCORIS learning rate?", "lyco.ia3"),
    ],
)
def test_adamw_or_no_optimizer_still_gets_the_numbers(advisor, question, rule):
    assert rule in advisor.ask(question, use_llm=False).rule_ids


def test_a_lion_config_outside_adamws_range_gets_no_adamw_start():
    """train.lr_range fired on a Lion config at 3e-4 and told it to start at 1e-4, still 3-10x too high for Lion."""
    book = load_rulebook()

    def fired(optimizer: str, lr: float) -> list[str]:
        return [f.id for f in book.evaluate(Facts(config=TrainConfig(optimizer=optimizer, learning_rate=lr)))]

    assert "train.lr_range" in fired("adamw", 1e-3)
    assert "train.lr_range" not in fired("lion", 3e-4)
    assert "train.lr_range" not in fired("prodigy", 1.0)
