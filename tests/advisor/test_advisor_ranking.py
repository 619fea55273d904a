"""The ranker that picks which of a question's candidate rules the answer shows (advisor/ranking.py)."""

from __future__ import annotations

import math

import pytest

from advisor.answer import Advisor
from advisor.llm import AdvisorOptions
from advisor.ranking import FEATURES, Candidate, Ranker, Relevance, candidate_features, load_ranker
from bench import bench_advisor_rank as bench


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor(AdvisorOptions(llm_enabled=False))


def _values(origins: list[str], scores: list[float]) -> list[dict[str, float]]:
    """Feature rows whose learned score is `scores` under a ranker weighing only 'bm25_ratio'."""
    rows = []
    for i, (origin, score) in enumerate(zip(origins, scores, strict=True)):
        row = dict.fromkeys(FEATURES, 0.0)
        row.update({f"from_{origin}": 1.0, "bm25_ratio": score, "log_position": math.log1p(i)})
        rows.append(row)
    return rows


RELEVANCE_ONLY = Ranker({"bm25_ratio": 1.0}, keep_first=1, position_prior=0.0, search_slot=4)


def test_the_first_rule_keeps_its_place_and_the_rest_follow_relevance():
    order = RELEVANCE_ONLY.order_values(_values(["spec", "spec", "broad", "spec"], [0.1, 0.2, 0.9, 0.5]))
    assert order == [0, 2, 3, 1]


def test_a_quoted_failures_rules_stay_first_in_the_diagnosis_order():
    order = RELEVANCE_ONLY.order_values(_values(["fail", "fail", "fail", "spec"], [0.1, 0.2, 0.3, 0.9]))
    assert order[:3] == [0, 1, 2]


def test_a_search_only_hit_takes_the_fourth_place_at_most():
    # BM25's hits score highest, yet the three places before the fourth stay with chosen rules,
    # and only one search hit enters the four shown.
    values = _values(["spec", "spec", "gen", "gen", "bm25", "bm25"], [0.5, 0.4, 0.3, 0.2, 0.95, 0.9])
    order = RELEVANCE_ONLY.order_values(values)
    assert order[:4] == [0, 1, 2, 4]
    assert order[4:] == [3, 5]


def test_a_search_hit_below_the_next_chosen_rule_stays_behind_it():
    values = _values(["spec", "spec", "gen", "gen", "bm25"], [0.5, 0.4, 0.3, 0.6, 0.2])
    assert RELEVANCE_ONLY.order_values(values)[:4] == [0, 3, 1, 2]


def test_the_position_prior_keeps_the_planners_order_unless_relevance_is_clearly_higher():
    close = _values(["spec", "spec", "spec"], [0.5, 0.40, 0.45])
    far = _values(["spec", "spec", "spec"], [0.5, 0.40, 0.95])
    strict = Ranker({"bm25_ratio": 1.0}, keep_first=1, position_prior=1.0)
    assert strict.order_values(close) == [0, 1, 2]  # +0.05 relevance does not pass log(3) - log(2)
    assert strict.order_values(far) == [0, 2, 1]


def test_the_first_rule_gives_way_only_to_a_rule_that_out_scores_it_by_the_margin():
    free = Ranker({"bm25_ratio": 1.0}, keep_first=0, first_margin=0.3, position_prior=0.0)
    close = _values(["spec", "spec", "broad"], [0.5, 0.4, 0.7])
    far = _values(["spec", "spec", "broad"], [0.5, 0.4, 0.9])
    assert free.order_values(close) == [0, 2, 1]  # +0.2 is within the margin: the first stays
    assert free.order_values(far) == [2, 0, 1]
    # a search-only hit never takes the first place, however high it scores
    assert free.order_values(_values(["spec", "spec", "bm25"], [0.5, 0.4, 2.0]))[0] == 0


def test_a_lead_rule_keeps_the_first_place_and_a_quoted_failure_stays_first():
    free = Ranker({"bm25_ratio": 1.0}, keep_first=0, keep_first_when=("lead",), position_prior=0.0)
    values = _values(["spec", "spec", "broad"], [0.1, 0.4, 0.9])
    assert free.order_values(values) == [2, 1, 0]
    values[0]["lead"] = 1.0
    assert free.order_values(values) == [0, 2, 1]
    failed = _values(["fail", "fail", "spec"], [0.1, 0.2, 0.9])
    assert free.order_values(failed)[:2] == [0, 1]


