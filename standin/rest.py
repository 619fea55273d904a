"""REST routes: login, gateway info, command sync, channel messages, threads, DMs, guild, CDN.

Interaction callbacks and webhooks (followups, @original) live in rest_interactions.py.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from standin import limits, payloads, permissions
from standin.errors import (
    CANNOT_EDIT_OTHERS_MESSAGE,
    CANNOT_SEND_TO_USER,
    MISSING_ACCESS,
    UNKNOWN_APPLICATION_COMMAND,
    UNKNOWN_CHANNEL,
    UNKNOWN_MESSAGE,
    UNKNOWN_USER,
    DiscordAPIError,
    FormErrors,
    json_response,
)
from standin.message_rules import check_message
from standin.schemas import check_command, check_command_list
from standin.state import Channel, Command, Guild, Message, snowflake
from standin.world import World, read_body

API = f"/api/v{limits.API_VERSION}"


class Routes:
    def __init__(self, world: World) -> None:
        self.world = world
        self.store = world.store

    def reply(self, kind: str, data: Any, status: int = 200) -> web.Response:
        self.world.record(kind, data)
        return json_response(data, status=status)

    # --- login and gateway -----------------------------------------------------------------------
    async def me(self, request: web.Request) -> web.Response:
        return self.reply("user", payloads.user(self.store.bot_user))

    async def get_user(self, request: web.Request) -> web.Response:
        u = self.store.users.get(_id(request, "user_id"))
        if u is None:
            raise DiscordAPIError(404, UNKNOWN_USER, "Unknown User")
        return self.reply("user", payloads.user(u))

    async def application(self, request: web.Request) -> web.Response:
        app = self.store.app
        data = {
            "id": str(app.id),
            "name": app.name,
            "icon": None,
            "description": "loracord stand-in application",
            "rpc_origins": [],
            "bot_public": False,
            "bot_require_code_grant": False,
            "bot": payloads.user(self.store.bot_user),
            "owner": payloads.user(self.store.users[app.owner_id]),
            "team": None,
            "verify_key": "0" * 64,
            "flags": app.flags,
            "summary": "",
            "interactions_endpoint_url": None,
            "integration_types_config": {"0": {}},
            "approximate_guild_count": 1,
        }
        return self.reply("application", data)

    async def gateway_url(self, request: web.Request) -> web.Response:
        data: dict[str, Any] = {"url": self.world.gateway.resume_url}
        if request.path.endswith("/bot"):
            data["shards"] = 1
            data["session_start_limit"] = {
                "total": 1000,
                "remaining": 999,
                "reset_after": 0,
                "max_concurrency": 1,
            }
        return self.reply("gateway", data)

    # --- commands --------------------------------------------------------------------------------
    def _scope(self, request: web.Request) -> int | None:
        if _id(request, "application_id") != self.store.app.id:
            raise DiscordAPIError(403, MISSING_ACCESS, "Missing Access")
        if "guild_id" not in request.match_info:
            return None
        gid = _id(request, "guild_id")
        if gid not in self.store.guilds:
            raise DiscordAPIError(403, MISSING_ACCESS, "Missing Access")
        return gid

    def _command_payload(self, cmd: Command) -> dict[str, Any]:
        d = cmd.data
        out = {
            "id": str(cmd.id),
            "application_id": str(self.store.app.id),
            "version": str(cmd.version),
            "type": d.get("type", 1),
            "name": d["name"],
            "name_localizations": d.get("name_localizations"),
            "description": d.get("description", ""),
            "description_localizations": d.get("description_localizations"),
            "options": d.get("options") or [],
            "default_member_permissions": d.get("default_member_permissions"),
            "nsfw": bool(d.get("nsfw", False)),
            "integration_types": d.get("integration_types") or [0],
            "contexts": d.get("contexts"),
        }
        if cmd.guild_id is not None:
            out["guild_id"] = str(cmd.guild_id)
        else:
            out["dm_permission"] = d.get("dm_permission", True)
        return out

    def _store_command(self, gid: int | None, data: dict[str, Any], table: dict[str, Command]) -> Command:
        key = f"{data.get('type', 1)}:{data['name']}"
        old = table.get(key)
        if old is not None and old.data == data:
            return old
        cmd = Command(id=old.id if old else snowflake(), data=data, guild_id=gid, version=snowflake())
        table[key] = cmd
        return cmd

    async def list_commands(self, request: web.Request) -> web.Response:
        table = self.store.commands_for(self._scope(request))
        return self.reply("commands", [self._command_payload(c) for c in table.values()])

    async def bulk_overwrite(self, request: web.Request) -> web.Response:
        gid = self._scope(request)
        raw = await request.read()
        body = _json_list(raw)
        check_command_list(body).raise_if_any()
        old = self.store.commands_for(gid)
        fresh: dict[str, Command] = {}
        for data in body:
            self._store_command(gid, data, old)
            key = f"{data.get('type', 1)}:{data['name']}"
            fresh[key] = old[key]
        old.clear()
        old.update(fresh)
        self.world.say(
            f"commands synced ({'guild' if gid else 'global'}): {', '.join(sorted(fresh)) or 'none'}"
        )
        return self.reply("commands", [self._command_payload(c) for c in fresh.values()])

    async def upsert_command(self, request: web.Request) -> web.Response:
        gid = self._scope(request)
        data, _ = await read_body(request)
        errors = FormErrors()
        check_command(errors, (), data)
        errors.raise_if_any()
        table = self.store.commands_for(gid)
        existed = f"{data.get('type', 1)}:{data['name']}" in table
        cmd = self._store_command(gid, data, table)
        return self.reply("command", self._command_payload(cmd), status=200 if existed else 201)

    def _command_by_id(self, request: web.Request) -> tuple[dict[str, Command], str, Command]:
        table = self.store.commands_for(self._scope(request))
        cid = _id(request, "command_id")
        for key, cmd in table.items():
            if cmd.id == cid:
                return table, key, cmd
        raise DiscordAPIError(404, UNKNOWN_APPLICATION_COMMAND, "Unknown application command")

    async def get_command(self, request: web.Request) -> web.Response:
        return self.reply("command", self._command_payload(self._command_by_id(request)[2]))

    async def delete_command(self, request: web.Request) -> web.Response:
        table, key, _ = self._command_by_id(request)
        del table[key]
        return web.Response(status=204)

    # --- channels and messages -------------------------------------------------------------------
    def channel(self, request: web.Request) -> Channel:
        ch = self.store.channels.get(_id(request, "channel_id"))
        if ch is None:
            raise DiscordAPIError(404, UNKNOWN_CHANNEL, "Unknown Channel")
        permissions.require_view(self.store, ch)
        return ch

    def message(self, request: web.Request, ch: Channel) -> Message:
        msg = self.store.messages.get(_id(request, "message_id"))
        if msg is None or msg.deleted or msg.channel_id != ch.id or msg.ephemeral:
            raise DiscordAPIError(404, UNKNOWN_MESSAGE, "Unknown Message")
        return msg

    def message_out(self, msg: Message) -> dict[str, Any]:
        session = self.world.gateway.session
        blank = session is not None and self.world.blank_for(session.intents, msg)
        return payloads.message(self.store, msg, blank_content=blank)

    async def get_channel(self, request: web.Request) -> web.Response:
        ch = self.channel(request)
        data = payloads.dm_channel(self.store, ch) if ch.is_dm else payloads.channel(ch)
        return self.reply("channel", data)

    async def create_message(self, request: web.Request) -> web.Response:
        ch = self.channel(request)
        if ch.is_dm and ch.recipient_ids[0] in self.world.closed_dms:
            raise DiscordAPIError(403, CANNOT_SEND_TO_USER, "Cannot send messages to this user")
        payload, uploads = await read_body(request)
        permissions.require_send(self.store, ch, payload, bool(uploads), creating=True)
        file_limit = self.store.file_limit_for(ch)
        self.world.check_request_size(uploads, file_limit)
        check_message(payload, [(u[1], u[2]) for u in uploads], file_limit=file_limit)
        again = self.world.message_by_nonce(self.store.app.bot_user_id, payload)
        if again is not None:
            self.world.say(f"{self.world.where(ch.id)} same nonce: message {again.id} returned, not resent")
            return self.reply("message", self.message_out(again))
        ref = payload.get("message_reference") or {}
        ref_id = ref.get("message_id") if isinstance(ref, dict) else "not an object"
        if ref_id is not None and (not str(ref_id).isdigit() or int(ref_id) not in self.store.messages):
            raise DiscordAPIError(400, 50035, "Invalid Form Body", {"message_reference": {"_errors": [
                {"code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "message": "Unknown message"}]}})  # fmt: skip
        msg = await self.world.create_message(ch.id, self.store.app.bot_user_id, payload, uploads)
        return self.reply("message", self.message_out(msg))

    async def get_message(self, request: web.Request) -> web.Response:
        ch = self.channel(request)
        return self.reply("message", self.message_out(self.message(request, ch)))

    async def history(self, request: web.Request) -> web.Response:
        ch = self.channel(request)
        try:
            limit = min(100, max(1, int(request.query.get("limit", "50"))))
        except ValueError as exc:
            raise DiscordAPIError(400, 50035, "Invalid Form Body", {"limit": {"_errors": [
                {"code": "NUMBER_TYPE_COERCE", "message": "Value is not int."}]}}) from exc  # fmt: skip
        can_read = (
            permissions.in_channel(self.store, self.store.bot_user, ch) & permissions.READ_MESSAGE_HISTORY
        )
        msgs = [
            m
            for m in self.store.messages.values()
            if can_read and m.channel_id == ch.id and not m.deleted and not m.ephemeral
        ]
        # before/after page through history (discord.py's history() relies on them to stop). With
        # `after`, Discord returns the messages right after it, still newest first.
        before, after = _query_id(request, "before"), _query_id(request, "after")
        if before is not None:
            msgs = [m for m in msgs if m.id < before]
        if after is not None:
            msgs = sorted((m for m in msgs if m.id > after), key=lambda m: m.id)[:limit]
        msgs.sort(key=lambda m: m.id, reverse=True)
        return self.reply("messages", [self.message_out(m) for m in msgs[:limit]])

    async def edit_message(self, request: web.Request) -> web.Response:
        ch = self.channel(request)
        msg = self.message(request, ch)
        if msg.author_id != self.store.app.bot_user_id:
            raise DiscordAPIError(
                403, CANNOT_EDIT_OTHERS_MESSAGE, "Cannot edit a message authored by another user"
            )
        payload, uploads = await read_body(request)
        permissions.require_send(self.store, ch, payload, bool(uploads), creating=False)
        file_limit = self.store.file_limit_for(ch)
        self.world.check_request_size(uploads, file_limit)
        check_message(payload, [(u[1], u[2]) for u in uploads], file_limit=file_limit, creating=False)
        await self.world.edit_message(msg, payload, uploads)
        return self.reply("message", self.message_out(msg))

    async def delete_message(self, request: web.Request) -> web.Response:
        ch = self.channel(request)
        await self.world.delete_message(self.message(request, ch))
        return web.Response(status=204)

    async def typing(self, request: web.Request) -> web.Response:
        self.channel(request)
        return web.Response(status=204)

    # --- threads and DMs -------------------------------------------------------------------------
    async def _new_thread(self, parent: Channel, name: Any, ttype: int, tid: int | None) -> Channel:
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise DiscordAPIError(400, 50035, "Invalid Form Body", {"name": {"_errors": [
                {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]}})  # fmt: skip
        if parent.is_thread or parent.is_dm:
            raise DiscordAPIError(400, 50024, "Cannot execute action on this channel type")
        if ttype == 11:
            permissions.require(self.store, parent, permissions.CREATE_PUBLIC_THREADS)
        bot_id = self.store.app.bot_user_id
        thread = Channel(
            id=tid or snowflake(), name=name, type=ttype, guild_id=parent.guild_id, parent_id=parent.id,
            owner_id=bot_id, member_ids={bot_id}, created=self.world.clock.wall(),
        )  # fmt: skip
        self.store.channels[thread.id] = thread
        self.world.say(f"#{parent.name} {self.store.bot_user.username} opens thread #{name}")
        data = payloads.channel(thread)
        data["newly_created"] = True
        await self.world.gateway.dispatch(
            "THREAD_CREATE", lambda s: data if s.intents & limits.INTENT_GUILDS else None
        )
        return thread

    async def thread_from_message(self, request: web.Request) -> web.Response:
        ch = self.channel(request)
        msg = self.message(request, ch)
        if msg.thread_id:
            raise DiscordAPIError(400, 160004, "A thread has already been created for this message")
        body, _ = await read_body(request)
        # A thread started from a message takes the message's id (docs: Start Thread from Message).
        thread = await self._new_thread(ch, body.get("name"), 11, msg.id)
        msg.thread_id = thread.id
        return self.reply("channel", payloads.channel(thread), status=201)

    async def thread_in_channel(self, request: web.Request) -> web.Response:
        ch = self.channel(request)
        body, _ = await read_body(request)
        ttype = body.get("type", 12)
        if ttype not in (11, 12):
            raise DiscordAPIError(400, 50035, "Invalid Form Body", {"type": {"_errors": [
                {"code": "BASE_TYPE_CHOICES", "message": "Value must be one of {11, 12}."}]}})  # fmt: skip
        thread = await self._new_thread(ch, body.get("name"), ttype, None)
        return self.reply("channel", payloads.channel(thread), status=201)

    async def join_thread(self, request: web.Request) -> web.Response:
        ch = self.channel(request)
        if not ch.is_thread:
            raise DiscordAPIError(400, 50024, "Cannot execute action on this channel type")
        ch.member_ids.add(self.store.app.bot_user_id)
        return web.Response(status=204)

    async def open_dm(self, request: web.Request) -> web.Response:
        body, _ = await read_body(request)
        try:
            uid = int(body.get("recipient_id"))
        except (TypeError, ValueError) as exc:
            raise DiscordAPIError(400, 50035, "Invalid Form Body", {"recipient_id": {"_errors": [
                {"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}}) from exc  # fmt: skip
        if uid not in self.store.users or self.store.users[uid].bot:
            raise DiscordAPIError(400, 50007, "Cannot send messages to this user")
        return self.reply("channel", payloads.dm_channel(self.store, self.store.dm_with(uid)))

    # --- guild and CDN ---------------------------------------------------------------------------
    def _guild(self, request: web.Request) -> Guild:
        guild = self.store.guilds.get(_id(request, "guild_id"))
        if guild is None:
            raise DiscordAPIError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, request: web.Request) -> web.Response:
        data = payloads.guild_create(self.store, self._guild(request))
        for key in ("members", "channels", "threads", "presences", "voice_states", "large", "member_count"):
            data.pop(key, None)
        return self.reply("guild", data)

    async def guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return self.reply("channels", [payloads.channel(c) for c in self.store.text_channels(guild)])

    async def cdn(self, request: web.Request) -> web.StreamResponse:
        att = self.world.find_attachment(
            _id(request, "channel_id"), _id(request, "attachment_id"), request.match_info["filename"]
        )
        if att is None:
            return web.Response(status=404, text="404: Not Found")
        return web.Response(
            body=att.data, headers={"Content-Type": att.content_type or "application/octet-stream"}
        )


def _id(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except (KeyError, ValueError) as exc:
        raise DiscordAPIError(404, 0, "404: Not Found") from exc


def _query_id(request: web.Request, key: str) -> int | None:
    value = request.query.get(key)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise DiscordAPIError(400, 50035, "Invalid Form Body", {key: {"_errors": [
            {"code": "NUMBER_TYPE_COERCE", "message": f"Value {value!r} is not snowflake."}]}}) from exc  # fmt: skip


def _json_list(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else []
    except ValueError as exc:
        raise DiscordAPIError(400, 50109, "The request body contains invalid JSON.") from exc


def register(app: web.Application, r: Routes) -> None:
    add = app.router.add_route
    add("GET", f"{API}/users/@me", r.me)
    add("GET", f"{API}/users/{{user_id}}", r.get_user)
    add("GET", f"{API}/oauth2/applications/@me", r.application)
    add("GET", f"{API}/applications/@me", r.application)
    add("GET", f"{API}/gateway", r.gateway_url)
    add("GET", f"{API}/gateway/bot", r.gateway_url)
    for base in (
        f"{API}/applications/{{application_id}}",
        f"{API}/applications/{{application_id}}/guilds/{{guild_id}}",
    ):
        add("GET", f"{base}/commands", r.list_commands)
        add("PUT", f"{base}/commands", r.bulk_overwrite)
        add("POST", f"{base}/commands", r.upsert_command)
        add("GET", f"{base}/commands/{{command_id}}", r.get_command)
        add("DELETE", f"{base}/commands/{{command_id}}", r.delete_command)
    add("GET", f"{API}/channels/{{channel_id}}", r.get_channel)
    add("POST", f"{API}/channels/{{channel_id}}/messages", r.create_message)
    add("GET", f"{API}/channels/{{channel_id}}/messages", r.history)
    add("GET", f"{API}/channels/{{channel_id}}/messages/{{message_id}}", r.get_message)
    add("PATCH", f"{API}/channels/{{channel_id}}/messages/{{message_id}}", r.edit_message)
    add("DELETE", f"{API}/channels/{{channel_id}}/messages/{{message_id}}", r.delete_message)
    add("POST", f"{API}/channels/{{channel_id}}/typing", r.typing)
    add("POST", f"{API}/channels/{{channel_id}}/messages/{{message_id}}/threads", r.thread_from_message)
    add("POST", f"{API}/channels/{{channel_id}}/threads", r.thread_in_channel)
    add("PUT", f"{API}/channels/{{channel_id}}/thread-members/@me", r.join_thread)
    add("POST", f"{API}/users/@me/channels", r.open_dm)
    add("GET", f"{API}/guilds/{{guild_id}}", r.get_guild)
    add("GET", f"{API}/guilds/{{guild_id}}/channels", r.guild_channels)
    add("GET", "/cdn/attachments/{channel_id}/{attachment_id}/{filename}", r.cdn)
