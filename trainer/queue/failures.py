"""Why a job failed, in words a user can act on.

The worker is given a diagnoser by the process that starts it (`cli.worker_process` passes the
advisor's `advisor.diagnose.diagnose`; the trainer never imports the advisor). It reads the log, the
events and the config and knows the guide's rules; when given, it has the last word, and its rendered
explanation in every advisor language is kept with the job (`Classified.texts`, JOB_DIR/diagnosis.json)
so that the bot only shows it. Without one, the `error` event's `kind` (written by the training child)
picks one of the built-in explanations below, and a child that died without an `error` event is
explained from its exit status.
"""

from __future__ import annotations

import json
import logging
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.settings import ADVISOR_LANGUAGES
from trainer.job_paths import JobPaths

log = logging.getLogger(__name__)

LOG_TAIL_CHARS = 4000


#: diagnose(log_text, events, config, lang=...) -> an object with kind, cause, fix, rule_ids and,
#: optionally, render() (the full explanation) and changes ({field: (old, new)} for a retry).
Diagnoser = Callable[..., Any]


@dataclass(frozen=True)
class Classified:
    kind: str
    cause: str
    fix: str
    rule_ids: tuple[str, ...] = ()
    #: The diagnoser's full explanation per language ({} without a diagnoser).
    texts: Mapping[str, str] = field(default_factory=dict)
    #: Config changes for a retry: {field: (old, new)} ({} when none is proposed).
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """What the worker keeps in JOB_DIR/diagnosis.json for the bot."""
        return {
            "kind": self.kind,
            "cause": self.cause,
            "fix": self.fix,
            "rule_ids": list(self.rule_ids),
            "texts": dict(self.texts),
            "changes": {k: [old, new] for k, (old, new) in self.changes.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Classified:
        changes = data.get("changes") or {}
        return cls(
            kind=str(data.get("kind") or "internal"),
            cause=str(data.get("cause") or ""),
            fix=str(data.get("fix") or ""),
            rule_ids=tuple(str(r) for r in data.get("rule_ids") or ()),
            texts={str(k): str(v) for k, v in (data.get("texts") or {}).items()},
            changes={str(k): (v[0], v[1]) for k, v in changes.items() if isinstance(v, list) and len(v) == 2},
        )


BUILTIN: dict[str, tuple[str, str]] = {
    "oom": (
        "The GPU ran out of memory.",
        "Lower train_batch_size or resolution, turn on gradient_checkpointing, or use mixed_precision fp16/bf16.",
    ),
    "nan": (
        "The loss became NaN (training diverged).",
        "Lower the learning rate (the guide uses 1e-4 to 1e-5), keep max_grad_norm at 1.0, or use bf16 "
        "instead of fp16.",
    ),
    "model": (
        "The base model could not be loaded.",
        "Pick a base model from the allowlist; an operator should check the model files.",
    ),
    "data": ("The training images or captions could not be used.", "Check the dataset and upload it again."),
    "config": ("A training setting is invalid.", "Correct the setting named in the message and resubmit."),
    "disk": ("The disk filled up while saving.", "An operator must free disk space; then resubmit."),
    "timeout": (
        "The job ran longer than the per-job time limit.",
        "Train fewer steps or a lower resolution, or ask an operator about worker.job_timeout_minutes.",
    ),
    "crash": (
        "The training process ended unexpectedly (killed, or a crash in native code).",
        "Resubmit; if it happens again an operator should look at the log (host memory, drivers).",
    ),
    "internal": ("loracord hit an internal error.", "Report it to the operators with the job id."),
}


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "did not exit"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with status {returncode}"


def log_tail(path: Path, chars: int = LOG_TAIL_CHARS) -> str:
    """The last `chars` characters of a log file ('' when there is none)."""
    try:
        with Path(path).open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - chars * 4))
            text = fh.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return text[-chars:]


def save_diagnosis(job_dir: Path, verdict: Classified) -> None:
    """Keep the verdict with the job (written whole, then renamed: a reader never sees half a file)."""
    path = JobPaths(job_dir).diagnosis
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(verdict.to_json(), ensure_ascii=False, default=str), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:  # a full or vanished disk must not lose the store's failure record
        log.warning("could not write %s: %s", path, exc)


def load_diagnosis(job_dir: Path) -> Classified | None:
    """The verdict the worker kept for a failed job (None when there is none, or it is unreadable)."""
    try:
        data = json.loads(JobPaths(job_dir).diagnosis.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Classified.from_json(data) if isinstance(data, dict) else None


def _run_diagnoser(
    diagnose: Diagnoser, log_text: str, events: Sequence[Mapping[str, Any]], config: Any
) -> dict[str, Any]:
    """The diagnoser's verdict per language ({} when it failed: the failure record must not be lost)."""
    verdicts: dict[str, Any] = {}
    for lang in ADVISOR_LANGUAGES:
        try:
            verdicts[lang] = diagnose(log_text, list(events), config, lang=lang)
        except Exception:  # a broken diagnosis must not lose the failure record (logged here)
            log.exception("advisor diagnosis failed; using the built-in explanation")
            return {}
    return {lang: d for lang, d in verdicts.items() if d is not None}


def classify(
    kind: str,
    log_text: str,
    events: Sequence[Mapping[str, Any]],
    config: Any,
    *,
    diagnose: Diagnoser | None = None,
) -> Classified:
    """Cause and fix of a failure of `kind` (from the error event, or crash/timeout)."""
    verdicts = _run_diagnoser(diagnose, log_text, events, config) if diagnose is not None else {}
    d = verdicts.get("en")
    texts = {lang: v.render() for lang, v in verdicts.items() if callable(getattr(v, "render", None))}
    changes = dict(getattr(d, "changes", None) or {})
    # "unknown" means no rule matched: the kind we already know explains more.
    if d is not None and getattr(d, "cause", None) and getattr(d, "kind", "") != "unknown":
        return Classified(
            kind=str(getattr(d, "kind", "") or kind),
            cause=str(d.cause),
            fix=str(getattr(d, "fix", "") or ""),
            rule_ids=tuple(getattr(d, "rule_ids", ()) or ()),
            texts=texts,
            changes=changes,
        )
    cause, fix = BUILTIN.get(kind, BUILTIN["internal"])
    return Classified(kind=kind if kind in BUILTIN else "internal", cause=cause, fix=fix, texts=texts)
