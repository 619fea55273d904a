"""The rulebook loader refuses broken rules by id; nested any/all conditions work."""

from __future__ import annotations

import tomllib

import pytest

from advisor.engine import RULEBOOK_PATHS, RulebookError, load_rulebook, parse_rulebook
from advisor.facts import Facts, Hardware
from config.training import TrainConfig

TEXTS = {
    lang: {
        "problem": f"p {lang} 문제입니다",
        "recommendation": f"r {lang} 권장합니다",
        "reason": f"w {lang} 이유입니다",
    }
    for lang in ("en", "ko")
}


def rule(**kw) -> dict:
    base = {
        "id": "x.test",
        "severity": "warning",
        "source": "guide:dataset",
        "conditions": [{"name": "stat_below", "key": "num_images", "value": 20}],
        **TEXTS,
    }
    base.update(kw)
    return base


def test_shipped_rulebook_loads_and_covers_the_issue():
    book = load_rulebook()
    assert len(book.rules) >= 40
    ids = set(book.ids())
    for needed in (
        "dataset.too_few",
        "captions.no_trigger",
        "train.steps_range",
        "train.lr_range",
        "train.batch_vram",
        "train.rank_range",
        "train.text_encoder_lr",
        "reg.prior_preservation",
        "sample.frequency",
        "oom.gradient_checkpointing",
        "oom.cache_latents",
        "oom.optimizer_8bit",
        "oom.resolution",
        "oom.mixed_precision",
        "oom.sdxl_unet_only",
        "overfit.too_many_views",
        "underfit.too_few_views",
        "nan.fp16_vae",
        "captions.extension_mismatch",
        "lora.not_loading",
        "lora.wrong_base",
        "bucket.crops_subject",
        "vram.spill",
    ):
        assert needed in ids
    sources = {r.source.partition(":")[0] for r in book.rules}
    assert sources == {"guide", "failure", "measurement", "community"}
    for rule in book.rules:
        if rule.source.startswith("community:"):
            assert rule.source.partition(":")[2].startswith("https://"), rule.id


def test_the_measured_rule_cites_the_measurement():
    text = load_rulebook().get("reg.prior_preservation").text("en").reason
    assert "47%" in text and "81%" in text and "0%" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"conditions": [{"name": "no_such_condition"}]}, "unknown condition 'no_such_condition'"),
        ({"conditions": [{"name": "stat_below", "key": "num_images"}]}, "missing a required argument"),
        ({"conditions": [{"name": "stat_below", "key": "n", "value": 1, "typo": 2}]}, "unexpected keyword"),
        ({"conditions": []}, "needs at least one condition"),
        ({"conditions": [{"any": []}]}, "'any' must be the only key"),
        ({"severity": "fatal"}, "severity must be one of"),
        ({"source": "blog"}, "source must be guide:"),
        ({"ko": {"problem": "x", "recommendation": "y"}}, "needs [ko] problem, recommendation and reason"),
        ({"diagnosis": "cosmic-ray"}, "diagnosis must be one of"),
        ({"fix": "make_it_work"}, "unknown fix 'make_it_work'"),
        ({"fix": "scale_lr", "fix_params": {}}, "missing a required argument"),
        ({"tool": "train[- tools"}, "tool is not a valid regex"),
        ({"tool": ""}, "tool must be a regex of the tool's names"),
    ],
)
def test_broken_rules_are_refused_with_their_id(change, message):
    with pytest.raises(RulebookError) as err:
        parse_rulebook({"rule": [rule(**change)]})
    assert "x.test" in str(err.value) and message in str(err.value)


def test_duplicate_ids_are_refused():
    with pytest.raises(RulebookError, match="used twice"):
        parse_rulebook({"rule": [rule(), rule()]})


def test_missing_and_invalid_files(tmp_path):
    with pytest.raises(RulebookError, match="not found"):
        load_rulebook(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="not valid TOML"):
        load_rulebook(bad)