def test_only_a_topics_own_first_rule_takes_the_first_place():
    # Person judges preferred the rule a specific intent lists first when it out-scores the planner's first
    # (docs/advisor.md, "The first place"); a broad topic's rule or a later rule of an intent may follow it
    # but never lead, however high it scores.
    ranker = Ranker({"bm25_ratio": 1.0}, keep_first=0, takes_first_when=("spec_first",), position_prior=0.0)
    values = _values(["spec", "broad", "spec", "spec"], [0.2, 0.9, 0.5, 0.7])
    assert ranker.order_values(values) == [0, 1, 3, 2]  # no rival has the flag: the planner's first stays
    values[2]["spec_first"] = 1.0
    assert ranker.order_values(values) == [2, 1, 3, 0]  # the flagged rival leads, the rest by score
    values[0]["lead"] = 1.0
    leads = Ranker(
        {"bm25_ratio": 1.0},
        keep_first=0,
        keep_first_when=("lead",),
        lead_margin=0.5,
        takes_first_when=("spec_first",),
        position_prior=0.0,
    )
    assert leads.order_values(values)[0] == 0  # a lead gives way only to a rival ahead by more than 0.5
    values[2]["bm25_ratio"] = 0.8
    assert leads.order_values(values)[0] == 2


def test_candidate_features_flag_a_specific_intents_first_rule():
    candidates = [
        Candidate("a", "spec", intent_rank=1, depth=0),
        Candidate("b", "spec", depth=1),
        Candidate("c", "broad", depth=0),
    ]
    rows = candidate_features(candidates, {}, query_terms=3)
    assert [row["spec_first"] for row in rows] == [1.0, 0.0, 0.0]


def test_the_ranker_file_carries_the_first_place_settings(tmp_path):
    path = tmp_path / "ranker.toml"
    ranker = Ranker(
        {"bm25_ratio": 1.0},
        keep_first=0,
        keep_first_when=("lead",),
        first_margin=0.25,
        takes_first_when=("spec_first",),
    )
    bench.write_ranker(dict(ranker.weights), {0}, path, ranker)
    loaded = load_ranker.__wrapped__(path)
    assert loaded is not None
    assert (loaded.keep_first, loaded.keep_first_when, loaded.first_margin) == (0, ("lead",), 0.25)
    # a lead that always keeps its place is written as TOML's inf and read back as it
    assert (loaded.lead_margin, loaded.takes_first_when) == (math.inf, ("spec_first",))


def test_order_over_candidates_uses_their_relevance():
    candidates = [Candidate("a", "spec"), Candidate("b", "spec", depth=1), Candidate("c", "broad")]
    relevance = {"a": Relevance(2, 1.0, 1), "b": Relevance(1, 2.0, 2), "c": Relevance(0, 8.0, 4)}
    assert RELEVANCE_ONLY.order(candidates, relevance, query_terms=5) == [0, 2, 1]


