"""Rate limits and injectable faults for the stand-in's REST routes.

A 429 carries what discord.py needs to wait it out rather than raise: ``Via`` (its Cloudflare check),
``Retry-After``, ``X-RateLimit-*`` headers and a JSON body with ``retry_after`` and ``global``.
Rate-limit time is real time (discord.py sleeps for real), not the injectable clock.
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from standin.errors import json_response


@dataclass
class Fault:
    pattern: (
        str  # fnmatch pattern over "METHOD /path" (path after /api/v10), e.g. "POST /channels/*/messages"
    )
    kind: str  # "429", "5xx" or "4xx"
    times: int = 1
    retry_after: float = 0.5
    is_global: bool = False
    status: int = 500
    code: int = 0
    message: str = ""
    hits: list[float] = field(default_factory=list)  # time.monotonic() of each injected response

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and fnmatch.fnmatchcase(f"{method} {path}", self.pattern)


def rate_limited_response(
    retry_after: float, *, is_global: bool, bucket: str, limit: int, scope: str = "user"
) -> web.Response:
    headers = {
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "Via": "1.1 google",
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Scope": "global" if is_global else scope,
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {
        "message": "You are being rate limited.",
        "retry_after": round(retry_after, 3),
        "global": is_global,
    }
    return json_response(body, status=429, headers=headers)


class Faults:
    """Faults queued by tests; each fires ``times`` times on matching requests, then stops."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def rate_limit(
        self, pattern: str, *, retry_after: float = 0.5, is_global: bool = False, times: int = 1
    ) -> Fault:
        """Answer the next ``times`` matching requests with a 429."""
        fault = Fault(pattern=pattern, kind="429", times=times, retry_after=retry_after, is_global=is_global)
        with self._lock:
            self._faults.append(fault)
        return fault

    def server_error(self, pattern: str, *, status: int = 500, times: int = 1) -> Fault:
        """Answer the next ``times`` matching requests with a 5xx and Discord's error body."""
        if not 500 <= status <= 599:
            raise ValueError(f"server_error needs a 5xx status, got {status}")
        fault = Fault(pattern=pattern, kind="5xx", times=times, status=status)
        with self._lock:
            self._faults.append(fault)
        return fault

    def client_error(
        self,
        pattern: str,
        *,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
        times: int = 1,
    ) -> Fault:
        """Answer the next ``times`` matching requests with a 4xx and Discord's JSON error (code, message)."""
        if not 400 <= status <= 499 or status == 429:
            raise ValueError(f"client_error needs a 4xx status other than 429, got {status}")
        fault = Fault(pattern=pattern, kind="4xx", times=times, status=status, code=code, message=message)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> web.Response | None:
        """The injected response for this request, if a fault matches."""
        with self._lock:
            fault = next((f for f in self._faults if f.matches(method, path)), None)
            if fault is None:
                return None
            fault.times -= 1
            fault.hits.append(time.monotonic())
        if fault.kind == "429":
            return rate_limited_response(
                fault.retry_after, is_global=fault.is_global, bucket="injected", limit=1, scope="shared"
            )
        if fault.kind == "4xx":
            return json_response({"message": fault.message, "code": fault.code}, status=fault.status)
        body = {"message": "Internal Server Error (injected)", "code": 0}
        return json_response(body, status=fault.status)


@dataclass
class _Bucket:
    limit: int
    window: float
    remaining: int
    reset_at: float


class RateLimiter:
    """Fixed-window buckets per (route, major parameter), plus the global per-second cap."""

    def __init__(self, global_per_s: int) -> None:
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._global_per_s = global_per_s
        self._global_window = (0.0, 0)

    def check(
        self, route: str, major: str, limit: int, window: float, *, count_global: bool
    ) -> tuple[dict[str, str], web.Response | None]:
        """Headers for a response on this route, or a ready 429 when the bucket is empty."""
        now = time.monotonic()
        bucket_hash = hashlib.sha1(route.encode()).hexdigest()[:16]
        if count_global:
            start, used = self._global_window
            if now - start >= 1.0:
                start, used = now, 0
            if used >= self._global_per_s:
                return {}, rate_limited_response(
                    1.0 - (now - start), is_global=True, bucket=bucket_hash, limit=self._global_per_s
                )
            self._global_window = (start, used + 1)
        b = self._buckets.get((route, major))
        if b is None or now >= b.reset_at:
            b = _Bucket(limit=limit, window=window, remaining=limit, reset_at=now + window)
            self._buckets[(route, major)] = b
        reset_after = max(0.0, b.reset_at - now)
        if b.remaining <= 0:
            return {}, rate_limited_response(reset_after, is_global=False, bucket=bucket_hash, limit=limit)
        b.remaining -= 1
        headers: dict[str, Any] = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(b.remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket_hash,
        }
        return headers, None
