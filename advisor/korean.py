"""Korean morphology with kiwipiepy: content words and dictionary forms of a Korean text.

'과적합돼서 스텝을 줄여야' -> ['과적합', '되다', '스텝', '줄이다']. Korean glues particles and endings
onto words, so matching surface strings misses most of them; the analyzer gives back the lemmas.
Kiwi loads its model (shipped in the kiwipiepy_model package, no download) once per process, lazily,
on the first Korean text. Without kiwipiepy installed every function returns an empty result and the
callers fall back to character bigrams.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

# Nouns, verbs, adjectives, roots, foreign words, numbers, and the negation adverbs that flip meaning.
_CONTENT_TAGS = ("NNG", "NNP", "NNB", "NR", "VV", "VA", "XR", "SL", "SN", "SH")
_NEGATIONS = frozenset({"안", "못"})
# Words of this domain the analyzer would otherwise split ('로라' is LoRA, not a name; '6에폭' is not
# '6' + '에' + '폭').
_USER_WORDS = (
    "로라", "학습", "학습률", "과적합", "과학습", "에포크", "에폭", "캡션", "트리거", "정규화", "체크포인트", "배치",
    "스텝", "해상도", "버킷", "버킷팅", "태거", "부루", "단부루", "프롬프트", "샘플", "옵티마이저",
)  # fmt: skip

_lock = threading.Lock()
_kiwi = None
_failed = False


def _analyzer():
    global _kiwi, _failed
    if _kiwi is not None or _failed:
        return _kiwi
    with _lock:
        if _kiwi is None and not _failed:
            try:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(num_workers=-1)
                for word in _USER_WORDS:
                    kiwi.add_user_word(word, "NNG")
                _kiwi = kiwi
            except (ImportError, OSError, RuntimeError, ValueError):  # not installed or no model: bigrams
                _failed = True
    return _kiwi


def available() -> bool:
    return _analyzer() is not None


@lru_cache(maxsize=4096)
def lemmas(text: str) -> tuple[str, ...]:
    """Content lemmas of `text` in order (verbs and adjectives in dictionary form, '-다')."""
    kiwi = _analyzer()
    if kiwi is None or not text.strip():
        return ()
    out: list[str] = []
    for token in kiwi.tokenize(text):
        if token.tag in ("VV", "VA"):
            out.append(token.form + "다")
        elif token.tag in _CONTENT_TAGS or (token.tag == "MAG" and token.form in _NEGATIONS):
            out.append(token.form.lower())
    return tuple(out)


# Hangul spellings users write for one word (loanwords spelled several ways, shortenings): an intent's Korean
# pattern that names one of them accepts them all (`widen`), so "에폭" and "에포크", "캐릭" and "캐릭터",
# "리핏" and "반복", "텍인" and "텍스트 인코더" route alike. Each entry is a regex as the patterns write it; one with a
# lookahead ("일러스(?!트)": not 일러스트, an illustration) is only matched, never looked for in a pattern.
SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("캐릭터", "캐릭", "케릭터", "캐랙터"),
    ("에포크", "에폭", "에포치", "에퐄"),
    ("스텝", "스탭"),
    ("반복", "리피트", "리핏", "리피츠"),
    ("학습률", "러닝 ?레이트", "런닝 ?레이트", "러닝레이트"),
    ("옵티마이저", "옵티마이져", "옵티"),
    ("체크포인트", "체크 포인트", "체크 ?포인트"),
    ("일러스트리어스", "일러스(?!트)"),
    ("누비", "누바이", "눕ai"),
    ("텍스트 ?인코더", "텍스트인코더", "텍스트 인코더", "텍인", "텍엔"),
    ("해상도", "레졸루션", "레솔루션"),
    ("코햐", "코야", "코하야"),
    ("시비타이", "씨비타이", "시비타", "씨비타", "시빗", "씨빗"),
    ("에디테일러", "에이디테일러", "아디테일러"),
    ("디퓨저스", "디퓨저"),
    ("과적합", "과학습", "오버핏", "오버피팅"),
    ("데이터 ?셋", "데이터셋", "데이타 ?셋", "데이타셋"),
    ("프롬프트", "프롬"),
    ("가중치", "웨이트(?! ?디케이)"),
    ("랭크", "딤"),
    ("배치", "뱃치"),
    ("브이램", "비램"),
    ("버킷", "버켓"),
    ("스케줄러", "스케쥴러", "스케듈러"),
    ("그라디언트", "그래디언트", "그레디언트"),
    ("애니마진", "애니메이진", "애니매진"),
    ("에러", "오류"),
)  # fmt: skip
_SPELLING_OF = {form: n for n, group in enumerate(SPELLINGS) for form in group if "(" not in form}
# a spelling followed by a quantifier ('가중치?') is left alone: the quantifier is its last letter's
_SPELLING = re.compile(
    "(?:" + "|".join(re.escape(form) for form in sorted(_SPELLING_OF, key=len, reverse=True)) + r")(?![?*+{])"
)


def widen(pattern: str) -> str:
    """`pattern` with each spelling of SPELLINGS replaced by all of them; unchanged when the result does not
    compile (a spelling inside a fixed-width lookbehind)."""
    wide = _SPELLING.sub(lambda m: "(?:" + "|".join(SPELLINGS[_SPELLING_OF[m.group(0)]]) + ")", pattern)
    if wide == pattern:
        return pattern
    try:
        re.compile(wide)
    except re.error:
        return pattern
    return wide
