"""Why did a run fail, what to do, and the changed config to retry with.

The rulebook's failure rules (those with a `diagnosis`) decide: their conditions read the log and
the events, their texts are the cause and the fix, their `fix` functions change the config.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from advisor import fixes, memory
from advisor.engine import Finding, Rulebook, load_rulebook
from advisor.facts import Facts, Hardware
from advisor.i18n import t
from advisor.log_settings import config_from_log, vram_from_log
from advisor.patterns import FAILURES, first_match
from config.training import ConfigError, TrainConfig

KINDS = ("oom", "nan", "killed", "disk", "model", "data", "config", "timeout", "unknown")
# When several failures show in one log, the one that ended the run usually comes first here: an OOM
# traceback explains the NaN-free stop, a kill explains a truncated log, and so on.
PRIORITY = ("oom", "killed", "disk", "nan", "model", "data", "config", "timeout")
# The engine's error kinds (docs/contracts.md) that name a diagnosis directly.
ENGINE_KINDS = {
    "oom": "oom",
    "nan": "nan",
    "model": "model",
    "data": "data",
    "config": "config",
    "disk": "disk",
}
MAX_FIXES = 3
# Which failure patterns to quote as evidence for each diagnosis.
EVIDENCE = {
    "oom": ("oom",),
    "killed": ("killed",),
    "disk": ("disk",),
    "nan": ("nan", "nan_latents"),
    "model": ("model_missing", "model_arch", "lora_wrong_base", "lora_not_loading"),
    "data": ("data", "captions"),
    "config": ("no_bf16", "bitsandbytes", "config"),
    "timeout": ("timeout", "vram_spill"),
}


@dataclass(frozen=True)
class Diagnosis:
    kind: str
    rule_ids: tuple[str, ...]
    cause: str
    fix: str
    retry_config: TrainConfig | None
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    evidence: str | None = None
    lang: str = "en"
    config_given: bool = True
    settings_from_log: bool = False  # no config was given; the retry starts from the log's settings

    def render(self) -> str:
        """Plain text for a terminal or a Discord message."""
        lines = [f"{t('cause', self.lang)}: {self.cause}"]
        if self.evidence:
            lines.append(f"{t('evidence', self.lang)}: {self.evidence}")
        lines.append(f"{t('fix', self.lang)}: {self.fix}")
        if self.changes:
            if self.settings_from_log:
                lines.append(t("log_settings", self.lang))
            lines.append(f"{t('retry_changes', self.lang)}:")
            lines += [f"  {name}: {old!r} -> {new!r}" for name, (old, new) in self.changes.items()]
        elif self.kind != "unknown":
            lines.append(t("no_retry" if self.config_given else "no_config", self.lang))
        if self.rule_ids:
            lines.append(f"{t('sources', self.lang)}: {', '.join(self.rule_ids)}")
        return "\n".join(lines)


def diagnose(
    log_text: str = "",
    events: Iterable[Mapping[str, Any]] = (),
    config: TrainConfig | None = None,
    *,
    lang: str = "en",
    hardware: Hardware | None = None,
    stats: Mapping[str, Any] | None = None,
    rulebook: Rulebook | None = None,
) -> Diagnosis:
    """Classify a failed run from its log and/or events and propose a config to retry with."""
    rulebook = rulebook or load_rulebook()
    from_log = config_from_log(log_text) if config is None and log_text else None
    hardware = _hardware(hardware, log_text or "")
    facts = Facts(
        stats=stats,
        config=config or from_log,
        hardware=hardware,
        events=tuple(events),
        log_text=log_text or "",
    )
    failures = [f for f in rulebook.evaluate(facts, lang) if f.rule.diagnosis]
    kind = _choose_kind(facts, failures)
    if kind == "unknown":
        return Diagnosis(
            kind="unknown",
            rule_ids=(),
            cause=t("unknown_cause", lang) + _engine_message(facts),
            fix=t("unknown_fix", lang),
            retry_config=None,
            evidence=_last_lines(facts.error_text),
            lang=lang,
        )
    primary = [f for f in failures if f.rule.diagnosis == kind]
    others = [f for f in failures if f.rule.diagnosis != kind]
    retry, changes, used = _retry(facts.config, facts, primary)
    retry, changes, fitted = _within_vram(facts, kind, retry, changes)
    shown = used or primary
    cause = " ".join(dict.fromkeys(f.text.problem for f in primary[:2]))
    fix = "\n".join(f"- {f.text.recommendation}" for f in shown)
    if fitted:
        fields = ", ".join(f"{k} = {v!r}" for k, v in fitted.items())
        arch, vram = facts.effective_arch, facts.hardware.vram_gb or 0
        fix += "\n- " + t("vram_rules", lang).format(arch=arch, vram=vram, fields=fields)
    return Diagnosis(
        kind=kind,
        rule_ids=tuple(f.id for f in [*primary, *others]),
        cause=cause + _engine_message(facts),
        fix=fix,
        retry_config=retry,
        changes=changes,
        evidence=_evidence(kind, facts.error_text),
        lang=lang,
        config_given=facts.config is not None,
        settings_from_log=from_log is not None and bool(changes),
    )


def _choose_kind(facts: Facts, failures: list[Finding]) -> str:
    fired = {f.rule.diagnosis for f in failures}
    for engine_kind in facts.error_kinds:
        kind = ENGINE_KINDS.get(engine_kind)
        if kind and kind in fired:
            return kind
    return next((k for k in PRIORITY if k in fired), "unknown")


def _retry(
    config: TrainConfig | None, facts: Facts, findings: list[Finding]
) -> tuple[TrainConfig | None, dict[str, tuple[Any, Any]], list[Finding]]:
    """Apply stage-1 fixes of the fired rules; stage-2 ones (they cost quality) only if none helped."""
    if config is None:
        return None, {}, []
    current, used = config, []
    for stage in (1, 2):
        for finding in (f for f in findings if f.rule.fix and f.rule.fix_stage == stage):
            new_values = fixes.FIXES[finding.rule.fix](current, facts, **dict(finding.rule.fix_params or {}))
            if not new_values:
                continue
            try:
                current = current.replace(**new_values)
            except ConfigError:
                continue  # a fix that would make the config invalid is skipped, the others still apply
            used.append(finding)
            if stage == 2 or len(used) >= MAX_FIXES:
                break  # a few changes at a time, so a retry that works also shows what mattered
        if used:
            break
    if not used:
        return None, {}, []
    old, new = config.to_dict(), current.to_dict()
    changes = {k: (old.get(k), new.get(k)) for k in new if old.get(k) != new.get(k)}
    return current, changes, used


def _hardware(given: Hardware | None, log_text: str) -> Hardware:
    """The GPU we were told about, its memory taken from the log when nobody said."""
    given = given or Hardware()
    if given.vram_gb is None:
        vram = vram_from_log(log_text)
        if vram:
            return replace(given, vram_gb=vram)
    return given


def _within_vram(
    facts: Facts, kind: str, retry: TrainConfig | None, changes: dict[str, tuple[Any, Any]]
) -> tuple[TrainConfig | None, dict[str, tuple[Any, Any]], dict[str, Any]]:
    """A retry config obeys the advisor's own VRAM rules (SDXL below 16 GB: batch 1, ...); after an
    out-of-memory failure it gets every free saver the card needs, not only the rules' first few."""
    base = retry or facts.config
    arch = facts.effective_arch
    if base is None or arch is None or (retry is None and kind != "oom"):
        return retry, changes, {}
    needed = memory.fit(base, arch, facts.hardware)
    if not needed:
        return retry, changes, {}
    fitted = base.replace(**needed)
    old, new = facts.config.to_dict(), fitted.to_dict()
    return fitted, {k: (old.get(k), new.get(k)) for k in new if old.get(k) != new.get(k)}, needed


def _engine_message(facts: Facts) -> str:
    messages = [str(e.get("message", "")).strip() for e in facts.events_of("error")]
    messages = [m for m in messages if m]
    return f" ({messages[-1][:300]})" if messages else ""


def _evidence(kind: str, text: str) -> str | None:
    for pattern in EVIDENCE.get(kind, ()):
        if pattern in FAILURES:
            line = first_match(pattern, text)
            if line:
                return line
    return None


def _last_lines(text: str, count: int = 3) -> str | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(lines[-count:])[:500] if lines else None
