"""A small local search index over the rules and the guide's passages: BM25, written here.

English is split into words (lower-cased, a light plural stem, snake_case names also split into their
parts); Korean, which glues particles onto words, is indexed by its lemmas from the kiwipiepy
morphological analyzer ('캡션이', '캡션을' -> '캡션'; '줄여야' -> '줄이다'), or as character bigrams of
each Hangul run when kiwipiepy is not installed. Each rule is indexed with its texts in both languages plus
its keywords, so a Korean question finds a rule through its Korean text and an English one through its
English text. Nothing is downloaded; the documents' tokens are cached on disk between processes
(advisor/index_cache.py), since kiwipiepy takes seconds over ~600 rules.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from advisor import korean
from advisor.engine import Rule, Rulebook, load_rulebook
from advisor.index_cache import tokenized

GUIDE_PATH = Path(__file__).resolve().parent / "guide.md"

_WORD = re.compile(r"[a-z0-9][a-z0-9_.+\-]*|[\uac00-\ud7a3]+")
_HANGUL_RUN = re.compile(r"^[\uac00-\ud7a3]+$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP = _words(
    "a an the to of and or in on for with is are was be it its this that my i me you your we do does did "
    "how what why when which should can could would will if at by from as so not no but have has get got "
    "there any some about into than then"
)


# Lemmas that carry no topic: question verbs and fillers.
_KO_LEMMA_STOP = _words(
    "하다 되다 있다 없다 어떻다 같다 좋다 알다 싶다 주다 보다 것 수 거 뭐 저 제 이 그 때 좀 얼마"
)

# Bigrams of Korean question endings and filler ('어떻게 해야 하나요'): in a query they match any text.
_KO_STOP = _words(
    "어떻 떻게 해야 하나 나요 뭐예 예요 인가 가요 있나 얼마 마로 할까 까요 는데 해요 에요 세요 습니 니다 "
    "합니 좋을 을까 좋아 아요 되나 되요 돼요 같아 아서 는지 은지 알려 려주 주세 싶어 어요 하면 면 하는 "
    "라고 이게 무엇 엇인 뭔가 뭐가 왜 이런 그런 저는 제가 게 해 하 나 좀 더 잘 그 이 저 제 뭐 또 것 건 걸"
)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    out: list[str] = []
    lemmas = korean.lemmas(text) if _HANGUL.search(text) else ()
    if lemmas:
        # Korean by its lemmas (kiwipiepy): '줄여야' and '줄이고' are both '줄이다'.
        out += [w for w in lemmas if _HANGUL.search(w) and w not in _KO_LEMMA_STOP]
    for raw in _WORD.findall(text.lower()):
        if _HANGUL_RUN.match(raw):
            if lemmas:
                continue
            if len(raw) == 1:
                if raw not in _KO_STOP:
                    out.append(raw)
                continue
            out.extend(g for g in (raw[i : i + 2] for i in range(len(raw) - 1)) if g not in _KO_STOP)
            if len(raw) == 2 and raw[0] not in _KO_STOP:
                # A one-syllable word with its particle ('수는', '몇을') keeps the word as a unigram.
                out.append(raw[0])
            continue
        word = raw.strip(".-+")
        if not word or word in _STOP:
            continue
        out.append(_stem(word))
        parts = [p for p in re.split(r"[_\-.]", word) if p and p != word]
        out.extend(_stem(p) for p in parts if p not in _STOP and not p.isdigit())
    return out


@functools.lru_cache(maxsize=256)
def query_tokens(query: str) -> tuple[str, ...]:
    """A question's tokens, kept for the few searches one answer makes (Korean needs kiwipiepy)."""
    return tuple(tokenize(query))