def test_unknown_feature_in_the_ranker_file_names_it(tmp_path):
    path = tmp_path / "ranker.toml"
    path.write_text("keep_first = 1\n[weights]\nbm25_ratio = 1.0\nshoe_size = 2.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="shoe_size"):
        load_ranker.__wrapped__(path)


def test_without_a_ranker_file_the_planners_order_is_used(tmp_path):
    assert load_ranker.__wrapped__(tmp_path / "absent.toml") is None


def test_fit_learns_what_carries_facts_and_the_file_round_trips(tmp_path):
    # Synthetic items: the candidate with the higher bm25_ratio is the one that carries the fact.
    items = []
    for n in range(40):
        values = _values(["spec", "spec", "spec", "spec", "spec"], [0.1, 0.2, 0.3, 0.2, 0.9])
        covers = [frozenset(), frozenset(), frozenset(), frozenset(), frozenset({0})]
        items.append(bench.Item(f"q{n}", "en", n % 3, 1, values, covers))
    weights = bench.fit(items, {0, 1, 2})
    assert weights["bm25_ratio"] > 0 and all(math.isfinite(v) for v in weights.values())
    ranker = Ranker(weights, keep_first=1, position_prior=0.0)
    assert bench.score(items, {0, 1, 2}, ranker)["en"] == [40, 40]
    assert bench.score(items, {0, 1, 2}, None)["en"] == [0, 40]  # the fact is fifth: not shown
    path = tmp_path / "ranker.toml"
    bench.write_ranker(weights, {0, 1, 2}, path, ranker)
    loaded = load_ranker.__wrapped__(path)
    assert loaded is not None and loaded.weights == pytest.approx(weights)


def test_the_shipped_ranker_loads_and_shows_a_buried_specific_rule(advisor):
    # In the planner's order this answer showed the Colab trainer's output folders and the LoRA format
    # converter; the rule that answers it (fast-DreamBooth names the instance from the file names) was seventh.
    assert load_ranker() is not None
    answer = advisor.ask(
        "With the Dreambooth notebook the class_prompt seems unused and instance_prompt is empty; "
        "where does the identifier come from?"
    )
    assert "trainers.thelastben_instance_names" in answer.rule_ids
    assert "lora.convert_format" not in answer.rule_ids


def test_a_generating_ui_rule_is_not_a_search_hit_for_a_question_that_never_names_the_ui(advisor):
    answer = advisor.ask("트리거를 넣어도 캐릭터가 하나도 안 닮았어요. 학습이 안 된 것 같아요")
    assert not any(r.startswith(("comfy.", "webui.")) for r in answer.rule_ids)
    assert "underfit.too_few_views" in answer.rule_ids


def test_the_harmless_warnings_rule_answers_only_a_question_that_quotes_a_warning(advisor):
    # Its text shares "training", "images", "samples" with most questions: it was shown third for overfitting.
    overfit = advisor.ask("My LoRA samples look exactly like my training images, what should I change?")
    assert (
        "trouble.harmless_warnings" not in overfit.rule_ids and "overfit.too_many_views" in overfit.rule_ids
    )
    warned = advisor.ask(
        "Training prints 'UserWarning: None of the inputs have requires_grad=True. Gradients will be None'. "
        "Is my LoRA learning anything?"
    )
    assert "trouble.harmless_warnings" in warned.rule_ids


def _first_values(origins: list[str], depths: list[int], leads: list[float]) -> list[dict[str, float]]:
    """Rows whose first-place score under FIRST_ONLY is `leads` (its only feature), relevance 0."""
    rows = _values(origins, [0.0] * len(origins))
    for row, depth, lead in zip(rows, depths, leads, strict=True):
        row.update({"depth": float(depth), "bm25_coverage": lead})
    return rows


FIRST_ONLY = Ranker(
    {"bm25_ratio": 1.0},
    keep_first=0,
    keep_first_when=("lead",),
    position_prior=0.0,
    first_weights={"bm25_coverage": 1.0},
)


def test_the_first_place_model_leads_with_its_best_candidate_among_those_that_may_lead():
    values = _first_values(
        ["spec", "spec", "broad", "bm25", "fact"], [0, 1, 0, 0, 0], [0.1, 0.9, 0.5, 0.99, 0.3]
    )
    # a later rule of an intent (1) and a search hit (3) never lead, whatever they score: the broad topic's
    # first rule does, the planner's first follows with the others
    assert FIRST_ONLY.may_lead(values) == [0, 2, 4]
    assert FIRST_ONLY.order_values(values)[0] == 2
    values[4]["bm25_coverage"] = 0.6
    assert FIRST_ONLY.order_values(values)[0] == 4  # a rule the stated facts make hold may lead too
    values[0]["lead"] = 1.0  # a tool or model named outright keeps its rule first
    assert FIRST_ONLY.may_lead(values) == [0] and FIRST_ONLY.order_values(values)[0] == 0
    failed = _first_values(["fail", "fail", "spec"], [0, 0, 0], [0.0, 0.0, 0.9])
    assert FIRST_ONLY.order_values(failed)[:2] == [0, 1]  # a quoted failure's fix stays first


def test_fit_first_learns_which_candidate_should_lead_and_the_file_keeps_both_models(tmp_path):
    # Synthetic questions: the candidate with the higher coverage carries every fact, wherever it stands.
    items = []
    for n in range(30):
        where = n % 3
        coverage = [0.2, 0.2, 0.2]
        coverage[where] = 0.8
        values = _first_values(["spec", "broad", "gen"], [0, 0, 0], coverage)
        covers = [frozenset({0}) if i == where else frozenset() for i in range(3)]
        items.append(bench.Item(f"q{n}", "en", n % 2, 1, values, covers))
    planner = sum(bench.first_right(item, [0, 1, 2]) for item in items)
    shipped = Ranker({"bm25_ratio": 1.0}, keep_first=0, position_prior=0.0)
    first = bench.fit_first(items, {0, 1}, shipped)
    assert first["bm25_coverage"] > 0 and all(math.isfinite(v) for v in first.values())
    fitted = Ranker({"bm25_ratio": 1.0}, keep_first=0, position_prior=0.0, first_weights=first)
    assert (
        planner == 10
        and sum(bench.first_right(item, fitted.order_values(item.values)) for item in items) == 30
    )
    path = tmp_path / "ranker.toml"
    bench.write_ranker({"bm25_ratio": 1.0}, {0}, path, fitted, header=["# kept header"])
    loaded = load_ranker.__wrapped__(path)
    assert loaded is not None and loaded.first_weights == pytest.approx(first)
    assert path.read_text(encoding="utf-8").startswith("# kept header\n")
    path.write_text(path.read_text(encoding="utf-8") + "shoe_size = 1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[first_weights\].*shoe_size"):
        load_ranker.__wrapped__(path)
