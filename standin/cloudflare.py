"""Discord's invalid-request limit (docs: Topics > Rate Limits > Invalid Request Limit): an IP that
gets 10,000 responses of 401, 403 or 429 (shared-scope 429s excepted) within 10 minutes is banned by
Cloudflare for about an hour — every request is then answered 403 with Cloudflare's HTML page, not
Discord's JSON. The stand-in counts every such response; the ban is off unless a test sets a limit
(`StandIn.set_invalid_request_ban`), so that it can be reached quickly."""

from __future__ import annotations

import threading
import time
from collections import deque

from aiohttp import web

from standin import limits

BANNED_PAGE = """<!DOCTYPE html>
<html><head><title>Access denied | discord.com used Cloudflare to restrict access</title></head>
<body><h1>Error 1015</h1><h2>You are being rate limited</h2>
<p>The owner of this website (discord.com) has banned you temporarily from accessing this website.</p>
</body></html>"""


class InvalidRequests:
    """Counts 401/403/429 answers in a sliding window; bans every route once `ban_after` is reached."""

    def __init__(self) -> None:
        self.ban_after: int | None = None
        self.window_s = limits.INVALID_REQUEST_WINDOW_S
        self.ban_s = limits.INVALID_REQUEST_BAN_S
        self.total = 0
        self.bans = 0
        self._times: deque[float] = deque()
        self._banned_until = 0.0
        self._lock = threading.Lock()

    def configure(self, ban_after: int | None, *, window_s: float, ban_s: float) -> None:
        with self._lock:
            self.ban_after, self.window_s, self.ban_s = ban_after, window_s, ban_s

    def record(self, status: int, scope: str | None) -> None:
        if status not in (401, 403, 429) or (status == 429 and scope == "shared"):
            return
        now = time.monotonic()
        with self._lock:
            self.total += 1
            self._times.append(now)
            self._prune(now)
            if self.ban_after is not None and len(self._times) >= self.ban_after and not self._banned(now):
                self._banned_until = now + self.ban_s
                self.bans += 1

    def count(self) -> int:
        with self._lock:
            self._prune(time.monotonic())
            return len(self._times)

    def banned(self) -> bool:
        with self._lock:
            return self._banned(time.monotonic())

    def _banned(self, now: float) -> bool:
        return now < self._banned_until

    def _prune(self, now: float) -> None:
        while self._times and self._times[0] < now - self.window_s:
            self._times.popleft()


def banned_response() -> web.Response:
    """What a banned IP gets for every route: 403 and an HTML page (discord.py raises Forbidden)."""
    return web.Response(status=403, text=BANNED_PAGE, content_type="text/html")
