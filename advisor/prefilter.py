"""Skip the regular expressions that cannot match: a necessary-literal prefilter for the intents.

Each question is searched with ~8,000 intent patterns (advisor/intents*.toml); most of them cannot match
because the question lacks every word they need, yet each search walks the whole question. For every
pattern, `required()` reads its parse tree and returns a set of strings such that any match contains at
least one of them (or None when it cannot tell, e.g. a pattern of wildcards only). A question is then
case-folded once, the strings it contains are found once, and only the patterns whose set meets them are
searched. It changes which searches run, never what matches: tests/advisor/test_prefilter.py compares the
intents of every bank question and every rule case with and without it. Case is folded the way `re`
compares characters under IGNORECASE (its simple lower case plus its extra equivalences, e.g. "ſ" = "s"),
not with str.casefold, which turns one character into two ("İ", "ß") where `re` compares one to one.
"""

from __future__ import annotations

import _sre
import re
from collections.abc import Iterable

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]
try:
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover - Python 3.10
    from sre_compile import _ignorecase_fixes as _EXTRA_CASES  # type: ignore[no-redef]

#: A run of literals branches at most into this many strings ("[lL]o[rR]a" -> 4 strings).
MAX_VARIANTS = 16
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)


def _chars_of_class(items: list) -> set[str] | None:
    """The characters a class like [eE] matches, when it lists literals only (no ranges, no negation)."""
    if not items or any(op is not _c.LITERAL for op, _ in items):
        return None
    return {chr(code) for _, code in items}


def _best(candidates: list[set[str]]) -> set[str] | None:
    """The most selective requirement: the longest shortest string, then the fewest strings."""
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(len(x) for x in s), -len(s)))


def _strings(items: Iterable) -> set[str] | None:
    """The whole strings a sequence matches when it is a finite set of literals ("(fp|bf)16" -> 2)."""
    found = {""}
    for op, av in items:
        if op is _c.LITERAL:
            options: set[str] | None = {chr(av)}
        elif op is _c.IN:
            options = _chars_of_class(av)
        elif op is _c.SUBPATTERN:
            options = _strings(av[-1])
        elif op is _c.BRANCH:
            branches = [_strings(b) for b in av[1]]
            options = None if any(b is None for b in branches) else set().union(*branches)  # type: ignore[arg-type]
        else:
            return None
        if options is None or len(found) * len(options) > MAX_VARIANTS:
            return None
        found = {prefix + option for prefix in found for option in options}
    return found


def _sequence(items: Iterable) -> set[str] | None:
    candidates: list[set[str]] = []
    run: set[str] = {""}

    def flush() -> None:
        nonlocal run
        candidates.append(run)  # a run that may be empty ({""} or "(a|)") is dropped below
        run = {""}

    for op, av in items:
        whole = _strings([(op, av)])
        if whole is not None and len(run) * len(whole) <= MAX_VARIANTS:
            run = {prefix + option for prefix in run for option in whole}
            continue
        flush()
        sub: set[str] | None = None
        if op is _c.SUBPATTERN:
            sub = _sequence(av[-1])
        elif op is _c.BRANCH:
            branches = [_sequence(b) for b in av[1]]
            if all(branches):
                sub = set().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            sub = _sequence(av[2])
        elif _ATOMIC is not None and op is _ATOMIC:
            sub = _sequence(av)
        if sub:
            candidates.append(sub)
    flush()
    candidates = [c for c in candidates if "" not in c]
    return _best(candidates)


def required(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings (case-folded) of which every match of `pattern` contains at least one; None if unknown."""
    try:
        found = _sequence(_p.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - an unreadable tree only means "always search"
        return None
    if not found or "" in found:
        return None
    return frozenset(fold(s) for s in found)


class _FoldTable(dict):
    """Each character to the smallest one `re` treats as equal to it under IGNORECASE, computed the first
    time the character is seen (str.translate looks every character up here)."""

    def __missing__(self, code: int) -> int:
        lower = _sre.unicode_tolower(code)
        self[code] = min((lower, *_EXTRA_CASES.get(lower, ())))
        return self[code]


_FOLD = _FoldTable()


def fold(text: str) -> str:
    return text.translate(_FOLD)


class Prefilter:
    """The required strings of many patterns; `candidates(text)` names the patterns that may match it."""

    def __init__(self, patterns: Iterable[re.Pattern[str]], cache: bool = False) -> None:
        """`cache`: keep the requirements on disk (advisor/index_cache.py), for the intents' one prefilter."""
        unique = list({id(p): p for p in patterns}.values())

        def compute() -> list[list[str] | None]:
            return [None if (req := required(p)) is None else sorted(req) for p in unique]

        if cache:
            from advisor.index_cache import requirements

            found = requirements([f"{p.flags}:{p.pattern}" for p in unique], compute)
        else:
            found = compute()
        self.by_string: dict[str, set[int]] = {}
        self.always: set[int] = set()
        for pattern, req in zip(unique, found, strict=True):
            if req is None:
                self.always.add(id(pattern))
            for string in req or ():
                self.by_string.setdefault(string, set()).add(id(pattern))
        self.strings = sorted(self.by_string)

    def candidates(self, text: str) -> set[int]:
        """The ids (`id(pattern)`) of the patterns that may match `text`: those with no requirement and
        those one of whose required strings the text contains."""
        folded = fold(text)
        found = set(self.always)
        for string in self.strings:
            if string in folded:
                found |= self.by_string[string]
        return found
