"""Issue 21: the same retired questions in other words (tests/advisor/question_bank_paraphrases.toml).

The bank's retired rounds are answered right almost every time, but rules and intents were written while
reading them: is that knowledge, or a fit to their wording? 120 retired sources, each asked again in English
and Korean by writers who never saw the advisor, judged with the original's facts. Half the sources are
`tune` (read after the first scoring, their misses fixed by routing), half `held_out` (counts only).
Measured at c79ee72 (before any fix): originals 120/120 in each language; paraphrases en 113/120, ko 111/120
(tune 57/60, 54/60; held-out 56/60, 57/60). After the tune misses were routed: tune 60/60, 60/60; held-out
unchanged at 56/60, 57/60 (docs/advisor.md, "Paraphrases").
"""

import re
import tomllib

import pytest

from tests.advisor import bank, coherence

TUNE_FLOOR = 0.97
# held-out paraphrases 56/60 (93.3%) en, 57/60 (95.0%) ko when first scored and after the tune fixes
HELD_OUT_FLOOR = 0.90


def _raw() -> list[dict]:
    with bank.PARAPHRASE_PATH.open("rb") as fh:
        return tomllib.load(fh)["q"]


def test_each_paraphrase_keeps_its_originals_facts_and_says_them_in_other_words():
    originals = {q.id: q for q in bank.questions()}
    raw = _raw()
    assert len(raw) == 240 and len({item["id"] for item in raw}) == 240
    sources: dict[str, set[str]] = {}
    for item in raw:
        original = originals[item["orig"]]
        assert original.split == "retired" and 5 <= original.round <= 16, item["id"]
        assert item["id"] == f"p-{item['orig']}" and item["lang"] == original.lang, item["id"]
        assert item["source"] == original.source, item["id"]
        assert tuple(item["must"]) == original.must and tuple(item["must_not"]) == original.must_not
        assert item["text"].strip() != original.text.strip(), item["id"]
        for fact in item["must"]:  # the question never carries its own answer
            assert not re.search(bank._pattern(fact), item["text"], re.I | re.S), (item["id"], fact)
        sources.setdefault(item["source"], set()).add(f"{item['split']}:{item['lang']}")
    # each source in one split, asked once in each language
    for source, cells in sources.items():
        assert len(cells) == 2 and {c.split(":")[1] for c in cells} == {"en", "ko"}, source
        assert len({c.split(":")[0] for c in cells}) == 1, source
    splits = [next(iter(cells)).split(":")[0] for cells in sources.values()]
    assert splits.count("tune") == 60 and splits.count("held_out") == 60


@pytest.fixture(scope="module")
def answers(advisor):
    return {p.question.id: advisor.ask(p.question.text, use_llm=False) for p in bank.paraphrases()}


@pytest.fixture(scope="module")
def verdicts(answers):
    return {
        p.question.id: bank.judge(p.question, answers[p.question.id].text, answers[p.question.id].lang).right
        for p in bank.paraphrases()
    }


def test_paraphrased_answers_are_coherent(advisor, answers):
    """Held to the bank's own coherence checks: no setting pushed both ways, no rule a stated fact rules out."""
    for para in bank.paraphrases():
        q = para.question
        ids = answers[q.id].rule_ids
        found = coherence.clashes(advisor.rulebook, ids)
        assert not found, f"{q.id}: {found} pushed both ways by {ids}"
        ruled = coherence.ruled_out(advisor.rulebook, q.text, ids)
        assert not ruled, f"{q.id}: {ruled}"


@pytest.mark.parametrize("split,floor", [("tune", TUNE_FLOOR), ("held_out", HELD_OUT_FLOOR)])
def test_paraphrased_questions_are_answered_like_their_originals(verdicts, split, floor, capsys):
    below = {}
    for lang in ("en", "ko"):
        items = bank.paraphrases(split, lang)
        wrong = [p.question.id for p in items if not verdicts[p.question.id]]
        shown = "(ids not shown: held out)" if split == "held_out" else wrong
        with capsys.disabled():
            print(f"\nparaphrases, {split} {lang}: {len(items) - len(wrong)}/{len(items)}; wrong: {shown}")
        if 1 - len(wrong) / len(items) < floor:
            below[lang] = wrong if split == "tune" else len(wrong)
    assert not below, below


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # a pasted RuntimeError about a shape: the shape-mismatch answer, not a guide to moving to SDXL
        (
            "RuntimeError: shape '[640, 768]' is invalid for input of size 1228800 after I put my 1.5 LoRA "
            "on an XL checkpoint",
            "lora.shape_mismatch",
            "family.sd15_to_sdxl",
        ),
        (
            "1.5용 로라를 XL 모델에 걸었더니 shape가 invalid 하다는 런타임에러가 떠요",
            "lora.shape_mismatch",
            None,
        ),
        # a face LoRA combined with a pose LoRA: how to combine them, not how to train a person
        (
            "Combining my girlfriend's face LoRA and a dancing pose LoRA makes her face vanish",
            "infer.face_with_concept_lora",
            "recipe.real_person",
        ),
        # slow slider training is the slider rule's own topic
        ("Training a slider with the Concept Sliders repo is super slow, normal?", "recipe.slider", None),
        # wildcards with LoRA tags in A1111: not ComfyUI's Impact wildcard nodes
        (
            "In A1111 a <lora:> tag that comes out of a wildcard file never applies, dynamic prompts bug?",
            None,
            "nodes.impact_wildcard_lora",
        ),
        # where downloaded files go, asked without the word 'folder'
        ("라이코리스 모델 하나 받았는데 어디다 넣음?", "uiuse.lycoris_folder", None),
        # a LoRA on the text encoder only in ComfyUI
        ("컴피에서 로라를 클립에만 적용할 수 있어요?", "ui.comfy_strengths", None),
        (
            "In ComfyUI can I apply a LoRA to the CLIP only, with no change to the model?",
            "ui.comfy_strengths",
            None,
        ),
        # how kohya draws regularization images, the count said in 장
        ("정규화 5000장 넣었는데 한 에폭에 그거 다 쓰여요?", "kohya.reg_draw_order", None),
        # training through the web UI's API on a headless server
        (
            "My A1111 runs headless on a rented box; can I train a LoRA through its API?",
            "webui.training_extensions",
            None,
        ),
    ],
)
def test_paraphrase_fixes_hold_for_fresh_wordings(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert (wanted is None or wanted in ids) and unwanted not in ids, ids
