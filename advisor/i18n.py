"""Language detection (Hangul → Korean) and the advisor's own short messages in both languages."""

from __future__ import annotations

import re

LANGS = ("en", "ko")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")


def hangul_count(text: str) -> int:
    return len(_HANGUL.findall(text))


def detect_lang(text: str, default: str = "en") -> str:
    """'ko' when the text is written in Korean, even with English terms mixed in ('CUDA OOM이 나요').

    Pasted logs are English, so Korean wins as soon as the Hangul is more than a stray word: two
    syllables, or a fifth of the letters.
    """
    hangul = hangul_count(text)
    if hangul == 0:
        return default if not _LATIN.search(text) else "en"
    latin = len(_LATIN.findall(text))
    return "ko" if hangul >= 2 or hangul * 5 >= hangul + latin else "en"


def normalize_lang(lang: str | None, text: str = "") -> str:
    """An explicit 'en'/'ko' wins; otherwise the text decides."""
    if lang in LANGS:
        return lang  # type: ignore[return-value]
    return detect_lang(text)


MESSAGES: dict[str, dict[str, str]] = {
    "cause": {"en": "Cause", "ko": "원인"},
    "fix": {"en": "Fix", "ko": "해결"},
    "why": {"en": "Why", "ko": "이유"},
    "evidence": {"en": "From the log", "ko": "로그에서"},
    "retry_changes": {"en": "Retry with these changes", "ko": "이렇게 바꿔서 다시 시도하세요"},
    "vram_rules": {
        "en": "The VRAM rules for {arch} on {vram:g} GB also set: {fields}",
        "ko": "{vram:g} GB에서 {arch}의 VRAM 규칙에 따라 이것도 바꿉니다: {fields}",
    },
    "log_settings": {
        "en": "No config was given: the retry starts from the settings the log prints",
        "ko": "설정 파일이 없어서 로그에 찍힌 설정에서 출발해 다시 시도할 설정을 만들었습니다",
    },
    "no_retry": {
        "en": "No config change will fix this by itself: do what the fix says, then run again.",
        "ko": "설정만 바꿔서는 해결되지 않습니다. 해결 방법대로 조치한 뒤 다시 실행하세요.",
    },
    "no_config": {
        "en": "Give the run's config (--config FILE, or the run folder) to get a changed config to retry with.",
        "ko": "다시 시도할 설정을 받으려면 학습 설정을 함께 주세요 (--config FILE 또는 학습 폴더).",
    },
    "unknown_cause": {
        "en": "loracord could not recognise this failure.",
        "ko": "loracord가 이 실패의 원인을 알아내지 못했습니다.",
    },
    "unknown_fix": {
        "en": "Read the last lines of the log below; if it looks like a bug, report it with the log and the config.",
        "ko": "아래 로그의 마지막 줄을 확인하세요. 버그로 보이면 로그와 설정을 함께 알려 주세요.",
    },
    "no_answer": {
        "en": "I have no rule about that. Ask about datasets, captions, training parameters (steps, learning "
        "rate, batch, rank), out-of-memory errors, NaN loss, overfitting or a failed run's log.",
        "ko": "그 내용에 대한 규칙이 없습니다. 데이터셋, 캡션, 학습 파라미터(스텝, 학습률, 배치, rank), "
        "메모리 부족 오류, NaN loss, 과적합, 실패한 학습 로그에 대해 물어보세요.",
    },
    "smalltalk": {
        "en": "Hello! I'm loracord's advisor. Ask me about LoRA datasets, captions, training settings, "
        "or paste an error from a failed run.",
        "ko": "안녕하세요! loracord 도우미입니다. LoRA 데이터셋, 캡션, 학습 설정에 대해 묻거나 실패한 "
        "학습의 오류 메시지를 붙여 넣어 주세요.",
    },
    "thanks": {
        "en": "You're welcome! Good luck with the training.",
        "ko": "천만에요! 학습이 잘 되길 바랍니다.",
    },
    "sources": {"en": "Rules", "ko": "규칙"},
    "suggest_header": {
        "en": "Suggested by `loracord suggest`: every value has its reason beside it.",
        "ko": "`loracord suggest`가 제안한 설정입니다. 값마다 옆에 이유가 있습니다.",
    },
    "warnings": {"en": "Warnings", "ko": "주의"},
}


def t(key: str, lang: str) -> str:
    entry = MESSAGES[key]
    return entry.get(lang) or entry["en"]
