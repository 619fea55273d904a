"""The advisor on the question bank (tests/advisor/question_bank.toml): `python -m bench.bench_advisor_bank`.

For each split (tune, held_out) and language: how many answers carry every fact they must (and how many
already in the first bullet, or the first two: `bank.right_within`, the judge that agrees better with people), how
many push a setting both ways, and the latency of `Advisor.ask`, with the LLM off and (with `--llm`) on.
`--dump FILE` writes every answer the LLM worded (question, wording, checker verdict) for reading by
hand: a checker catches invented numbers and wrong directions, not every wrong meaning.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def evaluate(advisor, use_llm: bool, max_tokens: int, dump: list | None = None) -> dict:
    from advisor.directions import merge
    from bench.bench_advisor import percentile
    from tests.advisor import bank

    cells: dict[str, list[int]] = {}
    latencies: dict[str, list[float]] = {"en": [], "ko": []}
    sources: dict[str, int] = {}
    contradictions = 0
    for q in bank.questions():
        started = time.perf_counter()
        answer = advisor.ask(q.text, use_llm=use_llm, max_tokens=max_tokens)
        latencies[q.lang].append(time.perf_counter() - started)
        verdict = bank.judge(q, answer.text, answer.lang)
        cell = cells.setdefault(f"{q.split}/{q.lang}", [0, 0, 0, 0])
        cell[0] += verdict.right
        cell[1] += 1
        # the position-aware judge (bank.right_within) on the verdict already made
        cell[2] += verdict.right and bank.facts_within(q, answer.text, 1)
        cell[3] += verdict.right and bank.facts_within(q, answer.text, 2)
        sources[answer.source] = sources.get(answer.source, 0) + 1
        _, clashes = merge(advisor.rulebook.get(i).pushes for i in answer.rule_ids)
        contradictions += bool(clashes)
        if dump is not None and use_llm and (answer.source == "llm" or answer.fallback_reason):
            dump.append(
                {
                    "id": q.id,
                    "question": q.text,
                    "source": answer.source,
                    "fallback_reason": answer.fallback_reason,
                    "lead": answer.text.splitlines()[0] if answer.source == "llm" else None,
                    "right": verdict.right,
                }
            )
    out: dict = {f"{k}_right": f"{v[0]}/{v[1]} ({v[0] / v[1]:.1%})" for k, v in sorted(cells.items())}
    out |= {f"{k}_right_in_first_bullet": f"{v[2]}/{v[1]}" for k, v in sorted(cells.items())}
    out |= {f"{k}_right_in_first_two": f"{v[3]}/{v[1]}" for k, v in sorted(cells.items())}
    out["self_contradicting_answers"] = contradictions
    out["sources"] = sources
    for lang, values in latencies.items():
        out[f"{lang}_p50_s"] = round(statistics.median(values), 3)
        out[f"{lang}_p95_s"] = round(percentile(values, 0.95), 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", action="store_true", help="also run with the local LLM wording answers")
    parser.add_argument("--llm-languages", default="", help="e.g. en,ko (default: the model's own)")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--dump", type=Path, default=None, help="write the LLM's wordings here (JSON)")
    args = parser.parse_args(argv)
    from advisor.answer import Advisor
    from advisor.llm import AdvisorOptions

    result: dict = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
    started = time.perf_counter()
    plain = Advisor(AdvisorOptions(llm_enabled=False))
    plain.ask("warm up: 로라 학습", use_llm=False)  # loads the Korean analyzer once
    result["cold_start_s"] = round(time.perf_counter() - started, 2)
    result["llm_off"] = evaluate(plain, False, args.max_tokens)
    dump: list = []
    if args.llm:
        languages = tuple(x for x in args.llm_languages.split(",") if x)
        options = AdvisorOptions(
            llm_threads=args.threads, llm_timeout_seconds=60, llm_languages=languages or None
        )
        llm_advisor = Advisor(options)
        result["llm_on"] = evaluate(llm_advisor, True, args.max_tokens, dump)
        result["llm_on"]["llm_languages"] = list(languages) or "model default"
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.dump:
        args.dump.write_text(json.dumps(dump, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
