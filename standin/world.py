"""The stand-in's shared world: the store, the gateway, the clock, and the operations on messages
that REST routes and the test driver both use (create/edit/delete with dispatch and transcript)."""

from __future__ import annotations

import asyncio
import datetime
import json
import mimetypes
import urllib.parse
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from standin import limits, payloads
from standin.clock import Clock
from standin.errors import INVALID_FORM_BODY, REQUEST_ENTITY_TOO_LARGE, DiscordAPIError
from standin.gateway import Gateway, Session
from standin.state import Attachment, Message, Store, snowflake

HISTORY = 50_000
Upload = tuple[int, str, bytes, str | None]  # (index in files[n], filename, data, content type)


@dataclass
class RequestLog:
    at: float  # time.monotonic()
    method: str
    path: str
    status: int


async def read_body(request: web.Request) -> tuple[dict[str, Any], list[Upload]]:
    """A JSON body, or a multipart body of ``payload_json`` plus ``files[n]`` parts."""
    if not request.can_read_body:
        return {}, []
    ctype = request.headers.get("Content-Type", "")
    if ctype.startswith("multipart/"):
        payload: dict[str, Any] = {}
        uploads: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            name = part.name or ""  # type: ignore[union-attr]
            data = await part.read()  # type: ignore[union-attr]
            if name == "payload_json":
                payload = _parse_json(data)
            elif name.startswith("files[") and name.endswith("]"):
                try:
                    index = int(name[6:-1])
                except ValueError as exc:
                    raise _form_error(name, "Bad file field name; expected files[n].") from exc
                fname = part.filename or f"file{index}"  # type: ignore[union-attr]
                uploads.append((index, fname, bytes(data), part.headers.get("Content-Type")))  # type: ignore[union-attr]
        return payload, uploads
    raw = await request.read()
    return (_parse_json(raw) if raw else {}), []


def _parse_json(raw: bytes | bytearray) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise DiscordAPIError(400, 50109, "The request body contains invalid JSON.") from exc
    if not isinstance(value, dict):
        raise _form_error("_root", "Expected a JSON object.")
    return value


def _form_error(field: str, message: str) -> DiscordAPIError:
    return DiscordAPIError(
        400,
        INVALID_FORM_BODY,
        "Invalid Form Body",
        {field: {"_errors": [{"code": "BASE_TYPE_INVALID", "message": message}]}},
    )


