"""What a failed Discord request means, and how much the bot may still fail before Discord bans it.

Three classes, as Discord's own docs and discord.py treat them:

- **rate limited** (429): discord.py waits `retry_after` out and sends again by itself; one that still
  reaches us is retried after the time Discord named.
- **transient** (5xx, a dropped or timed-out connection): retried with exponential backoff and jitter,
  up to `Backoff.max_attempts` tries; after that the bot stops trying that channel.
- **permanent** (400/401/403/404/413 and their JSON codes: Unknown Channel 10003, Unknown Message
  10008, Missing Access 50001, Cannot send to this user 50007, Missing Permissions 50013, Request
  entity too large 40005, …): the same request can never succeed; it is never sent again.

`InvalidRequestBudget` counts the responses Cloudflare counts toward its ban (401, 403, and 429 except
shared-scope ones: 10,000 in 10 minutes bans the bot's IP for about an hour) from an aiohttp trace on
discord.py's own session, so the 429s discord.py waits out internally are counted too.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
import discord

log = logging.getLogger(__name__)

#: Discord's ban threshold (ENVIRONMENT.md; docs: Rate Limits > Invalid Request Limit).
DISCORD_INVALID_LIMIT = 10_000
DISCORD_INVALID_WINDOW_S = 600.0
PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 405, 413})
#: JSON codes that never heal by sending the same request again (docs: JSON Error Codes).
PERMANENT_CODES = frozenset(
    {10003, 10004, 10008, 10013, 10015, 40005, 50001, 50005, 50006, 50007, 50008, 50013, 50035, 160002}
)
#: Fill levels of the budget that are logged once each time they are crossed upwards.
BUDGET_WARN_LEVELS = (0.05, 0.1, 0.25, 0.5, 0.75)


class Kind(enum.Enum):
    RATE_LIMITED = "rate_limited"
    TRANSIENT = "transient"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Failure:
    """A classified failure: what kind, and a short reason for logs, state files and /train status."""

    kind: Kind
    reason: str
    status: int = 0
    code: int = 0
    retry_after: float | None = None

    @property
    def permanent(self) -> bool:
        return self.kind is Kind.PERMANENT


def classify(exc: BaseException) -> Failure | None:
    """The class of a failed Discord call, or None when `exc` is not a Discord/network failure."""
    if isinstance(exc, discord.RateLimited):
        return Failure(
            Kind.RATE_LIMITED, f"429 rate limited {exc.retry_after:.1f} s", 429, 0, exc.retry_after
        )
    if isinstance(exc, discord.HTTPException):
        status, code = exc.status, exc.code
        reason = f"{status} {code} {exc.text or ''}".strip()[:200]
        if status == 429:
            return Failure(Kind.RATE_LIMITED, reason, status, code, _retry_after(exc))
        if status in PERMANENT_STATUSES or code in PERMANENT_CODES:
            return Failure(Kind.PERMANENT, reason, status, code)
        return Failure(Kind.TRANSIENT, reason, status, code)
    if isinstance(exc, (aiohttp.ClientError, OSError, asyncio.TimeoutError)):
        return Failure(Kind.TRANSIENT, f"network: {type(exc).__name__}")
    return None


def _retry_after(exc: discord.HTTPException) -> float | None:
    try:
        return float(exc.response.headers.get("Retry-After", ""))
    except (AttributeError, ValueError):
        return None


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: try n waits base·2ⁿ (at most `cap_s`) times 0.5–1.0."""

    base_s: float = 2.0
    cap_s: float = 300.0
    max_attempts: int = 8

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        full = min(self.cap_s, self.base_s * 2 ** max(0, attempt))
        return full * (0.5 + 0.5 * (rng or random).random())

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


class InvalidRequestBudget:
    """401/403/429 responses in a sliding window; the share of Discord's ban limit they fill."""

    def __init__(
        self,
        *,
        limit: int = DISCORD_INVALID_LIMIT,
        window_s: float = DISCORD_INVALID_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._times: deque[float] = deque()
        self.total = 0  # since the start, for logs and the soak test
        self._warned = 0.0

    def record(self, status: int, scope: str | None = None) -> None:
        """Count one response if Cloudflare counts it (shared-scope 429s are exempt)."""
        if status in (401, 403) or (status == 429 and scope != "shared"):
            self._times.append(self.clock())
            self.total += 1
            self._warn_if_needed()

    def count(self) -> int:
        edge = self.clock() - self.window_s
        while self._times and self._times[0] < edge:
            self._times.popleft()
        return len(self._times)

    def fill(self) -> float:
        return self.count() / self.limit

    def edit_interval(self, base_s: float) -> float | None:
        """How far apart non-essential edits (progress bars) may be now; None: skip them entirely.
        Below 5% of the limit nothing changes; then the interval grows with the fill; from 50% on,
        only essential calls (results, first posts) are made."""
        fill = self.fill()
        if fill >= 0.5:
            return None
        if fill < 0.05:
            return base_s
        return base_s * (1.0 + 40.0 * fill)

    def summary(self) -> str:
        return f"{self.count()} of {self.limit} in {self.window_s / 60:.0f} min ({self.fill():.1%})"

    def _warn_if_needed(self) -> None:
        fill = self.fill()
        crossed = [level for level in BUDGET_WARN_LEVELS if fill >= level > self._warned]
        if crossed:
            self._warned = crossed[-1]
            log.warning(
                "Discord invalid-request budget at %s: non-essential edits are slowed down", self.summary()
            )
        elif fill < self._warned / 2:
            self._warned = 0.0

    def trace_config(self) -> aiohttp.TraceConfig:
        """An aiohttp trace for discord.py's session (`Client(http_trace=...)`) that feeds `record`."""
        trace = aiohttp.TraceConfig()

        async def on_end(session: object, ctx: object, params: aiohttp.TraceRequestEndParams) -> None:
            self.record(params.response.status, params.response.headers.get("X-RateLimit-Scope"))

        trace.on_request_end.append(on_end)
        return trace
