"""Language detection, the Korean-aware tokenizer and BM25 index, and the LLM reply checker."""

from __future__ import annotations

import re
from pathlib import Path

from advisor.checker import check_reply, check_smalltalk, extract_claims
from advisor.i18n import detect_lang, normalize_lang
from advisor.retrieval import AdvisorIndex, Index, load_guide, tokenize


def test_detect_lang():
    assert detect_lang("How do I fix CUDA OOM?") == "en"
    assert detect_lang("메모리 부족 오류가 나요") == "ko"
    assert detect_lang("RuntimeError: CUDA out of memory. Tried to allocate 2 GiB 이거 뭐예요?") == "ko"
    assert detect_lang("1e-4?") == "en"
    assert normalize_lang("ko", "English text") == "ko"
    assert normalize_lang(None, "캡션") == "ko"


def test_tokenizer_korean_lemmas_and_snake_case():
    tokens = tokenize("캡션이 train_batch_size images")
    assert "캡션" in tokens and "션이" not in tokens  # kiwipiepy: the noun without its particle
    assert {"train_batch_size", "batch", "image"} <= set(tokens)
    # Inflected verbs meet at their dictionary form.
    assert "줄이다" in tokenize("배치를 줄여야 하나요") and "줄이다" in tokenize("배치를 줄이고")
    # Question endings do not match everything.
    assert "나요" not in tokenize("어떻게 해야 하나요")


def test_bm25_prefers_the_document_about_the_query():
    index = Index([("a", "learning rate 1e-4 warmup"), ("b", "batch size vram"), ("c", "캡션 트리거 단어")])
    assert index.search("what learning rate")[0].doc_id == "a"
    assert index.search("트리거는 뭐예요")[0].doc_id == "c"
    assert index.search("zzz unknown words") == []


def test_guide_has_both_languages_for_every_section():
    passages = load_guide()
    assert len(passages) >= 12
    for p in passages:
        assert p.texts.get("en") and p.texts.get("ko"), p.id


def _slug(heading: str) -> str:
    """A Markdown heading's anchor as GitHub writes it."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_rule_sources_point_at_guide_sections():
    """`guide:ID` is a section of advisor/guide.md; loracord's own rules (part loracord) cite the project's docs or
    code instead, `guide:docs/FILE.md#anchor` or `guide:PATH`, which must exist."""
    from advisor.engine import load_rulebook

    root = Path(__file__).resolve().parents[2]
    sections = {p.id for p in load_guide()}
    for rule in load_rulebook().rules:
        kind, _, ref = rule.source.partition(":")
        if kind != "guide" or ref in sections:
            continue
        path, _, anchor = ref.partition("#")
        assert (root / path).is_file(), f"{rule.id} cites missing guide section {ref}"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", (root / path).read_text(encoding="utf-8"), re.MULTILINE)
            assert anchor in {_slug(h) for h in headings}, f"{rule.id} cites a missing heading: {ref}"


def test_index_finds_rules_in_both_languages():
    index = AdvisorIndex()
    assert index.rules("caption extension mismatch, captions ignored")[0].ref == "captions.extension_mismatch"
    assert index.rules("캡션 확장자가 달라서 캡션이 무시돼요")[0].ref == "captions.extension_mismatch"
    assert index.passages_for("정규화 이미지")[0].ref == "regularization"


def test_extract_claims():
    claims = extract_claims(
        "Use batch 2, learning_rate = 1e-4 with fp16; run `loracord prep DIR` --trigger x"
    )
    assert {2.0, 1e-4} <= claims.numbers
    assert {"learning_rate", "fp16", "--trigger", "loracord prep"} <= claims.words


FACTS = "Halve train_batch_size and double gradient_accumulation_steps. Batch 1, 2 or 4 by VRAM."


def test_checker_accepts_a_faithful_reply():
    reply = "Your GPU is out of memory: halve train_batch_size and double gradient_accumulation_steps."
    assert check_reply(reply, FACTS, FACTS, "en").ok


def test_checker_rejects_invented_numbers_names_and_commands():
    assert "numbers" in check_reply("Set train_batch_size to 3 and retry.", FACTS, FACTS, "en").reason
    assert "names" in check_reply("Set train_batchsize lower and use fp16.", FACTS, FACTS, "en").reason
    assert not check_reply("Run pip install xformers and halve train_batch_size.", FACTS, FACTS, "en").ok
    assert not check_reply("Halve train_batch_size with --lowvram flag enabled.", FACTS, FACTS, "en").ok


def test_checker_rejects_replies_that_drop_the_facts_or_the_language():
    assert "leaves out" in check_reply("Try a few things and it should work fine.", FACTS, FACTS, "en").reason
    assert (
        "not written in ko"
        in check_reply("Halve train_batch_size please, friend.", FACTS, FACTS, "ko").reason
    )
    korean = (
        "메모리가 부족하면 train_batch_size를 절반으로 줄이고 gradient_accumulation_steps를 두 배로 하세요."
    )
    assert check_reply(korean, FACTS, FACTS, "ko").ok
    # A name glued to a Korean particle is still checked.
    invented = korean.replace("하세요.", "하고 fp32를 쓰세요.")
    assert "fp32" in check_reply(invented, FACTS, FACTS, "ko").reason


def test_smalltalk_checker():
    assert check_smalltalk("Hi! Ask me anything about LoRA training.", "en").ok
    assert not check_smalltalk("Hi! I can help with data analysis.", "en").ok
    assert not check_smalltalk("Hi! Use rank 32 for LoRA training.", "en").ok
    assert check_smalltalk("안녕하세요! LoRA 학습에 대해 물어보세요.", "ko").ok


def test_guide_file_is_shipped_with_the_package():
    assert (Path(__file__).resolve().parents[2] / "advisor" / "guide.md").is_file()


def test_checker_catches_a_known_number_used_for_something_else():
    facts = "Use 1000 steps for about 20 images and up to 5000 for about 100. Each image is seen about 80-100 times."
    wrong = check_reply("You should use 100 training steps to train the model.", facts, facts, "en")
    assert not wrong.ok and "100" in wrong.reason
    assert check_reply(
        "Train 1000 steps for 20 images and up to 5000 steps for 100 images.", facts, facts, "en"
    ).ok
