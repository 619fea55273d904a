"""Korean morphology with kiwipiepy: content words and dictionary forms of a Korean text.

'과적합돼서 스텝을 줄여야' -> ['과적합', '되다', '스텝', '줄이다']. Korean glues particles and endings
onto words, so matching surface strings misses most of them; the analyzer gives back the lemmas.
Kiwi loads its model (shipped in the kiwipiepy_model package, no download) once per process, lazily,
on the first Korean text. Without kiwipiepy installed every function returns an empty result and the
callers fall back to character bigrams.
"""

from __future__ import annotations

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
