"""Overfitting read from the validation loss (`val_loss` of a run's `validation` events).

Training loss keeps falling while a LoRA overfits; the loss on held-out images turns and rises. When
the validation curve has a minimum followed by at least `MIN_RISING` measurements that all sit above
it and end at least `MIN_RISE` (relative) higher, the run has been overfitting since that minimum's
step, and the checkpoint to keep is the saved one nearest that step (from the `checkpoint` events).
Torch-free: reads events only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MIN_RISING = 2
MIN_RISE = 0.03


@dataclass(frozen=True)
class Overfit:
    since_step: int  # the step of the lowest validation loss
    best_val_loss: float
    last_val_loss: float
    checkpoint_step: int | None  # the saved checkpoint nearest since_step (None: none saved)


def validation_curve(events: Iterable[Mapping[str, Any]]) -> list[tuple[int, float]]:
    """(step, val_loss) from `validation` events (or step events carrying val_loss), one per step."""
    curve: dict[int, float] = {}
    for event in events:
        value, step = event.get("val_loss"), event.get("step")
        if (
            event.get("type") in ("validation", "step")
            and isinstance(step, int)
            and isinstance(value, int | float)
        ) and math.isfinite(value):
            curve[step] = float(value)
    return sorted(curve.items())


def find_overfit(events: Iterable[Mapping[str, Any]]) -> Overfit | None:
    """The overfitting point, or None while the validation loss is not clearly rising."""
    events = list(events)
    curve = validation_curve(events)
    if len(curve) < MIN_RISING + 1:
        return None
    best = min(range(len(curve)), key=lambda i: (curve[i][1], curve[i][0]))
    after = curve[best + 1 :]
    best_step, best_value = curve[best]
    if len(after) < MIN_RISING or after[-1][1] < best_value * (1 + MIN_RISE):
        return None
    saved = [e["step"] for e in events if e.get("type") == "checkpoint" and isinstance(e.get("step"), int)]
    nearest = min(saved, key=lambda s: (abs(s - best_step), s)) if saved else None
    return Overfit(best_step, best_value, after[-1][1], nearest)


_TEXT = {
    "en": (
        "Overfitting since step {since}: the validation loss was lowest there ({best:.4f}) and has risen "
        "to {last:.4f}. Use checkpoint {ckpt}."
    ),
    "ko": (
        "{since} 스텝부터 과적합입니다. 검증 loss가 그때 가장 낮았고({best:.4f}) 지금은 {last:.4f}로 "
        "올랐습니다. {ckpt} 스텝 체크포인트를 쓰세요."
    ),
}


def overfit_advice(events: Iterable[Mapping[str, Any]], lang: str = "en") -> str | None:
    """One sentence naming the step and the checkpoint, or None when the curve is not rising."""
    found = find_overfit(events)
    if found is None:
        return None
    ckpt = found.checkpoint_step if found.checkpoint_step is not None else found.since_step
    return _TEXT.get(lang, _TEXT["en"]).format(
        since=found.since_step, best=found.best_val_loss, last=found.last_val_loss, ckpt=ckpt
    )


def curve_events(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """JOB_DIR/validation.json ({"curve": [[step, val_loss]...], "checkpoints": [steps]}) as events."""
    events: list[dict[str, Any]] = []
    for pair in data.get("curve") or []:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            events.append({"type": "validation", "step": pair[0], "val_loss": pair[1]})
    events += [{"type": "checkpoint", "step": s} for s in data.get("checkpoints") or [] if isinstance(s, int)]
    return events
