"""Fit and check the advisor's ranker (advisor/ranking.py): `python -m bench advisor_rank [--fit]`.

For every question of the bank's tune and retired rounds (never the held-out round) it gathers the
candidate rules the planner would choose from (advisor.planner.gather), their features, and which of the
question's `must` facts each candidate's text carries (facts the computed lines already state do not
count). An answer shows four rules; it is right, here, when those four carry every remaining fact.

It prints, for each round held out in turn (fitted on the others): right answers with the planner's own
order and with the ranker (its first place by the options, shipped values by default), per language — leave-one-round-out, the
honest estimate of what the ranker does on questions it was not fitted on. `--fit` fits on every tune and
retired round and writes advisor/ranker.toml. The real bank score (every answer judged by bank.judge) is
`python -m bench.bench_advisor_bank`.

The first place has its own model (`Ranker.first_weights`): a softmax over the candidates that may lead,
fitted to put first a rule whose text carries every remaining fact. It learns from the read sets (the tune
and retired rounds, everyday sets 1-16 and the tune half of the paraphrases, never a held-out or blind
item); the table printed for it holds out each round or set in turn. `--fit-first` fits it on all of them
and writes it into advisor/ranker.toml beside the shipped weights.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MAX_SHOWN = 4


@dataclass
class Item:
    qid: str
    lang: str
    round: int  # 0 for rounds 1-2 (not recorded per item)
    need: int  # facts the rules must carry
    values: list[dict[str, float]]  # features of each candidate, planner's order
    covers: list[frozenset[int]]  # which needed facts each candidate carries


# Groups of the read sets beyond the bank's rounds (the first-place model's data): everyday set N is
# EVERYDAY + N, the tune paraphrases PARAPHRASES.
EVERYDAY, PARAPHRASES = 100, 200


def collect(extra: bool = False) -> list[Item]:
    """The bank's tune and retired rounds; with `extra`, everyday sets 1-16 and the tune paraphrases too."""
    from advisor.answer import Advisor
    from tests.advisor import bank

    advisor = Advisor()
    grouped = [(q, q.round or 0) for q in bank.questions() if q.split != "held_out"]
    if extra:
        for n in bank.EVERYDAY_PATHS:
            grouped += [(q, EVERYDAY + n) for q in bank.everyday(n)]
        grouped += [(p.question, PARAPHRASES) for p in bank.paraphrases("tune")]
    return [_item(advisor, q, group) for q, group in grouped]


def _item(advisor, q, group: int) -> Item:
    from advisor.planner import gather
    from advisor.ranking import candidate_features
    from tests.advisor import bank

    got = gather(q.text, q.lang, advisor.rulebook, advisor.index)
    notes = "\n".join(got.choice.notes)
    patterns = [bank._pattern(f) for f in q.must]
    need = [p for p in patterns if not re.search(p, notes, re.I | re.S)]
    covers = []
    for rule in got.rules:
        text = rule.render(q.lang)
        covers.append(frozenset(i for i, p in enumerate(need) if re.search(p, text, re.I | re.S)))
    values = candidate_features([got.candidates[r.id] for r in got.rules], got.relevance, got.query_terms)
    return Item(q.id, q.lang, group, len(need), values, covers)


def right(item: Item, order: list[int]) -> bool:
    shown = frozenset().union(*(item.covers[i] for i in order[:MAX_SHOWN]))
    return len(shown) >= item.need


def score(items: list[Item], rounds: set[int], ranker=None) -> dict:
    """{lang: [right, total]} over the rounds, in the planner's order or the ranker's."""
    cells: dict[str, list[int]] = {}
    for item in items:
        if item.round not in rounds:
            continue
        order = ranker.order_values(item.values) if ranker else list(range(len(item.values)))
        cell = cells.setdefault(item.lang, [0, 0])
        cell[0] += right(item, order)
        cell[1] += 1
    return cells


def fit(items: list[Item], rounds: set[int], l2: float = 1.0, iters: int = 3000, step: float = 0.1) -> dict:
    """Logistic regression: does this candidate carry a fact the answer needs? Weights per raw feature."""
    import numpy as np

    from advisor.ranking import FEATURES

    rows, labels = [], []
    for item in items:
        if item.round in rounds and item.need:
            rows += [[v[name] for name in FEATURES] for v in item.values]
            labels += [1.0 if c else 0.0 for c in item.covers]
    x, y = np.array(rows), np.array(labels)
    mean, scale = x.mean(0), x.std(0) + 1e-9
    xn = (x - mean) / scale
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(xn @ w + b)))
        w -= step * (xn.T @ (p - y) / len(y) + l2 * w / len(y))
        b -= step * float((p - y).mean())
    # The constant of the standardization shifts every score alike: the order needs only w / scale.
    return {name: round(float(v), 6) for name, v in zip(FEATURES, w / scale, strict=True)}


