"""Per-user command rate limit (settings.limits.commands_per_minute_per_user), a sliding window."""

from __future__ import annotations

import time
from collections import deque

WINDOW_S = 60.0


class CommandRateLimiter:
    """Counts each user's commands in the last minute; `check` returns seconds to wait, or 0."""

    def __init__(self, per_minute: int, window_s: float = WINDOW_S) -> None:
        self.per_minute = per_minute
        self.window_s = window_s
        self._seen: dict[int, deque[float]] = {}

    def check(self, user_id: int, *, now: float | None = None) -> float:
        """Record one command by `user_id`; >0: it is over the limit and may retry after that long."""
        now = time.monotonic() if now is None else now
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if len(times) >= self.per_minute:
            return self.window_s - (now - times[0])
        times.append(now)
        return 0.0
