"""An injectable clock for the stand-in's deadlines (3-s first response, 15-min token lifetime).

Real time keeps flowing; tests move it forward with :meth:`Clock.advance` instead of sleeping, so a
"16 minutes later" check costs nothing. Rate limits deliberately use real time: discord.py waits them
out with real sleeps, and the two must agree.
"""

from __future__ import annotations

import threading
import time


class Clock:
    """Monotonic seconds plus an offset that tests can advance (thread-safe)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds on a monotonic scale, including every :meth:`advance` so far."""
        with self._lock:
            return time.monotonic() + self._offset

    def wall(self) -> float:
        """Unix time including the advanced offset (for timestamps in payloads)."""
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Jump forward; a negative jump is refused because deadlines must never move back."""
        if seconds < 0:
            raise ValueError(f"Clock.advance needs a non-negative number of seconds, got {seconds}")
        with self._lock:
            self._offset += seconds
