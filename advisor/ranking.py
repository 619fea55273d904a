"""Ordering the rules chosen for a question: which four of them the answer shows.

The planner (advisor/planner.py) gathers candidates from several places — the failure a question quotes,
the intents it matches (specific topics first), the rules its stated facts make hold, general advice,
BM25's best rules — and used to show the first four in that order. With ~600 rules a question often matches
several topic intents and the rule that holds the asked fact came fifth (docs/advisor.md, "Ranking").

Here each candidate gets a score from what is known about it: where it came from and how early (intent
rank, depth in its intent, how long the intent's matched words are), and how relevant its text is to the
question by BM25 (score relative to the best rule, rank among all rules and among the candidates, distinct
question words it shares, the share of the question's words it has). The weights are a logistic model
fitted on the question bank's tune and retired rounds (`python -m bench advisor_rank --fit` writes
advisor/ranker.toml; the held-out round is never used). The first place has its own model (`first_weights`,
`bench advisor_rank --fit-first`): a softmax over the candidates that may lead — the planner's first, every rule
that opens its intent, the rules the stated facts make hold; never a later rule of an intent nor a search hit,
and none when the planner's first is a rule of an intent marked `first` (a tool, model or message named
outright) — fitted on the read sets to lead with a rule that carries every fact. Two person judges preferred
the first rule it picks 74 to 26 on 100 answers it changes (docs/advisor.md, "A model of the first place"). Without it the
options decide: the planner's first keeps its place when it is a rule of an intent marked `first`
(`keep_first_when = ["lead"]`, unless a rival is ahead by more than `lead_margin`) or when no rival out-scores
it by more than `first_margin`; a rival may take it only when it is the first rule of a specific intent
(`takes_first_when = ["spec_first"]`). The others follow by score minus a prior
for the planner's order (`position_prior`), ties kept in the planner's order. BM25's own hits (rules no intent,
fact or failure chose) may take one place at most, the fourth: promoted freely, their loose matches
displaced the rules that answer a general question ("how can I improve my LoRA?") or name its symptom.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

RANKER_PATH = Path(__file__).resolve().parent / "ranker.toml"
ORIGINS = ("fail", "spec", "broad", "fact", "gen", "bm25")
FEATURES = (
    "log_position",
    "intent_rank",
    "depth",
    "first_of_intent",
    "log_span",
    "intents",
    "bm25_ratio",
    "log_bm25_rank",
    "bm25_matched",
    "log_bm25_rank_in_candidates",
    "bm25_coverage",
    *(f"from_{o}" for o in ORIGINS),
    *(f"bm25_coverage_from_{o}" for o in ORIGINS),
    *(f"bm25_ratio_from_{o}" for o in ORIGINS),
)
# The first-place model (Ranker.first_weights) also weighs the two flags the first-place options read.
FIRST_FEATURES = (*FEATURES, "lead", "spec_first")


@dataclass
class Candidate:
    """One rule the planner may show, and where it came from."""

    rule_id: str
    # fail: a quoted failure; spec / broad: a topic file's intent / intents.toml's broad topic;
    # fact: a rule the stated facts make hold; gen: general advice; bm25: BM25's fill.
    origin: str
    intent_rank: int = -1  # the intent's place among the matched intents of its kind
    depth: int = 0  # the rule's place in its intent's list
    span: int = 0  # characters of the question the intent's longest pattern matched
    intents: int = 0  # how many matched intents list the rule
    lead: bool = False  # listed by an intent marked `first` (a tool, model or message named outright)


@dataclass(frozen=True)
class Relevance:
    """BM25 of one rule for the question: its rank among all rules, score and shared words."""

    rank: int
    score: float
    matched: int


NO_RELEVANCE = Relevance(rank=9999, score=0.0, matched=0)


def features(
    candidate: Candidate,
    position: int,
    relevance: Relevance,
    best_score: float,
    rank_in_candidates: int,
    query_terms: int,
) -> dict[str, float]:
    origin = candidate.origin
    ratio = relevance.score / best_score if best_score > 0 else 0.0
    coverage = relevance.matched / query_terms if query_terms else 0.0
    values = {
        "log_position": math.log1p(position),
        "intent_rank": float(max(candidate.intent_rank, 0)),
        "depth": float(candidate.depth),
        "first_of_intent": float(candidate.depth == 0 and origin in ("spec", "broad", "gen")),
        "log_span": math.log1p(candidate.span),
        "intents": float(candidate.intents),
        "bm25_ratio": ratio,
        "log_bm25_rank": math.log1p(relevance.rank),
        "bm25_matched": relevance.matched / 10,
        "log_bm25_rank_in_candidates": math.log1p(rank_in_candidates),
        "bm25_coverage": coverage,
        # not weighted: which candidates may keep the first place (Ranker.keep_first_when)
        "lead": float(candidate.lead),
        # the first rule of a specific intent: one topic's own answer
        "spec_first": float(candidate.depth == 0 and origin == "spec"),
    }
    for o in ORIGINS:
        values[f"from_{o}"] = float(origin == o)
        values[f"bm25_ratio_from_{o}"] = ratio * (origin == o)
        values[f"bm25_coverage_from_{o}"] = coverage * (origin == o)
    return values


def candidate_features(
    candidates: Sequence[Candidate],
    relevance: Mapping[str, Relevance],
    query_terms: int,
) -> list[dict[str, float]]:
    """The features of each candidate, in the planner's order."""
    rel = [relevance.get(c.rule_id, NO_RELEVANCE) for c in candidates]
    best = max((r.score for r in relevance.values()), default=0.0)
    by_score = sorted(range(len(candidates)), key=lambda i: (-rel[i].score, i))
    rank_in = {i: n for n, i in enumerate(by_score)}
    return [features(c, i, rel[i], best, rank_in[i], query_terms) for i, c in enumerate(candidates)]


