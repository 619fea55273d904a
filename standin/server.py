"""The stand-in's aiohttp server, on 127.0.0.1 at a free port, in its own thread and event loop.

Its own loop matters: a bot that blocks its event loop must visibly miss Discord's deadlines, which
only happens when the "Discord" side keeps running while the bot is stuck.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from aiohttp import web

from standin import limits, rest, rest_interactions
from standin.clock import Clock
from standin.cloudflare import InvalidRequests, banned_response
from standin.errors import UNAUTHORIZED, DiscordAPIError, error_response, json_response
from standin.faults import Faults, RateLimiter
from standin.world import RequestLog, World

T = TypeVar("T")
_log = logging.getLogger(__name__)
API = rest.API
# Bodies up to this size are read at all; Discord's own limits are checked after (40005 / 413).
MAX_BODY = 2 * limits.ATTACHMENT_SIZE_LIMIT_BY_TIER[-1]
START_TIMEOUT_S = 10.0
# The status nginx logs for a request whose client closed the connection; never sent (nobody listens).
CLIENT_CLOSED_REQUEST = 499


def _client_gone(request: web.Request) -> bool:
    """True when the client's connection closed while its request was being handled."""
    transport = request.transport
    return transport is None or transport.is_closing()


def _route_limits(method: str, template: str) -> tuple[int, float, bool] | None:
    """(limit, window, counts toward the global limit) for a route, or None when unlimited."""
    if template.startswith(f"{API}/interactions/") or template.startswith("/cdn/") or template == "/gateway/":
        return None  # interaction callbacks are outside the global limit (docs: Rate Limits)
    if template.startswith(f"{API}/webhooks/"):
        return limits.WEBHOOK_LIMIT, limits.WEBHOOK_WINDOW_S, False
    if method == "POST" and template == f"{API}/channels/{{channel_id}}/messages":
        return limits.CHANNEL_MESSAGES_LIMIT, limits.CHANNEL_MESSAGES_WINDOW_S, True
    return limits.DEFAULT_ROUTE_LIMIT, limits.DEFAULT_ROUTE_WINDOW_S, True


class StandInServer:
    """Runs the world behind REST, CDN and gateway routes; thread-safe entry points for the driver."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        heartbeat_ms: int = limits.HEARTBEAT_INTERVAL_MS,
        bot_name: str = "loracord",
        guild_name: str = "loracord test",
    ) -> None:
        self.clock = clock or Clock()
        self.world = World(self.clock, heartbeat_ms, bot_name, guild_name)
        self.faults = Faults()
        self.limiter = RateLimiter(limits.GLOBAL_REQUESTS_PER_S)
        self.invalid = InvalidRequests()
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._thread = threading.Thread(target=self._run, name="discord-standin", daemon=True)
        self._started = threading.Event()
        self._runner: web.AppRunner | None = None
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway/"

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()
        if not self._started.wait(START_TIMEOUT_S):
            raise RuntimeError("The Discord stand-in did not start within 10 s.")
        if self._error is not None:
            raise RuntimeError(f"The Discord stand-in failed to start: {self._error}") from self._error

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop)
        try:
            fut.result(timeout=START_TIMEOUT_S)
        except TimeoutError:
            _log.warning("stand-in shutdown timed out; stopping its loop anyway")
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=START_TIMEOUT_S)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._startup())
        except OSError as exc:
            self._error = exc
            self._started.set()
            return
        self._started.set()
        self.loop.run_forever()
        self.loop.close()

    async def _startup(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=MAX_BODY)
        rest.register(app, rest.Routes(self.world))
        rest_interactions.register(app, rest_interactions.InteractionRoutes(self.world))
        app.router.add_get("/gateway/", self.world.gateway.handle)
        app.router.add_get("/gateway", self.world.gateway.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only through the asyncio server
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.world.base_url = self.base_url
        self.world.gateway.resume_url = self.gateway_url

    async def _shutdown(self) -> None:
        await self.world.gateway.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- cross-thread calls ----------------------------------------------------------------------
    def call(self, fn: Callable[[], T], timeout: float = START_TIMEOUT_S) -> T:
        """Run ``fn`` on the server loop and return its result (blocking; for setup from tests)."""

        async def wrapper() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(wrapper(), self.loop).result(timeout)

    async def run(self, coro_fn: Callable[[], Coroutine[Any, Any, T]], timeout: float) -> T:
        """Await ``coro_fn()`` on the server loop from another loop, cancelling it on timeout."""
        fut = asyncio.run_coroutine_threadsafe(coro_fn(), self.loop)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), timeout)
        except TimeoutError:
            fut.cancel()
            raise

    # --- middleware ------------------------------------------------------------------------------
    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        path = request.path[len(API) :] if request.path.startswith(API) else request.path
        try:
            response = await self._handle(request, handler, path)
        except DiscordAPIError as err:
            response = error_response(err)
        except web.HTTPException as exc:
            if exc.status == 404:
                response = json_response({"message": "404: Not Found", "code": 0}, status=404)
            elif exc.status == 405:
                response = json_response({"message": "405: Method Not Allowed", "code": 0}, status=405)
            elif exc.status == 413:
                response = error_response(DiscordAPIError(413, 40005, "Request entity too large"))
            else:
                raise
        except Exception as exc:  # noqa: BLE001 -- logged, recorded and answered; see below
            if _client_gone(request):
                # The client hung up before its request was complete (e.g. a bot closed mid-upload).
                # Discord never sees such a request: nothing was created, nobody is answered (aiohttp
                # drops the response, the socket being gone), and it is no bug of the stand-in.
                self.world.say(f"a client dropped {request.method} {path} before sending all of it")
                self.world.dropped_requests.append(f"{request.method} {path}")
                return web.Response(status=CLIENT_CLOSED_REQUEST)
            # A bug in the stand-in itself. A 500 would make discord.py retry for ~25 s; a 400 that names
            # the bug fails the bot's request at once, and the pytest fixture fails the test at teardown.
            _log.exception("stand-in internal error on %s %s", request.method, request.path)
            self.world.internal_errors.append(f"{request.method} {path}: {exc!r}")
            response = json_response({"message": f"stand-in internal error: {exc!r}", "code": 0}, status=400)
        self.world.requests.append(RequestLog(time.monotonic(), request.method, path, response.status))
        self.invalid.record(response.status, response.headers.get("X-RateLimit-Scope"))
        return response

    async def _handle(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]], path: str
    ) -> web.StreamResponse:
        resource = request.match_info.route.resource
        template = resource.canonical if resource is not None else request.path
        if template.startswith("/gateway"):
            return await handler(request)
        if self.invalid.banned():
            return banned_response()
        injected = self.faults.take(request.method, path)
        if injected is not None:
            return injected
        token_routes = (f"{API}/webhooks/", f"{API}/interactions/", "/cdn/")
        if not template.startswith(token_routes) and request.headers.get("Authorization") != (
            f"Bot {self.world.store.app.token}"
        ):
            raise DiscordAPIError(401, UNAUTHORIZED, "401: Unauthorized")
        rule = _route_limits(request.method, template)
        headers: dict[str, str] = {}
        if rule is not None:
            major = request.match_info.get("channel_id") or request.match_info.get("token") or ""
            headers, limited = self.limiter.check(
                f"{request.method} {template}", major, rule[0], rule[1], count_global=rule[2]
            )
            if limited is not None:
                return limited
        response = await handler(request)
        response.headers.update(headers)
        return response
