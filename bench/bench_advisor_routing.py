"""Does the bundled LLM, constrained by a grammar to one of the retrieved rule ids, route questions better
than retrieval alone? `python -m bench.bench_advisor_routing [--split held_out] [--lang en]`.

For each question of the bank: BM25's top 6 rules are the candidates; SmolLM2 picks one with a GBNF grammar
that admits only those ids (the rules' problem lines are in the prompt). Three routers are judged the same
way — the answer is the computed lines plus that ONE rule's text, right when it carries every fact the
question needs: BM25's first rule, the LLM's pick, and the first rule of intent routing (advisor/planner.py).
This is an experiment, not a code path: it loads llama_cpp in this process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="held_out", choices=("held_out", "retired", "tune"))
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    parser.add_argument("--candidates", type=int, default=6)
    args = parser.parse_args(argv)
    from llama_cpp import Llama, LlamaGrammar

    from advisor.answer import Advisor
    from advisor.llm import AdvisorOptions, default_model_path
    from advisor.planner import choose
    from tests.advisor import bank

    advisor = Advisor(AdvisorOptions(llm_enabled=False))
    llm = Llama(
        model_path=str(default_model_path()),
        n_ctx=1024,
        n_threads=1,
        n_batch=1,
        verbose=False,
        chat_format="chatml",
    )
    result = {"questions": 0, "bm25_first": 0, "llm_pick": 0, "intent_first": 0}
    started = time.perf_counter()
    for q in bank.questions(args.split, args.lang):
        candidates = [h.ref for h in advisor.index.rules(q.text, k=args.candidates, min_ratio=0.0)]
        candidates = candidates or ["train.steps_range"]
        choice = choose(q.text, q.lang, advisor.rulebook, advisor.index)

        def answer(rule_id: str, notes: list[str] = choice.notes, lang: str = q.lang) -> str:
            return "\n".join([*notes, advisor.rulebook.get(rule_id).render(lang)])

        grammar = LlamaGrammar.from_string(
            "root ::= " + " | ".join(f'"{c}"' for c in candidates), verbose=False
        )
        listing = "\n".join(f"{c}: {advisor.rulebook.get(c).text(q.lang).problem}" for c in candidates)
        reply = llm.create_chat_completion(
            messages=[
                {"role": "system", "content": "Pick the id of the rule that answers the question."},
                {
                    "role": "user",
                    "content": f"Question: {q.text}\n\nRules:\n{listing}\n\nAnswer with one id.",
                },
            ],
            grammar=grammar,
            max_tokens=16,
            temperature=0,
        )
        pick = reply["choices"][0]["message"]["content"].strip()
        pick = pick if pick in candidates else candidates[0]
        first = choice.rules[0].id if choice.rules else candidates[0]
        result["questions"] += 1
        result["bm25_first"] += bank.judge(q, answer(candidates[0]), q.lang).right
        result["llm_pick"] += bank.judge(q, answer(pick), q.lang).right
        result["intent_first"] += bank.judge(q, answer(first), q.lang).right
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
