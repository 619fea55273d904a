"""Issue 21, part bases (twelfth session): training per base-model family. The questions are written fresh, not
taken from any bank: each must reach the rule that answers its topic, and a question that names a base model only
as the context of something else (an install error, out of memory, a slow run) must not be taken by these routes."""

import pytest


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # Flux dev or schnell, and a dev LoRA on schnell
        ("Flux dev or schnell, which should I train a LoRA on?", "bases.flux_dev_vs_schnell", None),
        ("플럭스 dev랑 schnell 중에 로라 학습 뭐로 함?", "bases.flux_dev_vs_schnell", None),
        # guidance while training Flux, not the generating guidance
        ("flux 학습할때 guidance_scale 몇으로 둠?", "bases.flux_train_guidance", None),
        # Flux rank / lr / steps
        ("Typical rank and learning rate for a Flux character LoRA?", "bases.flux_typical_settings", None),
        # T5 options
        ("t5xxl_max_token_length 512로 늘려야 하나요?", "bases.t5_options", None),
        # SD3.5 with sd-scripts, and which size
        (
            "Can I train a LoRA on SD 3.5 Large with kohya sd-scripts, what settings?",
            "bases.sd3_sdscripts_args",
            None,
        ),
        ("sd3.5 미디엄이랑 라지 중 로라 뭐로 학습?", "bases.sd35_medium_vs_large", None),
        # settings per family
        (
            "How do rank, learning rate and resolution differ per base model family?",
            "bases.family_numbers",
            None,
        ),
        # clip skip per family
        (
            "What clip skip should I train with on Pony vs SD1.5 anime models?",
            "bases.clip_skip_per_family",
            None,
        ),
        # the two SDXL text encoders
        ("sdxl 텍스트 인코더 두개 다 학습시켜야 하나요?", "bases.sdxl_te_rates_code_vs_docs", None),
        # routes to older rules
        ("Should I train my anime character LoRA on Illustrious or Pony?", "setup.anime_bases", None),
        ("sdxl 로라 포니 체크포인트에 써도 됨?", "models.anime_cross_use", None),
        ("noob vpred로 학습하는데 색 다 날아감", "setup.noobai_vpred", None),
        ("Typical learning rate and steps for an Illustrious character LoRA?", "family.anime_xl", None),
        (
            "Which timestep_sampling and discrete_flow_shift should I use for a Flux LoRA?",
            "flux.sdscripts_args",
            None,
        ),
    ],
)
def test_bases_topics_reach_their_rules(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert (wanted is None or wanted in ids) and (unwanted is None or unwanted not in ids), ids


@pytest.mark.parametrize(
    "text,wanted",
    [
        ("Flux dev or schnell, which should I train a LoRA on?", "bases.flux_dev_vs_schnell"),
        (
            "What guidance_scale should I set when training a Flux LoRA in sd-scripts?",
            "bases.flux_train_guidance",
        ),
        ("SD 3.5 Medium vs Large for LoRA training, which one?", "bases.sd35_medium_vs_large"),
        ("Should I train my anime character LoRA on Illustrious or Pony?", "setup.anime_bases"),
    ],
)
def test_bases_topic_leads_the_answer(advisor, text, wanted):
    assert advisor.ask(text, use_llm=False).rule_ids[0] == wanted


@pytest.mark.parametrize(
    "text",
    [
        "I get CUDA out of memory training a Flux LoRA on my 3060 12GB",
        "Pony LoRA training crashes with No module named bitsandbytes",
        "일러스트리어스 학습 돌리는데 너무 느려요 4060",
        "flux dev 설치하는데 torch 에러 나요",
        "sdxl 학습 중 OOM 뜨는데 12기가",
    ],
)
def test_a_base_named_as_context_is_not_taken(advisor, text):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert not [i for i in ids if i.startswith("bases.")], ids
