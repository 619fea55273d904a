"""Retrieval by meaning vs by words, judged on questions no router was fitted on:
`python -m bench.bench_advisor_semantic [--round3] [--json FILE]`.

The embedding is WordLlama's (PyPI `wordllama`, MIT): a 32000 × 256 table of static token vectors
(`weights/l2_supercat_256.safetensors`, 16 MB, in the wheel) over the Llama-2 tokenizer (also in the
wheel). A text's vector is the weighted mean of its tokens' rows (SIF weights a / (a + p(token)) with p
from the rule texts; Llama-2's byte tokens, which most Hangul syllables fall back to, are left out),
normalised; similarity is the cosine. The two files are read here with safetensors and tokenizers:
`WordLlama.load()` looks for the tokenizer in a folder the wheel does not have and then downloads it.

Routers, each giving up to 3 rules that take the place of the intents' rules in the advisor's normal
answer (failure rules, the routed rules, rules that hold on the stated facts, at most 4 after the
contradiction and direction filters, the computed lines — advisor/planner.py), judged by
tests/advisor/bank.judge like bench/bench_advisor_bank.py:

- bm25: the advisor's BM25 over rule documents (advisor/retrieval.py); semantic: cosine to each rule's
  keywords + problem + recommendation in the question's language; hybrid: 0.5 × BM25 / its best +
  0.5 × the semantic z-score / 3.
- knn-*: the rules of the nearest labelled questions. Each rounds 1-2 item labels the rules whose text
  (in its language) states one of its `must` facts (weight 1 / how many rules state that fact; a rule
  matching a `must_not` pattern gets -1). A question takes the 5 nearest items of OTHER sources (both
  language versions of its own source are left out: leave-source-out), by embedding cosine, by BM25 over
  the questions, or both, and the 3 rules with the highest similarity-weighted label sum.
- intents + X: the shipped intent router, X only where no intent, failure or stated fact chose a rule
  (the shipped X is bm25), or X's rules appended after the intents' ("fill").

The computed lines use the intents' note kinds in every row (the same for all routers). On rounds 1-2 the
rule texts and keywords were written for these very questions, so every rule-document router (bm25,
semantic, hybrid) and the intents are optimistic there; only the knn rows are leave-source-out honest.
`--round3` scores the held-out round 3 instead (a second opinion: never tune on it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from importlib.util import find_spec
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
SIF_A = 1e-3
NEIGHBOURS = 5
ROUTED = 3
_BYTE_TOKEN = re.compile(r"^<0x[0-9A-F]{2}>$")


def model_files() -> tuple[Path, Path] | None:
    """The wheel's weights and tokenizer, found without importing wordllama (its import configures
    the root logger); None when it is not installed."""
    spec = find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    files = (root / WEIGHTS, root / TOKENIZER)
    return files if all(f.is_file() for f in files) else None


class Embedder:
    def __init__(self, files: tuple[Path, Path], corpus: list[str]) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.table = load_file(str(files[0]))["embedding.weight"].astype(np.float32)
        self.tokenizer = Tokenizer.from_file(str(files[1]))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        vocab = self.tokenizer.get_vocab()
        self.byte = np.zeros(self.table.shape[0], dtype=bool)
        self.byte[[i for tok, i in vocab.items() if _BYTE_TOKEN.match(tok) and i < len(self.byte)]] = True
        counts: Counter[int] = Counter()
        for enc in self.tokenizer.encode_batch(corpus, add_special_tokens=False):
            counts.update(enc.ids)
        freq = np.zeros(self.table.shape[0], dtype=np.float32)
        for i, c in counts.items():
            freq[i] = c / max(1, sum(counts.values()))
        self.weight = SIF_A / (SIF_A + freq)

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for row, enc in enumerate(self.tokenizer.encode_batch(texts, add_special_tokens=False)):
            ids = np.asarray(enc.ids, dtype=np.int64)
            ids = ids[(ids < len(self.byte))]
            ids = ids[~self.byte[ids]]
            if ids.size:
                vec = (self.table[ids] * self.weight[ids, None]).sum(axis=0)
                out[row] = vec / (np.linalg.norm(vec) or 1.0)
        return out


def semantic_doc(rule, lang: str) -> str:
    text = rule.text(lang)
    return f"{' '.join(rule.keywords)} {text.problem} {text.recommendation}"


class Bench:
    def __init__(self, evaluated: list, labelled: list, embedder: Embedder) -> None:
        from advisor.answer import Advisor
        from advisor.llm import AdvisorOptions
        from advisor.retrieval import Index

        self.advisor = Advisor(AdvisorOptions(llm_enabled=False))
        self.rulebook = self.advisor.rulebook
        self.rule_ids = [r.id for r in self.rulebook.rules]
        self.evaluated, self.labelled = evaluated, labelled
        self.docs = {
            lang: embedder.embed([semantic_doc(r, lang) for r in self.rulebook.rules])
            for lang in ("en", "ko")
        }
        self.vectors = embedder.embed([q.text for q in evaluated])
        labelled_vectors = embedder.embed([q.text for q in labelled])
        self.sem_sims = self.vectors @ labelled_vectors.T
        index = Index((str(i), q.text) for i, q in enumerate(labelled))
        self.bm25_sims = np.zeros_like(self.sem_sims)
        for row, q in enumerate(evaluated):
            for hit in index.search(q.text, k=len(labelled)):
                self.bm25_sims[row, int(hit.doc_id)] = hit.score
            self.bm25_sims[row] /= self.bm25_sims[row].max() or 1.0
        self.labels = [self._label(q) for q in labelled]

    def _label(self, q) -> dict[str, float]:
        from tests.advisor import bank

        texts = {r.id: r.render(q.lang, with_problem=False) for r in self.rulebook.rules}
        weights: dict[str, float] = defaultdict(float)
        for fact in q.must:
            stating = [i for i, t in texts.items() if re.search(bank._pattern(fact), t, re.I | re.S)]
            for rule_id in stating:
                weights[rule_id] += 1.0 / len(stating)
        for pattern in q.must_not:
            for rule_id, text in texts.items():
                if re.search(bank._pattern(pattern), text, re.I):
                    weights[rule_id] = -1.0
        return dict(weights)

    # --- routers: question row -> rule ids, best first ---------------------------------------------
    def bm25(self, row: int) -> dict[str, float]:
        hits = self.advisor.index.rules(self.evaluated[row].text, k=20, min_ratio=0.0)
        return {h.ref: h.score for h in hits}

    def semantic(self, row: int) -> dict[str, float]:
        sims = self.docs[self.evaluated[row].lang] @ self.vectors[row]
        return dict(zip(self.rule_ids, sims.tolist(), strict=True))

    def hybrid(self, row: int) -> dict[str, float]:
        words, meaning = self.bm25(row), self.semantic(row)
        best = max(words.values(), default=0.0) or 1.0
        values = np.array(list(meaning.values()))
        mean, spread = values.mean(), values.std() or 1.0
        return {
            r: 0.5 * words.get(r, 0.0) / best + 0.5 * max(0.0, (s - mean) / spread) / 3
            for r, s in meaning.items()
        }

    def knn(self, row: int, sims: np.ndarray) -> dict[str, float]:
        source = self.evaluated[row].source
        scores: dict[str, float] = defaultdict(float)
        taken = 0
        for j in np.argsort(-sims):
            if self.labelled[j].source == source or sims[j] <= 0:
                continue  # leave-source-out: neither language version of its own source
            for rule_id, weight in self.labels[j].items():
                scores[rule_id] += float(sims[j]) * weight
            taken += 1
            if taken == NEIGHBOURS:
                break
        return {r: s for r, s in scores.items() if s > 0}

    def routers(self) -> dict:
        return {
            "bm25": self.bm25,
            "semantic": self.semantic,
            "hybrid": self.hybrid,
            "knn-bm25": lambda row: self.knn(row, self.bm25_sims[row]),
            "knn-semantic": lambda row: self.knn(row, self.sem_sims[row]),
            "knn-both": lambda row: self.knn(row, 0.5 * self.sem_sims[row] + 0.5 * self.bm25_sims[row]),
        }

    # --- the advisor's answer with the routed rules ------------------------------------------------
    def right(self, row: int, routed: list[str], intents_mode: str) -> bool:
        """intents_mode: "none" (the routed rules instead of the intents'), "fallback" (the routed
        rules only when nothing else chose a rule) or "fill" (after the intents' rules)."""
        from advisor import planner
        from advisor.answer import _Plan
        from advisor.intents import match
        from advisor.notes import notes_for
        from advisor.question_facts import asks_about_batch, read_question
        from tests.advisor import bank

        q = self.evaluated[row]
        text = q.text.strip()
        short = planner._head_and_tail(text)
        situation = read_question(short)
        intents = match(short)
        failure_ids, diag = planner._failure_rules(text, q.lang, self.rulebook)
        use_intents = intents_mode != "none"
        ids = list(failure_ids)
        if use_intents:
            ids += planner._interleave([i.rules for i in intents if not i.general])
        if intents_mode in ("none", "fill"):
            ids += routed
        ids += [f.id for f in self.rulebook.evaluate(situation.facts()) if not f.rule.diagnosis]
        if use_intents:
            ids += planner._interleave([i.rules for i in intents if i.general])
        if intents_mode == "fallback" and not ids:
            ids = list(routed)
        kinds = [k for i in intents for k in i.notes] + (["batch"] if asks_about_batch(short) else [])
        raise_lr = not any(i.id == "overfit" for i in intents)
        computed = planner.computed_directions(kinds, situation, raise_lr)
        plan = _Plan(question=text, lang=q.lang)
        plan.rules = planner._agreeing(ids, self.rulebook, situation, computed)[: planner.MAX_RULES]
        plan.notes = notes_for(kinds, situation, q.lang, raise_lr)
        plan.diagnosis = diag if diag is not None and planner.looks_like_log(text) else None
        answer = self.advisor._without_llm(plan, None)
        return bank.judge(q, answer.text, answer.lang).right


def _top(scores: dict[str, float], bm25_floor: bool = False) -> list[str]:
    from advisor.planner import MIN_SCORE

    ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:ROUTED]
    if bm25_floor and ranked:  # the shipped fallback: BM25 >= MIN_SCORE and >= 45% of the best
        ranked = [(r, s) for r, s in ranked if s >= MIN_SCORE and s >= ranked[0][1] * 0.45]
    return [r for r, _ in ranked]