@dataclass(frozen=True)
class Ranker:
    weights: Mapping[str, float]
    keep_first: int = 1
    # With keep_first = 0, the first candidate still keeps its place when it has one of these flags (e.g.
    # "lead": a rule of an intent marked `first`, a tool, model or message named outright) ...
    keep_first_when: tuple[str, ...] = ()
    # ... or when no other chosen rule out-scores it by more than this margin (the weights were fitted for
    # "carries a needed fact", places 2-4; the margin, chosen on the read sets, is the top-1 objective).
    first_margin: float = 0.0
    # A flagged first candidate (keep_first_when) needs a rival ahead by more than this (inf: it always stays).
    lead_margin: float = math.inf
    # Only a candidate with one of these flags may take the first place from the planner's first (empty: any).
    takes_first_when: tuple[str, ...] = ()
    # How strongly the planner's own order holds: a candidate must out-score an earlier one by this much
    # per unit of log-position to pass it (chosen by leave-one-round-out, docs/advisor.md "Ranking").
    position_prior: float = 0.0
    # A model of the first place alone (empty: the rules above): the candidate that scores highest leads.
    first_weights: Mapping[str, float] = field(default_factory=dict)

    def score(self, values: Mapping[str, float]) -> float:
        learned = sum(w * values.get(name, 0.0) for name, w in self.weights.items())
        return learned - self.position_prior * values.get("log_position", 0.0)

    def may_lead(self, values: Sequence[Mapping[str, float]]) -> list[int]:
        """The candidates the first-place model chooses among: the planner's first, alone when it has a
        keep_first_when flag (a tool, model or message named outright); else also every rule that opens its
        intent or that the stated facts make hold (with takes_first_when: only those with such a flag) — a
        later rule of an intent follows its intent's first, as the intent's author ordered them; BM25's own
        hits never lead."""
        if any(values[0].get(k) for k in self.keep_first_when) and math.isinf(self.lead_margin):
            return [0]
        return [0] + [
            i
            for i in range(1, len(values))
            if not values[i].get("from_bm25")
            and not values[i].get("depth")
            and (not self.takes_first_when or any(values[i].get(k) for k in self.takes_first_when))
        ]

    def first_score(self, values: Mapping[str, float]) -> float:
        return sum(w * values.get(name, 0.0) for name, w in self.first_weights.items())

    # BM25's own hits (not chosen by any intent, fact or failure) may take at most one place, this one
    # (1-based) or later: three rules from understanding the question, the fourth may come from search.
    search_slot: int = 4

    def order(
        self,
        candidates: Sequence[Candidate],
        relevance: Mapping[str, Relevance],
        query_terms: int,
    ) -> list[int]:
        """Indexes of the candidates in the order the answer shows them."""
        return self.order_values(candidate_features(candidates, relevance, query_terms))

    def order_values(self, values: Sequence[Mapping[str, float]]) -> list[int]:
        n = len(values)
        # The rules of a quoted failure stay first, in the diagnosis's order: they are one coherent fix.
        failure = next((i for i, v in enumerate(values) if not v.get("from_fail")), n)
        scores = [self.score(v) for v in values]
        first = self.keep_first
        leader = None  # a rival that took the first place (takes_first_when)
        if self.first_weights and not first and n and failure == 0:
            eligible = self.may_lead(values)
            leader = max(eligible, key=lambda i: (self.first_score(values[i]), -i))
        elif not first and n and failure == 0:
            flagged = any(values[0].get(k) for k in self.keep_first_when)
            margin = self.lead_margin if flagged else self.first_margin
            # who may take the first place: with takes_first_when, only a candidate with one of those flags
            rivals = [
                i
                for i in range(1, n)
                if not values[i].get("from_bm25")
                and (not self.takes_first_when or any(values[i].get(k) for k in self.takes_first_when))
            ]
            best = max(rivals, key=lambda i: (scores[i], -i), default=None)
            if best is None or scores[best] - scores[0] <= margin:
                first = 1
            elif self.takes_first_when:
                leader = best
        keep = [leader] if leader is not None else list(range(max(min(first, n), failure)))

        def by_score(indexes: list[int]) -> list[int]:
            return sorted(indexes, key=lambda i: (-scores[i], i))

        rest_of = [i for i in range(n) if i not in keep]
        planned = keep + by_score([i for i in rest_of if not values[i].get("from_bm25")])
        searched = by_score([i for i in rest_of if values[i].get("from_bm25")])
        head, rest = planned[: self.search_slot - 1], planned[self.search_slot - 1 :]
        if searched and (not rest or scores[searched[0]] > scores[rest[0]]):
            return head + searched[:1] + rest + searched[1:]
        return head + rest + searched


@cache
def load_ranker(path: Path = RANKER_PATH) -> Ranker | None:
    """The fitted ranker, or None (the planner's order) when the file is absent."""
    if not path.exists():
        return None
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    weights = {str(k): float(v) for k, v in raw["weights"].items()}
    first_weights = {str(k): float(v) for k, v in raw.get("first_weights", {}).items()}
    for table, names, known in (
        ("weights", weights, FEATURES),
        ("first_weights", first_weights, FIRST_FEATURES),
    ):
        unknown = sorted(set(names) - set(known))
        if unknown:
            raise ValueError(f"{path.name} [{table}]: unknown features {unknown}; known: {', '.join(known)}")
    return Ranker(
        weights=weights,
        keep_first=int(raw.get("keep_first", 1)),
        keep_first_when=tuple(str(k) for k in raw.get("keep_first_when", ())),
        first_margin=float(raw.get("first_margin", 0.0)),
        lead_margin=float(raw.get("lead_margin", math.inf)),
        takes_first_when=tuple(str(k) for k in raw.get("takes_first_when", ())),
        position_prior=float(raw.get("position_prior", 0.0)),
        search_slot=int(raw.get("search_slot", 4)),
        first_weights=first_weights,
    )