class World:
    def __init__(self, clock: Clock, heartbeat_ms: int, bot_name: str, guild_name: str) -> None:
        self.store = Store(bot_name=bot_name, guild_name=guild_name)
        self.clock = clock
        # Bounded so that a long `loracord demo` does not grow without end; tests stay far below.
        self.outgoing: deque[tuple[str, Any]] = deque(maxlen=HISTORY)  # every payload sent, for schema checks
        self.gateway = Gateway(self.store, self.record, heartbeat_ms)
        self.base_url = ""
        self.requests: deque[RequestLog] = deque(maxlen=HISTORY)
        self.internal_errors: list[str] = []  # bugs in the stand-in's handlers (see server.py)
        self.dropped_requests: list[str] = []  # "METHOD /path" of requests their client abandoned
        self.closed_dms: set[int] = set()  # users who do not accept the bot's direct messages
        self.nonces: dict[tuple[int, str], tuple[float, int]] = {}  # (author, nonce) -> (time, message id)
        self.attachments: dict[int, tuple[int, Attachment]] = {}
        self.log: deque[tuple[float, str]] = deque(maxlen=HISTORY)  # (wall time, line) for the transcript
        self._changed: asyncio.Condition | None = None

    # --- notifications ---------------------------------------------------------------------------
    @property
    def changed(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    def record(self, kind: str, payload: Any) -> None:
        self.outgoing.append((kind, payload))

    def say(self, line: str) -> None:
        self.log.append((self.clock.wall(), line))

    # --- attachments -----------------------------------------------------------------------------
    def cdn_url(self, channel_id: int, attachment_id: int, filename: str) -> str:
        return f"{self.base_url}/cdn/attachments/{channel_id}/{attachment_id}/{urllib.parse.quote(filename)}"

    def attachments_from(
        self, channel_id: int, payload: dict[str, Any], uploads: list[Upload]
    ) -> list[Attachment]:
        described = {}
        for item in payload.get("attachments") or []:
            if isinstance(item, dict) and "id" in item:
                described[str(item["id"])] = item
        out = []
        for index, fname, data, ctype in sorted(uploads):
            meta = described.get(str(index), {})
            filename = meta.get("filename") or fname
            aid = snowflake()
            att = self.register_attachment(
                Attachment(
                    id=aid,
                    filename=filename,
                    data=data,
                    content_type=ctype
                    if ctype and ctype != "application/octet-stream"
                    else guess_type(filename),
                    url=self.cdn_url(channel_id, aid, filename),
                    description=meta.get("description"),
                ),
                channel_id,
            )
            out.append(att)
        return out

    def register_attachment(self, att: Attachment, channel_id: int) -> Attachment:
        self.attachments[att.id] = (channel_id, att)
        return att

    def find_attachment(self, channel_id: int, attachment_id: int, filename: str) -> Attachment | None:
        """The stored upload behind a CDN URL (channel, id and filename must all match)."""
        found = self.attachments.get(attachment_id)
        if found is None or found[0] != channel_id or found[1].filename != filename:
            return None
        return found[1]

    # --- intents ---------------------------------------------------------------------------------
    def message_for(self, session: Session, msg: Message, *, event: str) -> dict[str, Any] | None:
        """The payload this session may see, or None when its intents exclude the event."""
        ch = self.store.channels.get(msg.channel_id)
        if msg.ephemeral:
            return None
        needed = (
            limits.INTENT_DIRECT_MESSAGES if ch is not None and ch.is_dm else limits.INTENT_GUILD_MESSAGES
        )
        if not session.intents & needed:
            return None
        return payloads.message(self.store, msg, blank_content=self.blank_for(session.intents, msg))

    def blank_for(self, intents: int, msg: Message) -> bool:
        """Discord blanks content, embeds, attachments and components without MESSAGE_CONTENT,
        except in DMs, in messages that mention the app and in the app's own messages."""
        if intents & limits.INTENT_MESSAGE_CONTENT:
            return False
        bot_id = self.store.app.bot_user_id
        ch = self.store.channels.get(msg.channel_id)
        return not (msg.author_id == bot_id or bot_id in msg.mention_ids or (ch is not None and ch.is_dm))

    # --- messages --------------------------------------------------------------------------------
    def check_request_size(self, uploads: list[Upload], file_limit: int) -> None:
        total = sum(len(u[2]) for u in uploads)
        most = max(limits.REQUEST_SIZE_LIMIT, file_limit)
        if total > most:
            raise DiscordAPIError(
                413, REQUEST_ENTITY_TOO_LARGE, f"Request entity too large ({total} bytes > {most})"
            )

    def message_by_nonce(self, author_id: int, payload: dict[str, Any]) -> Message | None:
        """With `enforce_nonce`, the message this author already created with this nonce within the
        last few minutes: Discord returns it instead of creating another (docs: Create Message)."""
        nonce = payload.get("nonce")
        if nonce is None:
            return None
        if len(str(nonce)) > limits.NONCE_MAX:
            raise _form_error("nonce", f"Must be {limits.NONCE_MAX} or fewer in length.")
        if not payload.get("enforce_nonce"):
            return None
        found = self.nonces.get((author_id, str(nonce)))
        if found is None or self.clock.wall() - found[0] > limits.NONCE_WINDOW_S:
            return None
        msg = self.store.messages.get(found[1])
        return msg if msg is not None and not msg.deleted else None

    def _remember_nonce(self, key: tuple[int, str], msg: Message) -> None:
        self.nonces[key] = (msg.created, msg.id)
        if len(self.nonces) > HISTORY:  # forget the expired ones now and then (a long demo)
            oldest = msg.created - limits.NONCE_WINDOW_S
            self.nonces = {k: v for k, v in self.nonces.items() if v[0] >= oldest}

    async def create_message(
        self,
        channel_id: int,
        author_id: int,
        payload: dict[str, Any],
        uploads: list[Upload],
        *,
        flags: int = 0,
        interaction_id: int | None = None,
        webhook: bool = False,
    ) -> Message:
        content = payload.get("content") or ""
        mentions = [uid for uid in self.store.users if f"<@{uid}>" in content or f"<@!{uid}>" in content]
        ref = payload.get("message_reference") or {}
        msg = Message(
            id=snowflake(),
            channel_id=channel_id,
            author_id=author_id,
            content=content,
            embeds=list(payload.get("embeds") or []),
            components=list(payload.get("components") or []),
            attachments=self.attachments_from(channel_id, payload, uploads),
            flags=flags | (int(payload.get("flags") or 0) & ~limits.FLAG_LOADING),
            created=self.clock.wall(),
            mention_ids=mentions,
            interaction_id=interaction_id,
            webhook_id=self.store.app.id if webhook else None,
            referenced_id=int(ref["message_id"]) if ref.get("message_id") else None,
        )
        self.store.add_message(msg)
        if payload.get("nonce") is not None and payload.get("enforce_nonce"):
            self._remember_nonce((author_id, str(payload["nonce"])), msg)
        self.say(self.describe(msg, "says"))
        await self.gateway.dispatch(
            "MESSAGE_CREATE", lambda s: self.message_for(s, msg, event="MESSAGE_CREATE")
        )
        await self.notify()
        return msg

    async def edit_message(self, msg: Message, payload: dict[str, Any], uploads: list[Upload]) -> Message:
        if "content" in payload:
            msg.content = payload["content"] or ""
        if "embeds" in payload:
            msg.embeds = list(payload["embeds"] or [])
        if "components" in payload:
            msg.components = list(payload["components"] or [])
        if "attachments" in payload:
            keep = {str(a["id"]) for a in payload["attachments"] or [] if isinstance(a, dict) and "id" in a}
            msg.attachments = [a for a in msg.attachments if str(a.id) in keep]
        msg.attachments += self.attachments_from(msg.channel_id, payload, uploads)
        if "flags" in payload and payload["flags"] is not None:
            msg.flags = (msg.flags & limits.FLAG_EPHEMERAL) | (int(payload["flags"]) & ~limits.FLAG_LOADING)
        msg.flags &= ~limits.FLAG_LOADING
        msg.edited = self.clock.wall()
        self.say(self.describe(msg, "edits"))
        await self.gateway.dispatch(
            "MESSAGE_UPDATE", lambda s: self.message_for(s, msg, event="MESSAGE_UPDATE")
        )
        await self.notify()
        return msg

    async def delete_message(self, msg: Message) -> None:
        msg.deleted = True
        self.say(
            f"{self.where(msg.channel_id)} {self.store.users[msg.author_id].username} deletes message {msg.id}"
        )
        data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        ch = self.store.channels.get(msg.channel_id)
        if ch is not None and ch.guild_id:
            data["guild_id"] = str(ch.guild_id)
        if not msg.ephemeral:
            await self.gateway.dispatch("MESSAGE_DELETE", lambda s: data)
        await self.notify()

    # --- readable form ---------------------------------------------------------------------------
    def where(self, channel_id: int) -> str:
        ch = self.store.channels.get(channel_id)
        if ch is None:
            return f"#{channel_id}"
        if ch.is_dm:
            return f"DM:{self.store.users[ch.recipient_ids[0]].username}"
        return f"#{ch.name}"

    def describe(self, msg: Message, verb: str) -> str:
        author = self.store.users[msg.author_id].username
        parts = [f"{self.where(msg.channel_id)} {author} {verb}:"]
        if msg.flags & limits.FLAG_LOADING:
            parts.append("(thinking…)")
        if msg.content:
            parts.append(repr(msg.content))
        for e in msg.embeds:
            title = e.get("title") or ""
            fields = ", ".join(f"{f.get('name')}={f.get('value')}" for f in e.get("fields") or [])
            parts.append(f"[embed {title!r} {e.get('description') or ''!r}{' ' + fields if fields else ''}]")
        for a in msg.attachments:
            parts.append(f"[file {a.filename} {a.size} B]")
        buttons = [c for row in msg.components for c in row.get("components", []) if isinstance(c, dict)]
        if buttons:
            parts.append(
                "["
                + ", ".join(
                    f"{b.get('label') or b.get('placeholder') or ''}<{b.get('custom_id')}>" for b in buttons
                )
                + "]"
            )
        if msg.ephemeral and msg.interaction_id in self.store.interactions:
            who = self.store.users[self.store.interactions[msg.interaction_id].user_id].username
            parts.append(f"(only {who} sees this)")
        return " ".join(parts)

    def transcript(self) -> str:
        lines = []
        for wall, line in self.log:
            stamp = datetime.datetime.fromtimestamp(wall, datetime.UTC).strftime("%H:%M:%S.%f")[:-3]
            lines.append(f"{stamp} {line}")
        return "\n".join(lines)


def guess_type(filename: str) -> str | None:
    return mimetypes.guess_type(filename)[0]
