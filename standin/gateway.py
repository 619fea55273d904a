"""The stand-in's gateway: HELLO, heartbeats, IDENTIFY (intents enforced), READY, GUILD_CREATE,
RESUME with replay of missed events, and controls to drop, reconnect (op 7) or invalidate (op 9).

Docs: Gateway (Connection Lifecycle, Resuming), Opcodes and Status Codes. Frames go out as plain
JSON text; discord.py decompresses only binary frames, so compression is not needed.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from standin import limits, payloads
from standin.state import Store

HELLO, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HEARTBEAT_ACK = (
    10,
    1,
    2,
    6,
    7,
    8,
    9,
    11,
)
REPLAY_BUFFER = 5000


@dataclass
class Session:
    id: str
    intents: int
    seq: int = 0
    buffer: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=REPLAY_BUFFER))
    ws: web.WebSocketResponse | None = None
    request: web.Request | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class GatewayStats:
    connections: int = 0
    identifies: int = 0
    resumes: list[int] = field(default_factory=list)  # number of events replayed per RESUME
    refused: list[int] = field(default_factory=list)  # close codes sent on IDENTIFY refusals
    heartbeats: int = 0


Builder = Callable[[Session], dict[str, Any] | None]


class Gateway:
    def __init__(self, store: Store, record: Callable[[str, Any], None], heartbeat_ms: int) -> None:
        self.store = store
        self.record = record
        self.heartbeat_ms = heartbeat_ms
        self.resume_url = ""
        self.session: Session | None = None
        self.stats = GatewayStats()
        self.ready_event = asyncio.Event()
        self._accepting = asyncio.Event()
        self._accepting.set()
        self._sockets: set[web.WebSocketResponse] = set()
        self._acks: set[asyncio.Task[None]] = set()  # pending heartbeat ACKs (kept from the GC)

    # --- connection ------------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        # While held (drop_connection(hold=True)) the socket is accepted but HELLO waits, so that
        # events dispatched meanwhile are certainly missed and must come back through RESUME.
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            return await self._serve(ws, request)
        finally:
            self._sockets.discard(ws)

    async def _serve(self, ws: web.WebSocketResponse, request: web.Request) -> web.WebSocketResponse:
        await self._accepting.wait()
        if ws.closed:
            return ws
        self.stats.connections += 1
        await self._send(
            ws, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_ms}, "s": None, "t": None}
        )
        session: Session | None = None
        timeout = 2 * self.heartbeat_ms / 1000.0
        while not ws.closed:
            try:
                msg = await ws.receive(timeout=timeout)
            except TimeoutError:
                await ws.close(code=4000, message=b"No heartbeat received")
                break
            if msg.type != WSMsgType.TEXT:
                break
            try:
                frame = json.loads(msg.data)
                op = frame["op"]
            except (ValueError, KeyError, TypeError):
                await ws.close(code=4002, message=b"Decode error")
                break
            if op == HEARTBEAT:
                self.stats.heartbeats += 1
                self._ack_later(ws)
            elif op in (IDENTIFY, RESUME) and session is not None:
                await ws.close(code=4005, message=b"Already authenticated.")
            elif op == IDENTIFY:
                session = await self._identify(ws, request, frame.get("d") or {})
            elif op == RESUME:
                session = await self._resume(ws, request, frame.get("d") or {})
            elif session is None:
                await ws.close(code=4003, message=b"Not authenticated")
            elif op == REQUEST_MEMBERS:
                await self._members_chunk(session, frame.get("d") or {})
        if session is not None and session.ws is ws:
            session.ws = None
            session.request = None
        return ws

    def _ack_later(self, ws: web.WebSocketResponse) -> None:
        # Discord's ACK arrives a network round trip after the heartbeat. discord.py stamps the send
        # time in its keep-alive thread only once the send has completed, so an instant ACK can beat
        # that stamp and be measured against the previous beat (latency = the whole interval, and
        # "Can't keep up" past 10 s). The ACK goes out in its own task so other frames are not held.
        task = asyncio.get_running_loop().create_task(self._ack(ws))
        self._acks.add(task)
        task.add_done_callback(self._acks.discard)

    async def _ack(self, ws: web.WebSocketResponse) -> None:
        await asyncio.sleep(limits.HEARTBEAT_ACK_DELAY_S)
        try:
            await self._send(ws, {"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        except ConnectionError:
            return  # the socket went away meanwhile; the client reconnects and beats again

    async def _send(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        if not ws.closed:
            await ws.send_str(json.dumps(frame))

    async def _identify(
        self, ws: web.WebSocketResponse, request: web.Request, d: dict[str, Any]
    ) -> Session | None:
        app = self.store.app
        if d.get("token") != app.token:
            self.stats.refused.append(limits.CLOSE_AUTHENTICATION_FAILED)
            await ws.close(code=limits.CLOSE_AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return None
        intents = d.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents >= 1 << 26:
            self.stats.refused.append(limits.CLOSE_INVALID_INTENTS)
            await ws.close(code=limits.CLOSE_INVALID_INTENTS, message=b"Invalid intent(s).")
            return None
        privileged = sum(limits.PRIVILEGED_INTENTS)
        if intents & privileged & ~app.allowed_privileged_intents:
            self.stats.refused.append(limits.CLOSE_DISALLOWED_INTENTS)
            await ws.close(code=limits.CLOSE_DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return None
        self.stats.identifies += 1
        old = self.session
        if old is not None and old.ws is not None and old.ws is not ws:
            await old.ws.close(code=4000, message=b"Replaced by a new session")
        session = Session(id=secrets.token_hex(16), intents=intents, ws=ws, request=request)
        self.session = session
        store = self.store
        ready = {
            "v": limits.API_VERSION,
            "user": payloads.user(store.bot_user),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in store.guilds.values()],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_url,
            "application": {"id": str(app.id), "flags": app.flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "guild_join_requests": [],
        }
        await self._dispatch_to(session, "READY", ready)
        if intents & limits.INTENT_GUILDS:
            for guild in list(store.guilds.values()):
                await self._dispatch_to(session, "GUILD_CREATE", payloads.guild_create(store, guild))
        self.ready_event.set()
        return session

    async def _resume(
        self, ws: web.WebSocketResponse, request: web.Request, d: dict[str, Any]
    ) -> Session | None:
        session = self.session
        seq = d.get("seq")
        if (
            session is None
            or d.get("session_id") != session.id
            or d.get("token") != self.store.app.token
            or not isinstance(seq, int)
        ):
            await self._send(ws, {"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        if session.ws is not None and session.ws is not ws:
            await session.ws.close(code=4000, message=b"Resumed elsewhere")
        async with session.lock:
            session.ws = ws
            session.request = request
            missed = [f for f in session.buffer if f["s"] > seq]
            for frame in missed:
                await self._send(ws, frame)
            self.stats.resumes.append(len(missed))
        await self._dispatch_to(session, "RESUMED", {})
        return session

    async def _members_chunk(self, session: Session, d: dict[str, Any]) -> None:
        store = self.store
        guild = store.guilds.get(int(d.get("guild_id") or 0), store.guild)
        users = [store.users[uid] for uid in guild.member_ids]
        # op 8 filters: a username prefix ("" = everyone) or explicit ids, and a limit (0 = no limit).
        if d.get("user_ids"):
            wanted = {int(x) for x in (d["user_ids"] if isinstance(d["user_ids"], list) else [d["user_ids"]])}
            users = [u for u in users if u.id in wanted]
        elif d.get("query"):
            users = [u for u in users if u.username.lower().startswith(str(d["query"]).lower())]
        if d.get("limit"):
            users = users[: int(d["limit"])]
        members = [payloads.member(store, u, guild=guild) for u in users]
        chunk = {
            "guild_id": str(guild.id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if d.get("nonce") is not None:
            chunk["nonce"] = d["nonce"]
        await self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    # --- dispatch --------------------------------------------------------------------------------
    async def _dispatch_to(self, session: Session, event: str, d: dict[str, Any]) -> None:
        async with session.lock:
            session.seq += 1
            frame = {"op": 0, "t": event, "s": session.seq, "d": d}
            session.buffer.append(frame)
            self.record(event, d)
            if session.ws is not None:
                try:
                    await self._send(session.ws, frame)
                except ConnectionError:
                    # The socket died under us; the frame stays buffered for the RESUME.
                    session.ws = None

    async def dispatch(self, event: str, build: Builder) -> bool:
        """Send ``event`` to the bot's session (buffered while it is disconnected).

        ``build`` makes the payload for that session, or returns None when its intents exclude it.
        Returns False when no session exists (the bot never identified) or the event was filtered.
        """
        session = self.session
        if session is None:
            return False
        d = build(session)
        if d is None:
            return False
        await self._dispatch_to(session, event, d)
        return True

    # --- controls --------------------------------------------------------------------------------
    async def drop(self, *, hold: bool = False) -> None:
        """Cut the TCP connection without a close frame, as a network failure would."""
        if hold:
            self._accepting.clear()
        session = self.session
        if session is None or session.ws is None:
            return
        ws, request = session.ws, session.request
        session.ws = None
        session.request = None
        transport = request.transport if request is not None else None
        if transport is not None:
            transport.abort()
        else:
            await ws.close(code=4000, message=b"Dropped")

    def release(self) -> None:
        self._accepting.set()

    async def request_reconnect(self) -> None:
        session = self.session
        if session is not None and session.ws is not None:
            await self._send(session.ws, {"op": RECONNECT, "d": None, "s": None, "t": None})

    async def invalidate(self, *, resumable: bool = False) -> None:
        session = self.session
        if session is None or session.ws is None:
            return
        ws = session.ws
        if not resumable:
            self.session = None
            self.ready_event.clear()
        await self._send(ws, {"op": INVALID_SESSION, "d": resumable, "s": None, "t": None})

    async def shutdown(self) -> None:
        """Close every socket (held ones too) so the server can stop without waiting on them."""
        self._accepting.set()
        for task in list(self._acks):
            task.cancel()
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"stand-in stopping")

    def connected(self) -> bool:
        return self.session is not None and self.session.ws is not None and not self.session.ws.closed
