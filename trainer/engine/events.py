"""Progress going out of a run: events.jsonl, a terminal progress bar, the loss curve, TensorBoard.

Every event is one JSON object on its own line, appended and flushed at once, so the worker and the
bot can tail the file while the run goes on (docs/contracts.md lists the event types).
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trainer.job_paths import JobPaths


class EventWriter:
    """Appends events to RUN/events.jsonl and mirrors step events on a tqdm bar when on a terminal."""

    def __init__(self, job_dir: Path, *, progress: bool | None = None) -> None:
        self.job_dir = Path(job_dir)
        self.job_dir.mkdir(parents=True, exist_ok=True)
        self.path = JobPaths(self.job_dir).events
        # A bar only helps a person watching; the worker redirects output to train.log.
        self._want_bar = sys.stderr.isatty() if progress is None else progress
        self._bar: Any = None

    def emit(self, event_type: str, /, **fields: Any) -> dict[str, Any]:
        event = {"type": event_type, "time": time.time(), **fields}
        line = json.dumps(event, default=_jsonable, allow_nan=False)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
        self._update_bar(event)
        return event

    def _update_bar(self, event: dict[str, Any]) -> None:
        if not self._want_bar:
            return
        kind = event["type"]
        if kind == "start":
            from tqdm import tqdm

            self._bar = tqdm(total=event["total"], initial=event.get("resumed_from", 0), unit="step")
        elif kind == "step" and self._bar is not None:
            self._bar.n = event["step"]
            self._bar.set_postfix(loss=f"{event['loss']:.4f}", lr=f"{event['lr']:.2e}", refresh=False)
            self._bar.refresh()
        elif kind in ("done", "stopped", "error") and self._bar is not None:
            self._bar.close()
            self._bar = None

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} into an event")


def plot_loss_curve(
    losses: Sequence[tuple[int, float]],
    path: Path,
    title: str = "",
    val_losses: Sequence[tuple[int, float]] = (),
) -> Path:
    """Write the loss per step and its moving average as a PNG (matplotlib, no display needed), and
    the validation loss at its steps when images were held out."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    steps = [s for s, _ in losses]
    values = [v for _, v in losses]
    window = max(1, len(values) // 20)
    smooth = [
        sum(values[max(0, i - window + 1) : i + 1]) / len(values[max(0, i - window + 1) : i + 1])
        for i in range(len(values))
    ]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.plot(steps, values, color="#9ab", linewidth=0.8, label="loss")
    ax.plot(steps, smooth, color="#c33", linewidth=1.6, label=f"moving average ({window} steps)")
    if val_losses:
        ax.plot(*zip(*val_losses, strict=True), "o-", color="#27a", linewidth=1.6, label="validation loss")
        values = values + [v for _, v in val_losses]
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if values and min(values) > 0 and max(values) / min(values) > 50 and math.isfinite(max(values)):
        ax.set_yscale("log")
    ax.set_title(title or "training loss")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.png")
    fig.savefig(tmp)
    plt.close(fig)
    tmp.replace(path)
    return path
