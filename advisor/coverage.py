"""Tools a question names that no rule knows: an honest line before the closest general advice.

A question about an extension or custom node the rulebook has never met ("does sd-webui-cutoff work with
Forge?", "InstantStyle vs IP-Adapter?") still reaches rules by its other words, and those answer a
LoRA-shaped question instead of the one asked. Person judges of the held-out split (docs/advisor.md) found
this the commonest way an answer went wrong. The advisor cannot know every tool; it can say which one it
does not know, so the user reads what follows as general advice and checks the tool's own docs.

A name counts as a tool's when it looks like one — CamelCase ("InstantStyle"), or a hyphen/underscore
compound ("ComfyUI-Impact-Pack", "sd-webui-cutoff") that carries a tool-like part or sits next to a word like
"extension" or "node" — and is unknown when it appears nowhere in the rules' texts, keywords and sources
(repository URLs included) or the intents' patterns, compared without case, spaces, hyphens or underscores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from advisor.engine import Rulebook

_CAMEL = re.compile(r"(?<![\w/.-])[A-Z][a-z]{2,}(?:[A-Z][a-z0-9]+)+(?![\w-])")
_COMPOUND = re.compile(r"(?<![\w/.=-])[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+(?![\w-])")
_TOOLISH = re.compile(
    r"webui|comfy|^sd|a1111|forge|node|plugin|loader|diffus|adapter|style|prompt|upscal|control|tagger|caption"
    r"|merge|helper|browser|manager|pack|supir|couple|region",
    re.I,
)
_TOOL_WORD = re.compile(
    r"extension|custom node|\bnodes?\b|plugin|\brepo\b|script|add-?on|확장|노드|플러그인|스크립트|애드온",
    re.I,
)
_MAX_NAMES = 2
# Parts of a name that make it a model file, a key or a phrase: versions, numbers, small words.
_NOT_A_TOOL_PART = re.compile(
    r"v?\d+(?:\.\d+)*|final|fp16|bf16|pruned|xl|on|of|in|to|and|vs|for|with|the|my|a|left|right|top|bottom"
    r"|upper|lower",
    re.I,
)
_ECOSYSTEM_PREFIX = re.compile(r"^(?:stable-diffusion-webui|sd-webui|sd|comfyui|a1111)[-_]", re.I)
_ECOSYSTEM = re.compile(r"sd-?webui|stable-diffusion|comfyui|a1111|sd-|forge", re.I)


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z\uac00-\ud7a3]", "", text.lower())


class Coverage:
    """What the rulebook and the intents speak of, as one normalized text to look names up in."""

    def __init__(self, rulebook: Rulebook, patterns: Iterable[str] = ()) -> None:
        parts: list[str] = list(patterns)
        for rule in rulebook.rules:
            parts += [rule.id, rule.source, *rule.keywords]
            for text in rule.texts.values():
                parts += [text.problem, text.recommendation, text.reason]
        self._known = _norm(" ".join(parts))

    def knows(self, name: str) -> bool:
        """Known as written, or without its ecosystem's prefix ("ComfyUI-SUPIR" where the rules say SUPIR)."""
        bare = _ECOSYSTEM_PREFIX.sub("", name)
        return _norm(name) in self._known or (
            bare != name and len(_norm(bare)) >= 4 and _norm(bare) in self._known
        )

    def unknown_tools(self, question: str) -> list[str]:
        """Tool-like names in the question that nothing in the rulebook mentions, in order, at most two."""
        found: list[str] = []
        for match in sorted(
            [*_CAMEL.finditer(question), *_COMPOUND.finditer(question)], key=lambda m: m.start()
        ):
            name = match.group(0)
            if (
                name in found
                or len(_norm(name)) < 5
                or self.knows(name)
                or not _looks_like_tool(name, match, question)
            ):
                continue
            found.append(name)
        return found[:_MAX_NAMES]


def _looks_like_tool(name: str, match: re.Match[str], question: str) -> bool:
    """A tool's name, not a model file ("someLora_v2", "realmodel_xl_v01"), a setting ("cache_latents"), a
    key ("lora_unet_down_blocks_0"), a class or a phrase ("LoRA-on-LoRA")."""
    segments = re.split(r"[-_]|(?<=[a-z])(?=[A-Z])", name)
    if any(_NOT_A_TOOL_PART.fullmatch(s) for s in segments) or (name.islower() and "_" in name):
        return False
    if len(segments) >= 4 and not _ECOSYSTEM.match(name):
        return False  # a civitai file name ("diana-prince-dcau-ponyxl-lora-...")
    around = question[max(0, match.start() - 25) : match.end() + 25]
    return bool(_TOOLISH.search(name) or _TOOL_WORD.search(around))


def unknown_line(names: list[str], lang: str) -> str:
    shown = ", ".join(names)
    if lang == "ko":
        return (
            f"{shown} 자체에 대한 내용은 제 규칙에 없습니다. 아래는 가장 가까운 일반 조언이라 질문의 요지와 다를 수 "
            "있으니, 그 도구의 README나 이슈 트래커도 확인하세요."
        )
    return (
        f"Nothing in my notes covers {shown} itself, so what follows is the closest general advice and may miss "
        "your point; check the tool's README or issue tracker too."
    )