def run(bench: Bench) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    routers = bench.routers()
    plans = [("no routed rules", None, "none")]
    plans += [(name, name, "none") for name in routers]
    plans += [("intents (shipped: + bm25 fallback)", "bm25", "fallback")]
    plans += [(f"intents + {name} fallback", name, "fallback") for name in ("semantic", "hybrid", "knn-bm25")]
    plans += [(f"intents + {name} fill", name, "fill") for name in ("bm25", "hybrid", "knn-bm25")]
    for label, router, mode in plans:
        cells: dict[str, list[int]] = {"en": [0, 0], "ko": [0, 0]}
        for row, q in enumerate(bench.evaluated):
            scores = routers[router](row) if router else {}
            routed = _top(scores, bm25_floor=router == "bm25" and mode == "fallback")
            cells[q.lang][0] += bench.right(row, routed, mode)
            cells[q.lang][1] += 1
        rows[label] = {lang: f"{r}/{n} ({r / n:.1%})" for lang, (r, n) in cells.items()}
        print(f"{label:42s} en {rows[label]['en']:>14s}   ko {rows[label]['ko']:>14s}", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round3", action="store_true", help="score the held-out round 3 (second opinion)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    from advisor.engine import load_rulebook
    from tests.advisor import bank

    files = model_files()
    if files is None:
        print("wordllama is not installed (pip install wordllama): nothing to measure")
        return 1
    corpus = [semantic_doc(r, lang) for r in load_rulebook().rules for lang in ("en", "ko")]
    labelled = [q for q in bank.questions() if not bank.held_out(q)]
    evaluated = [q for q in bank.questions() if bank.held_out(q)] if args.round3 else labelled
    split = "held-out round 3" if args.round3 else "rounds 1-2, leave-source-out"
    print(f"{split}: {len(evaluated)} questions; labelled: {len(labelled)}")
    rows = run(Bench(evaluated, labelled, Embedder(files, corpus)))
    if args.json:
        args.json.write_text(json.dumps({"split": split, "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