@dataclass(frozen=True)
class Passage:
    id: str
    title: str
    texts: dict[str, str]

    def text(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts["en"]


@dataclass(frozen=True)
class Hit:
    doc_id: str  # "rule:<id>" or "guide:<id>"
    score: float
    matched: int = 1  # distinct query terms found in the document

    @property
    def kind(self) -> str:
        return self.doc_id.partition(":")[0]

    @property
    def ref(self) -> str:
        return self.doc_id.partition(":")[2]


def load_guide(path: Path = GUIDE_PATH) -> list[Passage]:
    """Sections '## id: Title' with '[en]' and '[ko]' blocks."""
    passages: list[Passage] = []
    current: tuple[str, str] | None = None
    texts: dict[str, list[str]] = {}
    lang: str | None = None

    def close() -> None:
        if current is not None:
            passages.append(
                Passage(current[0], current[1], {k: " ".join(v).strip() for k, v in texts.items()})
            )

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            close()
            ident, _, title = line[3:].partition(":")
            current, texts, lang = (ident.strip(), title.strip()), {}, None
        elif line.strip() in ("[en]", "[ko]"):
            lang = line.strip()[1:-1]
            texts[lang] = []
        elif current is not None and lang is not None and line.strip():
            texts[lang].append(line.strip())
    close()
    return passages


class Index:
    """BM25 over rule and guide documents."""

    def __init__(
        self, docs: Iterable[tuple[str, str]], k1: float = 1.4, b: float = 0.7, cached: bool = False
    ) -> None:
        self.k1, self.b = k1, b
        docs = list(docs)
        self.ids: list[str] = [doc_id for doc_id, _ in docs]
        texts = [text for _, text in docs]
        token_lists = tokenized(texts, tokenize) if cached else [tokenize(t) for t in texts]
        # Postings: for each term, the documents that hold it and how often (BM25 scores term at a time).
        df: Counter[str] = Counter()
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, tokens in enumerate(token_lists):
            tf = Counter(tokens)
            df.update(tf.keys())
            for term, times in tf.items():
                held, counts = postings.setdefault(term, ([], []))
                held.append(i)
                counts.append(times)
        count = len(self.ids)
        lengths = [len(tokens) for tokens in token_lists]
        self.avg_len = sum(lengths) / count if count else 1.0
        self.idf = {term: math.log(1 + (count - d + 0.5) / (d + 0.5)) for term, d in df.items()}
        self.norms = np.array([self.k1 * (1 - self.b + self.b * length / self.avg_len) for length in lengths])
        self.postings = {
            term: (np.array(held, dtype=np.int64), np.array(counts, dtype=np.float64))
            for term, (held, counts) in postings.items()
        }
        self._prefixed: dict[str, np.ndarray] = {}

    def search(self, query: str, k: int = 5, prefix: str | None = None) -> list[Hit]:
        terms = Counter(t for t in query_tokens(query) if t in self.idf)
        if not terms:
            return []
        # Term at a time over the postings (numpy): the same sums, term by term in the query's order, as
        # scoring every document in turn, at a fraction of the cost.
        scores = np.zeros(len(self.ids))
        matched = np.zeros(len(self.ids), dtype=np.int64)
        for t, q in terms.items():
            docs, tfs = self.postings[t]
            scores[docs] += self.idf[t] * tfs * (self.k1 + 1) / (tfs + self.norms[docs]) * (1 + math.log(q))
            matched[docs] += 1
        keep = scores > 0
        if prefix:
            keep &= self.prefixed(prefix)
        order = np.flatnonzero(keep)
        order = order[np.argsort(-scores[order], kind="stable")][:k]
        return [Hit(self.ids[i], float(scores[i]), int(matched[i])) for i in order.tolist()]

    def prefixed(self, prefix: str) -> np.ndarray:
        if prefix not in self._prefixed:
            self._prefixed[prefix] = np.array([doc_id.startswith(prefix) for doc_id in self.ids], dtype=bool)
        return self._prefixed[prefix]


def rule_document(rule: Rule) -> str:
    # Keywords and the problem are what questions are phrased like: they count twice.
    words = " ".join(rule.keywords)
    parts = [rule.id.replace(".", " "), words, words]
    for lang in ("en", "ko"):
        text = rule.text(lang)
        parts += [text.problem, text.problem, text.recommendation, text.reason]
    return " ".join(parts)


class AdvisorIndex:
    """The rules and the guide, searchable together."""

    def __init__(self, rulebook: Rulebook | None = None, guide: list[Passage] | None = None) -> None:
        self.rulebook = rulebook or load_rulebook()
        self.passages = {p.id: p for p in (guide if guide is not None else load_guide())}
        docs = [(f"rule:{r.id}", rule_document(r)) for r in self.rulebook.rules]
        docs += [
            (f"guide:{p.id}", f"{p.title} {p.title} {p.texts.get('en', '')} {p.texts.get('ko', '')}")
            for p in self.passages.values()
        ]
        self.index = Index(docs, cached=True)

    def rules(self, query: str, k: int = 3, min_ratio: float = 0.45) -> list[Hit]:
        """Best rules, keeping only those scoring at least `min_ratio` of the best one."""
        hits = self.index.search(query, k=k, prefix="rule:")
        return [h for h in hits if h.score >= hits[0].score * min_ratio] if hits else []

    def query_terms(self, query: str) -> int:
        """How many distinct words of the query the index knows (the rest can match nothing)."""
        return len({t for t in query_tokens(query) if t in self.index.idf})

    def passages_for(self, query: str, k: int = 1) -> list[Hit]:
        return self.index.search(query, k=k, prefix="guide:")