def test_any_and_all_nest():
    book = parse_rulebook(
        {
            "rule": [
                rule(
                    conditions=[
                        {
                            "any": [
                                {"name": "stat_below", "key": "num_images", "value": 5},
                                {
                                    "all": [
                                        {"name": "no_gpu"},
                                        {"name": "config_equals", "field": "optimizer", "value": "adamw8bit"},
                                    ]
                                },
                            ]
                        }
                    ]
                )
            ]
        }
    )
    cpu = Hardware("", 0)
    assert book.evaluate(Facts(stats={"num_images": 3}))
    assert book.evaluate(Facts(config=TrainConfig(optimizer="adamw8bit"), hardware=cpu))
    assert not book.evaluate(Facts(config=TrainConfig(optimizer="adamw"), hardware=cpu))
    assert not book.evaluate(Facts(stats={"num_images": 30}))


def test_findings_put_errors_first_and_speak_the_language():
    facts = Facts(
        stats={"num_images": 10},
        config=TrainConfig(train_batch_size=4, model_arch="sdxl"),
        hardware=Hardware("RTX 3070", 8),
    )
    findings = load_rulebook().evaluate(facts, lang="ko")
    assert findings[0].severity == "error"
    assert [f.severity for f in findings] == sorted(
        (f.severity for f in findings), key=("error", "warning", "info").index
    )
    assert "배치" in findings[0].text.problem


def test_rulebook_files_are_plain_toml():
    count = 0
    for path in RULEBOOK_PATHS:
        with path.open("rb") as fh:
            count += len(tomllib.load(fh).get("rule", []))
    assert count == len(load_rulebook().rules)


def test_a_rule_about_one_tool_fills_in_only_when_the_question_names_it(advisor):
    """threads_b.train_tools_steps is about an A1111 extension's step count (its `tool` names it): its words
    ("batch size", "total steps", "Number of epochs") used to fill it into any steps question."""
    rule = advisor.rulebook.get("threads_b.train_tools_steps")
    assert (
        rule.tool is not None and rule.tool.search("sd-webui-train-tools") and rule.tool.search("트레인 툴즈")
    )
    plain = "My folder is 5_mychar with 35 images, 8 epochs, batch size 1. What is the total step count?"
    named = (
        "In sd-webui-train-tools my folder is 5_mychar with 35 images, 8 epochs, batch size 1. Total steps?"
    )
    assert "threads_b.train_tools_steps" not in advisor.ask(plain, use_llm=False).rule_ids
    assert "threads_b.train_tools_steps" in advisor.ask(named, use_llm=False).rule_ids


def test_a_question_about_another_trainer_gets_no_kohya_only_rules(advisor):
    """kohya's flags and GUI fields do not exist in OneTrainer or EveryDream2: such a question that never names
    kohya gets none of sd-scripts' own rules (args., kohya., gui., dsconfig.), while the same question about
    kohya keeps them."""
    kohya_only = ("args.", "kohya.", "gui.kohya", "dsconfig.")
    for question in (
        "In OneTrainer, after changing the resolution do I have to clear the latent cache?",
        "EveryDream2에서 캐시 파일은 언제 다시 만들어야 돼요?",
    ):
        shown = advisor.ask(question, use_llm=False).rule_ids
        assert shown and not [r for r in shown if r.startswith(kohya_only)], (question, shown)
    about_kohya = "In kohya sd-scripts, after changing the resolution do I have to clear the latent cache?"
    assert any(r.startswith(kohya_only) for r in advisor.ask(about_kohya, use_llm=False).rule_ids)


def test_adamw_numbers_never_reach_an_adaptive_optimizer(advisor):
    """A text encoder at the U-Net's rate is worth halving with AdamW (5e-5 beside 1e-4), but with Prodigy both
    take learning_rate 1.0 (a multiplier of its own estimate) and 5e-5 would all but freeze the text encoder: the
    rule giving AdamW numbers fires for an AdamW config and a question naming no optimizer, never for Prodigy."""
    book = load_rulebook()

    def fired(optimizer: str, lr: float) -> bool:
        cfg = TrainConfig(optimizer=optimizer, learning_rate=lr, train_text_encoder=True)
        return "train.text_encoder_lr" in [f.id for f in book.evaluate(Facts(config=cfg))]

    assert fired("adamw", 1e-4)
    assert not fired("prodigy", 1.0)
    prodigy = advisor.ask("With Prodigy, what learning rate should the text encoder get?", use_llm=False)
    plain = advisor.ask("What learning rate should the text encoder get, same as the unet?", use_llm=False)
    assert "train.text_encoder_lr" not in prodigy.rule_ids
    assert "train.text_encoder_lr" in plain.rule_ids
