"""Load the rulebook and evaluate it over Facts.

A rule fires when all of its conditions hold. Conditions are looked up by name in
advisor.registry; `{any = [...]}` and `{all = [...]}` nest. The rulebook is validated when it is
loaded: an unknown condition, a wrong parameter or a missing text names the rule's id.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from advisor import (
    fixes,
    option_conditions,  # noqa: F401 - registers the conditions of rulebook_options.toml
    registry,
)
from advisor.facts import Facts
from config.training import TrainConfig

RULEBOOK_PATH = Path(__file__).resolve().parent / "rulebook.toml"
SEVERITIES = ("info", "warning", "error")
LANGS = ("en", "ko")
TEXT_KEYS = ("problem", "recommendation", "reason")
DIAGNOSES = ("oom", "nan", "killed", "disk", "model", "data", "config", "timeout")
SOURCE_KINDS = ("guide", "failure", "measurement", "community")
_HERE = Path(__file__).resolve().parent
#: The rule files by topic, each `rulebook_<part>.toml` with its routes in `intents_<part>.toml`
#: (what each holds: docs/advisor.md, "Layout").
TOPIC_PARTS = (
    "craft",
    "use",
    "symptoms",
    "setup",
    "models",
    "infer",
    "recipes",
    "errors",
    "args",
    "gui",
    "webui",
    "comfy",
    "dsconfig",
    "scripts",
    "numerics",
    "ext",
    "nodes",
    "trainers",
    "lycoris",
    "files",
    "diffusers",
    "kohya",
    "uiuse",
    "onetrainer",
    "notebooks",
    "genapps",
    "trouble",
    "webext",
    "comfylora",
    "dataprep",
    "results",
    "families",
    "tuners",
    # The thirteenth round: rules and facts from the real threads behind the retired bank rounds' wrong answers.
    "threads_a",
    "threads_b",
    "threads_c",
    "threads_d",
    "threads_e",
    "threads_f",
    "threads_g",
    "threads_h",
    # The fourteenth round: the same, for rounds 5-14 after round 14 was retired (fifth session).
    "threads_i",
    "threads_j",
    "threads_k",
    "threads_l",
    # The sixteenth round: round 15's sources after it was retired (sixth session).
    "threads_m",
    "threads_n",
    "threads_o",
    # The seventeenth round: round 16's sources after it was retired (seventh session).
    "threads_p",
    "threads_q",
    "threads_r",
    # The eighteenth round: round 17's sources after it was retired (eighth session).
    "threads_s",
    "threads_t",
    "threads_u",
    # The nineteenth round: round 18's sources after it was retired (ninth session).
    "threads_v",
    "threads_w",
    "threads_x",
    # The twentieth round: rounds 19 and 20's sources after they were retired (tenth session).
    "threads_y",
    "threads_z",
    "threads_aa",
    # Knowledge from the guides users read, probed fact by fact (eighth session): datasets, captioning and
    # training settings (guides_a); using and judging LoRAs, other trainers (guides_b).
    "guides_a",
    "guides_b",
    # The tools' own documentation, option by option (sd-scripts' docs, the kohya_ss GUI's LoRA options page,
    # ComfyUI's LoRA node docs), probed fact by fact (eighth session, guides_c).
    "guides_c",
    # Korean users' wordings (issue 21): training questions (korean_a), using and judging LoRAs (korean_b).
    "korean_a",
    "korean_b",
    # English users' wordings (issue 21), as written on Reddit, Discord and GitHub: training questions
    # (english_a), using and judging LoRAs (english_b).
    "english_a",
    "english_b",
    # Everyday questions written blind (set 1), read after they were scored: their routing gaps (eighth session).
    "everyday",
    # Everyday set 3, read once set 4 existed (ninth session): training (everyday_a), using LoRAs (everyday_b).
    "everyday_a",
    "everyday_b",
    # The fifteenth round: the long tail of apps and trainers users name (fifth session).
    "apps_a",
    "apps_b",
    # Generating images (not training) in the UIs: samplers, CFG, prompt syntax, inpainting, upscaling,
    # ControlNet basics (eleventh session; from the person judges' "generation questions answered as LoRA").
    "generation",
    # The loracord bot and CLI themselves: commands, uploads, the queue and its fairness, limits, results, retries
    # (eleventh session; a blind everyday set found the advisor could not explain its own bot).
    "loracord",
    # LoRAs for video models (Wan, HunyuanVideo, LTX-Video) and the newest image models (Qwen-Image, HiDream, Chroma,
    # Flux Kontext, Lumina): trainers, VRAM, datasets, loading (eleventh session).
    "video",
    # Hardware and speed for training: which GPU, small cards, expected s/it, why a run is slow, speed-ups, power,
    # Windows vs Linux, several GPUs (eleventh session).
    "hardware",
    # After training: merging, extracting, resizing, converting, file sizes and precision, metadata, publishing,
    # compatibility within a family (eleventh session).
    "aftertrain",
    # Installing and running the training tools: Python, venvs, torch and CUDA builds, xformers, bitsandbytes, triton,
    # accelerate, updating, cloud and notebook setups, and the errors each step prints (twelfth session).
    "install",
    # Training per base-model family: SD 1.5, SD 2.x, SDXL and its descendants (Pony, Illustrious, NoobAI v-pred),
    # SD 3.5, Flux dev / schnell: which base, captions, settings and loading per family (twelfth session).
    "bases",
    # Errors printed while training, by their meaning: tracebacks and messages of sd-scripts, kohya_ss, OneTrainer,
    # ai-toolkit, FluxGym and musubi-tuner during caching, loading and the steps (twelfth session).
    "trainerrors",
    # Errors and warnings when a LoRA is used: A1111, Forge, ComfyUI, SwarmUI, Fooocus, InvokeAI, diffusers (lora key
    # not loaded, shape mismatches, a LoRA that does nothing or breaks the image) (twelfth session).
    "uierrors",
)
# Rule files, read in this order: the failure and guide rules, then the rules that answer questions.
RULEBOOK_PATHS = (
    RULEBOOK_PATH,
    _HERE / "rulebook_questions.toml",
    _HERE / "rulebook_options.toml",  # issue 19 options, option_conditions.py
    *(_HERE / f"rulebook_{part}.toml" for part in TOPIC_PARTS),
)
DIRECTIONS = ("up", "down", "on", "off")
# Settings a rule may push besides TrainConfig fields: the dataset's size and the number of steps.
EXTRA_SETTINGS = ("dataset_images", "steps")


class RulebookError(ValueError):
    """The rulebook file is wrong; the message names the rule and what to fix."""


@dataclass(frozen=True)
class RuleText:
    problem: str
    recommendation: str
    reason: str


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    source: str
    conditions: tuple[Mapping[str, Any], ...]
    texts: Mapping[str, RuleText]
    keywords: tuple[str, ...] = ()
    diagnosis: str | None = None
    fix: str | None = None
    fix_params: Mapping[str, Any] | None = None
    fix_stage: int = 1
    # The direction the rule pushes each setting it changes: {"learning_rate": "down", ...}.
    pushes: Mapping[str, str] = field(default_factory=dict)
    # A rule about one tool (an extension, a node pack, an app, a notebook, another trainer): the tool's names
    # as a regex, matched case-insensitively against the question. Such a rule fills in from the search only
    # when the question names its tool; intents still route to it.
    tool: re.Pattern[str] | None = None

    def text(self, lang: str) -> RuleText:
        return self.texts.get(lang) or self.texts["en"]

    def render(self, lang: str, with_problem: bool = True) -> str:
        """The rule as a short paragraph: the facts an answer must carry. A general question has no
        detected problem, so its answer starts with the recommendation."""
        t = self.text(lang)
        why = "이유" if lang == "ko" else "Why"
        lead = f"{t.problem} {t.recommendation}" if with_problem else t.recommendation
        return f"{lead}\n({why}: {t.reason})"


@dataclass(frozen=True)
class Finding:
    rule: Rule
    lang: str

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def text(self) -> RuleText:
        return self.rule.text(self.lang)


@dataclass(frozen=True)
class Rulebook:
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {r.id: r for r in self.rules})

    def get(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]  # type: ignore[attr-defined]

    def ids(self) -> list[str]:
        return [r.id for r in self.rules]

    def evaluate(self, facts: Facts, lang: str = "en") -> list[Finding]:
        """Findings of every rule whose conditions hold, errors first, then rulebook order."""
        fired = [Finding(r, lang) for r in self.rules if all_hold(r.conditions, facts)]
        order = {s: i for i, s in enumerate(reversed(SEVERITIES))}
        return sorted(fired, key=lambda f: order[f.severity])


def all_hold(conditions: Sequence[Mapping[str, Any]], facts: Facts) -> bool:
    return all(_holds(c, facts) for c in conditions)


def _holds(cond: Mapping[str, Any], facts: Facts) -> bool:
    if "any" in cond:
        return any(_holds(c, facts) for c in cond["any"])
    if "all" in cond:
        return all(_holds(c, facts) for c in cond["all"])
    params = {k: v for k, v in cond.items() if k != "name"}
    return bool(registry.CONDITIONS[cond["name"]](facts, **params))


def _check_condition(rule_id: str, cond: Any) -> None:
    if not isinstance(cond, Mapping):
        raise RulebookError(f"rule {rule_id}: a condition must be a table, got {cond!r}")
    for group in ("any", "all"):
        if group in cond:
            items = cond[group]
            if len(cond) != 1 or not isinstance(items, list) or not items:
                raise RulebookError(f"rule {rule_id}: '{group}' must be the only key and a non-empty list")
            for item in items:
                _check_condition(rule_id, item)
            return
    if "name" not in cond:
        raise RulebookError(f"rule {rule_id}: a condition needs a 'name' (or 'any' / 'all')")
    problem = registry.check_params(cond["name"], {k: v for k, v in cond.items() if k != "name"})
    if problem:
        raise RulebookError(f"rule {rule_id}: {problem}")


def _parse_rule(raw: Mapping[str, Any], index: int) -> Rule:
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RulebookError(f"rule #{index + 1}: needs an 'id'")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise RulebookError(
            f"rule {rule_id}: severity must be one of {', '.join(SEVERITIES)}, got {severity!r}"
        )
    source = str(raw.get("source", ""))
    if source.partition(":")[0] not in SOURCE_KINDS or not source.partition(":")[2]:
        raise RulebookError(
            f"rule {rule_id}: source must be guide:…, failure:… or measurement:…, got {source!r}"
        )
    conditions = raw.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        raise RulebookError(f"rule {rule_id}: needs at least one condition")
    for cond in conditions:
        _check_condition(rule_id, cond)
    texts: dict[str, RuleText] = {}
    for lang in LANGS:
        block = raw.get(lang)
        if not isinstance(block, Mapping) or any(not str(block.get(k, "")).strip() for k in TEXT_KEYS):
            raise RulebookError(f"rule {rule_id}: needs [{lang}] problem, recommendation and reason")
        texts[lang] = RuleText(*(str(block[k]).strip() for k in TEXT_KEYS))
    diagnosis = raw.get("diagnosis")
    if diagnosis is not None and diagnosis not in DIAGNOSES:
        raise RulebookError(
            f"rule {rule_id}: diagnosis must be one of {', '.join(DIAGNOSES)}, got {diagnosis!r}"
        )
    fix_name = raw.get("fix")
    fix_params = raw.get("fix_params") or {}
    if fix_name is not None:
        problem = fixes.check_fix(fix_name, fix_params)
        if problem:
            raise RulebookError(f"rule {rule_id}: {problem}")
    pushes = _parse_pushes(rule_id, raw.get("pushes", {}))
    return Rule(
        id=rule_id,
        pushes=pushes,
        tool=_parse_tool(rule_id, raw.get("tool")),
        severity=severity,
        source=source,
        conditions=tuple(conditions),
        texts=texts,
        keywords=tuple(str(k) for k in raw.get("keywords", [])),
        diagnosis=diagnosis,
        fix=fix_name,
        fix_params=fix_params,
        fix_stage=int(raw.get("fix_stage", 1)),
    )


def _parse_tool(rule_id: str, raw: Any) -> re.Pattern[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise RulebookError(f"rule {rule_id}: tool must be a regex of the tool's names, got {raw!r}")
    try:
        return re.compile(raw, re.IGNORECASE)
    except re.error as exc:
        raise RulebookError(f"rule {rule_id}: tool is not a valid regex ({exc}): {raw!r}") from None


def _parse_pushes(rule_id: str, raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise RulebookError(f"rule {rule_id}: pushes must be a table of setting = direction")
    known = {f.name for f in fields(TrainConfig)} | set(EXTRA_SETTINGS)
    for setting, direction in raw.items():
        if setting not in known:
            raise RulebookError(f"rule {rule_id}: pushes names unknown setting {setting!r}")
        if direction not in DIRECTIONS:
            raise RulebookError(f"rule {rule_id}: pushes {setting} must be one of {', '.join(DIRECTIONS)}")
    return dict(raw)


def parse_rulebook(data: Mapping[str, Any]) -> Rulebook:
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulebookError("the rulebook has no [[rule]] entries")
    rules = [_parse_rule(r, i) for i, r in enumerate(raw_rules)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulebookError(f"rule id {rule.id!r} is used twice")
        seen.add(rule.id)
    return Rulebook(tuple(rules))


def load_rulebook(path: Path | None = None) -> Rulebook:
    """The rulebook at `path` (default: the one shipped with loracord, cached)."""
    if path is None:
        return _default_rulebook()
    try:
        with Path(path).open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise RulebookError(f"rulebook not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(f"{path} is not valid TOML: {exc}") from None
    return parse_rulebook(data)


@functools.cache
def _default_rulebook() -> Rulebook:
    rules: list[Any] = []
    for path in RULEBOOK_PATHS:
        if path.exists():
            with path.open("rb") as fh:
                rules += tomllib.load(fh).get("rule", [])
    return parse_rulebook({"rule": rules})
