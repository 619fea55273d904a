"""Why a job failed, in words a user can act on.

The advisor's diagnosis (`advisor.diagnose.diagnose`) reads the log, the events and the config and
knows the guide's rules; when it is installed it has the last word. Without it, the `error` event's
`kind` (written by the training child) picks one of the built-in explanations below, and a child that
died without an `error` event is explained from its exit status.
"""

from __future__ import annotations

import importlib
import logging
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LOG_TAIL_CHARS = 4000


@dataclass(frozen=True)
class Classified:
    kind: str
    cause: str
    fix: str
    rule_ids: tuple[str, ...] = ()


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


def _advisor_diagnose() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("advisor.diagnose")
    except ImportError:
        return None
    return getattr(module, "diagnose", None)


def classify(
    kind: str,
    log_text: str,
    events: Sequence[Mapping[str, Any]],
    config: Any,
    *,
    diagnose: Callable[..., Any] | None = None,
) -> Classified:
    """Cause and fix of a failure of `kind` (from the error event, or crash/timeout)."""
    fn = diagnose if diagnose is not None else _advisor_diagnose()
    if fn is not None:
        try:
            d = fn(log_text, list(events), config, lang="en")
        except Exception:  # a broken diagnosis must not lose the failure record (logged below)
            log.exception("advisor diagnosis failed; using the built-in explanation")
        else:
            # "unknown" means no rule matched: the kind we already know explains more.
            if d is not None and getattr(d, "cause", None) and getattr(d, "kind", "") != "unknown":
                return Classified(
                    kind=str(getattr(d, "kind", "") or kind),
                    cause=str(d.cause),
                    fix=str(getattr(d, "fix", "") or ""),
                    rule_ids=tuple(getattr(d, "rule_ids", ()) or ()),
                )
    cause, fix = BUILTIN.get(kind, BUILTIN["internal"])
    return Classified(kind=kind if kind in BUILTIN else "internal", cause=cause, fix=fix)