def first_rows(items: list[Item], rounds: set[int], ranker) -> list[tuple[list[list[float]], list[bool]]]:
    """Per question: the features of each candidate that may lead, and whether its text carries every needed
    fact. Questions a quoted failure leads (its rules stay first), with no needed fact, or where every
    candidate or none carries the facts teach nothing about the first place and are left out."""
    from advisor.ranking import FIRST_FEATURES

    rows = []
    for item in items:
        if item.round not in rounds or not item.need or not item.values or item.values[0].get("from_fail"):
            continue
        may_lead = ranker.may_lead(item.values)
        holds = [len(item.covers[i]) >= item.need for i in may_lead]
        if any(holds) and not all(holds):
            rows.append(([[item.values[i].get(f, 0.0) for f in FIRST_FEATURES] for i in may_lead], holds))
    return rows


def fit_first(
    items: list[Item], rounds: set[int], ranker, l2: float = 1.0, iters: int = 1500, step: float = 1.0
) -> dict:
    """The first-place model: a softmax over the candidates that may lead, maximizing the probability of
    the ones that carry every needed fact (gradient descent on standardized features)."""
    import numpy as np

    from advisor.ranking import FIRST_FEATURES

    rows = first_rows(items, rounds, ranker)
    width = max(len(holds) for _, holds in rows)
    x = np.zeros((len(rows), width, len(FIRST_FEATURES)))
    real = np.zeros((len(rows), width), dtype=bool)
    good = np.zeros((len(rows), width), dtype=bool)
    for n, (features, holds) in enumerate(rows):
        x[n, : len(holds)] = features
        real[n, : len(holds)] = True
        good[n, : len(holds)] = holds
    mean, scale = x[real].mean(0), x[real].std(0) + 1e-9
    xn = np.where(real[..., None], (x - mean) / scale, 0.0)
    w = np.zeros(len(FIRST_FEATURES))
    for _ in range(iters):
        s = np.where(real, xn @ w, -np.inf)
        p = np.exp(s - s.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        q = np.where(good, p, 0.0)
        q /= q.sum(1, keepdims=True)
        w -= step * (np.einsum("nc,ncf->f", p - q, xn) / len(rows) + l2 * w / len(rows))
    return {name: round(float(v), 6) for name, v in zip(FIRST_FEATURES, w / scale, strict=True)}


def first_right(item: Item, order: list[int]) -> bool:
    return bool(order) and len(item.covers[order[0]]) >= item.need


def _group_label(group: int) -> str:
    if group == 0:
        return "1-2"
    if group == PARAPHRASES:
        return "paraphrases"
    return f"everyday {group - EVERYDAY}" if group > EVERYDAY else str(group)


def first_table(items: list[Item], make) -> dict[str, list[int]]:
    """Each round or set held out in turn: how often the first rule carries every needed fact, in the
    planner's order, the shipped ranker's and the first-place model fitted on the others."""
    groups = sorted({item.round for item in items})
    totals = {"planner": [0, 0], "shipped": [0, 0], "model": [0, 0]}
    print("| held out | questions | planner's first | shipped first | first-place model |")
    print("|---|---|---|---|---|")
    shipped = make({})
    for held in groups:
        ranker = make(fit_first(items, set(groups) - {held}, shipped))
        counted = [item for item in items if item.round == held and item.need and item.values]
        cells = {
            "planner": sum(first_right(i, list(range(len(i.values)))) for i in counted),
            "shipped": sum(first_right(i, shipped.order_values(i.values)) for i in counted),
            "model": sum(first_right(i, ranker.order_values(i.values)) for i in counted),
        }
        for name, value in cells.items():
            totals[name][0] += value
            totals[name][1] += len(counted)
        label = _group_label(held)
        print(f"| {label} | {len(counted)} | {cells['planner']} | {cells['shipped']} | {cells['model']} |")
    n = totals["planner"][1]
    print(f"| all | {n} | {totals['planner'][0]} | {totals['shipped'][0]} | {totals['model'][0]} |")
    return totals


def _cell(cells: dict, lang: str) -> str:
    r, n = cells.get(lang, (0, 0))
    return f"{r}/{n}"


def write_ranker(
    weights: dict[str, float], rounds: set[int], path: Path, ranker, header: list[str] | None = None
) -> None:
    """advisor/ranker.toml; `header`: the comment lines to keep (a first-place refit keeps the weights' own)."""
    import datetime

    lines = header or [
        "# The advisor's ranker (advisor/ranking.py): written by `python -m bench advisor_rank --fit`, do not edit.",
        f"# Fitted {datetime.date.today()} on the question bank's rounds {sorted(rounds)} (0 = rounds 1-2; the",
        "# held-out round is never used): a logistic model of 'this candidate carries a fact the answer needs'.",
    ]
    lines = [
        *lines,
        f"keep_first = {ranker.keep_first}",
        f"keep_first_when = {list(ranker.keep_first_when)!r}".replace("'", '"'),
        f"first_margin = {ranker.first_margin!r}",
        f"lead_margin = {ranker.lead_margin!r}",
        f"takes_first_when = {list(ranker.takes_first_when)!r}".replace("'", '"'),
        f"position_prior = {ranker.position_prior!r}",
        f"search_slot = {ranker.search_slot}",
        "",
        "[weights]",
        *(f"{name} = {value!r}" for name, value in weights.items()),
    ]
    if ranker.first_weights:
        lines += [
            "",
            f"# The first-place model (`--fit-first`, {datetime.date.today()}): a softmax over the candidates that may",
            "# lead, fitted on the read sets (tune and retired rounds, everyday sets 1-16, tune paraphrases) to lead",
            "# with a rule that carries every needed fact.",
            "[first_weights]",
            *(f"{name} = {value!r}" for name, value in ranker.first_weights.items()),
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench advisor_rank", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--fit", action="store_true", help="fit on every tune and retired round, write the file"
    )
    parser.add_argument(
        "--keep-first",
        type=int,
        default=None,
        help="rules that always keep the planner's place (default: shipped)",
    )
    parser.add_argument(
        "--keep-first-when",
        nargs="*",
        default=None,
        help="with --keep-first 0: flags that keep the first rule in place (default: shipped)",
    )
    parser.add_argument(
        "--first-margin",
        type=float,
        default=None,
        help="with --keep-first 0: how much another rule must out-score the first to take it (default: shipped)",
    )
    parser.add_argument(
        "--lead-margin",
        type=float,
        default=None,
        help="how much another rule must out-score a flagged first rule (keep_first_when) to take it (default: shipped)",
    )
    parser.add_argument(
        "--takes-first-when",
        nargs="*",
        default=None,
        help="flags a rule needs to take the first place from the planner's first (default: shipped)",
    )
    parser.add_argument(
        "--position-prior", type=float, default=None, help="weight of the planner's order (default: shipped)"
    )
    parser.add_argument(
        "--search-slot",
        type=int,
        default=None,
        help="the first place a BM25-only hit may take (default: shipped)",
    )
    parser.add_argument(
        "--first",
        action="store_true",
        help="check the first-place model instead (everyday sets and paraphrases included; each held out in turn)",
    )
    parser.add_argument(
        "--fit-first",
        action="store_true",
        help="fit the first-place model on every read set and write it beside the shipped weights",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="where --fit writes (default advisor/ranker.toml)"
    )
    args = parser.parse_args(argv)

    from advisor.ranking import RANKER_PATH, Ranker, load_ranker

    # Options not given take the shipped ranker's values (advisor/ranker.toml), so a refit keeps them.
    shipped = load_ranker() or Ranker({})
    settings = {
        name: getattr(shipped, name) if getattr(args, name) is None else getattr(args, name)
        for name in (
            "keep_first",
            "keep_first_when",
            "first_margin",
            "lead_margin",
            "takes_first_when",
            "position_prior",
            "search_slot",
        )
    }
    settings["keep_first_when"] = tuple(settings["keep_first_when"])
    settings["takes_first_when"] = tuple(settings["takes_first_when"])

    def make(weights: dict[str, float]) -> Ranker:
        return Ranker(weights, **settings, first_weights=dict(shipped.first_weights))

    if args.first or args.fit_first:
        read = collect(extra=True)

        def with_first(first_weights: dict[str, float]) -> Ranker:
            return Ranker(dict(shipped.weights), **settings, first_weights=first_weights)

        first_table(read, with_first)
        if args.fit_first:
            out = args.out or RANKER_PATH
            groups = {item.round for item in read}
            text = RANKER_PATH.read_text(encoding="utf-8") if RANKER_PATH.exists() else ""
            header = [line for line in text.splitlines()[:3] if line.startswith("#")] or None
            write_ranker(
                dict(shipped.weights), set(), out, with_first(fit_first(read, groups, with_first({}))), header
            )
            print(
                f"wrote {out}: the shipped weights and a first-place model fitted on {len(read)} read questions"
            )
        return 0

    items = collect()
    rounds = sorted({item.round for item in items})
    print("| round held out | planner order en | ranker en | planner order ko | ranker ko |")
    print("|---|---|---|---|---|")
    totals = {"base": {}, "ranked": {}}
    for held in rounds:
        weights = fit(items, set(rounds) - {held})
        base, ranked = (
            score(items, {held}, None),
            score(items, {held}, make(weights)),
        )
        for name, cells in (("base", base), ("ranked", ranked)):
            for lang, (r, n) in cells.items():
                acc = totals[name].setdefault(lang, [0, 0])
                acc[0] += r
                acc[1] += n
        label = "1-2" if held == 0 else str(held)
        print(
            f"| {label} | {_cell(base, 'en')} | {_cell(ranked, 'en')} | {_cell(base, 'ko')} | {_cell(ranked, 'ko')} |"
        )
    b, r = totals["base"], totals["ranked"]
    print(f"| all | {_cell(b, 'en')} | {_cell(r, 'en')} | {_cell(b, 'ko')} | {_cell(r, 'ko')} |")
    if args.fit:
        weights = fit(items, set(rounds))
        out = args.out or RANKER_PATH
        write_ranker(weights, set(rounds), out, make(weights))
        fitted = score(items, set(rounds), make(weights))
        print(f"wrote {out}; on its own training rounds: en {_cell(fitted, 'en')}, ko {_cell(fitted, 'ko')}")
        if not all(math.isfinite(v) for v in weights.values()):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
