"""The advisor index's token cache: the same answers with and without it, rebuilt when damaged or when a
rule changes, and never in the way when its folder cannot be written."""

from __future__ import annotations

import json

from advisor.index_cache import tokenized
from advisor.retrieval import AdvisorIndex, tokenize

QUESTION = "SDXL 로라 학습률 얼마로 해야 해요? learning rate for a character"


def _ranking(index: AdvisorIndex) -> list[tuple[str, float]]:
    return [(h.ref, round(h.score, 9)) for h in index.rules(QUESTION, k=10, min_ratio=0.0)]


def test_cached_index_ranks_exactly_like_a_fresh_one(tmp_path, monkeypatch):
    monkeypatch.setenv("LORACORD_CACHE_DIR", "")
    fresh = _ranking(AdvisorIndex())
    monkeypatch.setenv("LORACORD_CACHE_DIR", str(tmp_path))
    first = _ranking(AdvisorIndex())  # builds and writes the cache
    files = list(tmp_path.glob("advisor-index-*.json"))
    assert len(files) == 1
    second = _ranking(AdvisorIndex())  # reads it
    assert fresh == first == second
    assert fresh, "the question finds rules"


def test_a_damaged_cache_is_rebuilt_and_a_changed_text_gets_its_own_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LORACORD_CACHE_DIR", str(tmp_path))
    texts = ["캡션을 줄여야 해요", "learning rate warmup"]
    expected = [tokenize(t) for t in texts]
    assert tokenized(texts, tokenize) == expected
    (path,) = tmp_path.glob("advisor-index-*.json")
    path.write_text('[["half a list"', encoding="utf-8")
    assert tokenized(texts, tokenize) == expected
    assert json.loads(path.read_text(encoding="utf-8")) == expected
    changed = [*texts[:1], "learning rate cosine"]
    assert tokenized(changed, tokenize) == [tokenize(t) for t in changed]
    (new_path,) = tmp_path.glob("advisor-index-*.json")  # the old rulebook's file is gone
    assert new_path != path


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("LORACORD_CACHE_DIR", str(blocker / "loracord"))
    assert tokenized(["캡션 트리거"], tokenize) == [tokenize("캡션 트리거")]
