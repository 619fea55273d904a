"""Interaction callbacks and the interaction webhook (followups, the original response).

Discord's rules enforced here (docs: Interactions > Receiving and Responding): the first callback within
3 s (later → 10062 Unknown interaction), one callback per interaction (again → 40060), the token valid
for 15 min (later → 50027 Invalid Webhook Token), the interaction's attachment_size_limit per file.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from standin import limits, payloads
from standin.errors import (
    ALREADY_ACKNOWLEDGED,
    INVALID_FORM_BODY,
    INVALID_WEBHOOK_TOKEN,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    DiscordAPIError,
    json_response,
)
from standin.message_rules import check_choices, check_message, check_modal
from standin.state import Interaction, Message
from standin.world import World, read_body

API = f"/api/v{limits.API_VERSION}"
PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, AUTOCOMPLETE, MODAL, LAUNCH_ACTIVITY = (
    1,
    4,
    5,
    6,
    7,
    8,
    9,
    12,
)
# Which callback types Discord accepts per interaction type (docs: Interaction Callback Type).
ALLOWED = {
    2: {MESSAGE, DEFERRED_MESSAGE, MODAL, LAUNCH_ACTIVITY},
    3: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, MODAL, LAUNCH_ACTIVITY},
    4: {AUTOCOMPLETE},
    5: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE},
}
NAMES = {MESSAGE: "message", DEFERRED_MESSAGE: "defer", DEFERRED_UPDATE: "defer-update", UPDATE: "update",
         AUTOCOMPLETE: "autocomplete", MODAL: "modal"}  # fmt: skip


class InteractionRoutes:
    def __init__(self, world: World) -> None:
        self.world = world
        self.store = world.store

    def _uploads_ok(
        self, inter: Interaction, payload: dict[str, Any], uploads: list[Any], creating: bool
    ) -> None:
        self.world.check_request_size(uploads, inter.attachment_size_limit)
        check_message(
            payload,
            [(u[1], u[2]) for u in uploads],
            file_limit=inter.attachment_size_limit,
            creating=creating,
        )

    async def callback(self, request: web.Request) -> web.Response:
        inter = self.store.interactions.get(_int(request.match_info["interaction_id"]))
        if inter is None or inter.token != request.match_info["token"]:
            raise DiscordAPIError(404, UNKNOWN_INTERACTION, "Unknown interaction")
        now = self.world.clock.now()
        if inter.acknowledged:
            raise DiscordAPIError(400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
        if now - inter.created > limits.INTERACTION_FIRST_RESPONSE_S:
            inter.late = True
            self.world.say(
                f"{self.world.where(inter.channel_id)} the application did not respond (late callback refused)"
            )
            await self.world.notify()
            raise DiscordAPIError(404, UNKNOWN_INTERACTION, "Unknown interaction")
        body, uploads = await read_body(request)
        ctype = body.get("type")
        if ctype not in ALLOWED.get(inter.type, set()):
            raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body", {"type": {"_errors": [
                {"code": "INTERACTION_RESPONSE_TYPE_INVALID",
                 "message": f"Callback type {ctype!r} is not valid for interaction type {inter.type}."}]}})  # fmt: skip
        data = body.get("data") or {}
        if not isinstance(data, dict):
            raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body", {"data": {"_errors": [
                {"code": "DICT_TYPE_CONVERT", "message": "Only dictionaries may be used in a DictType"}]}})  # fmt: skip
        msg = await self._apply(inter, ctype, data, uploads)
        # Only now is the interaction acknowledged: a refused callback may be retried in time.
        inter.first_response_at = now
        inter.response_type = ctype
        inter.response_data = data
        await self.world.notify()
        if request.query.get("with_response") in ("1", "true", "True"):
            out = payloads.callback_body(self.store, inter, ctype, msg)
            self.world.record("callback", out)
            return json_response(out)
        return web.Response(status=204)

    async def _apply(
        self, inter: Interaction, ctype: int, data: dict[str, Any], uploads: list[Any]
    ) -> Message | None:
        world = self.world
        user = self.store.users[inter.user_id].username
        if ctype == MESSAGE:
            self._uploads_ok(inter, data, uploads, creating=True)
            msg = await world.create_message(
                inter.channel_id,
                self.store.app.bot_user_id,
                data,
                uploads,
                interaction_id=inter.id,
                webhook=True,
            )
            inter.original_message_id = msg.id
            return msg
        if ctype == DEFERRED_MESSAGE:
            flags = limits.FLAG_LOADING | (int(data.get("flags") or 0) & limits.FLAG_EPHEMERAL)
            msg = await world.create_message(
                inter.channel_id,
                self.store.app.bot_user_id,
                {},
                [],
                flags=flags,
                interaction_id=inter.id,
                webhook=True,
            )
            inter.original_message_id = msg.id
            return msg
        if ctype in (DEFERRED_UPDATE, UPDATE):
            target = self.store.messages.get(inter.message_id or 0)
            if target is None:
                raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body", {"type": {"_errors": [
                    {"code": "INTERACTION_RESPONSE_TYPE_INVALID", "message": "There is no message to update."}]}})  # fmt: skip
            inter.original_message_id = target.id
            if ctype == UPDATE:
                self._uploads_ok(inter, data, uploads, creating=False)
                await world.edit_message(target, data, uploads)
            else:
                world.say(
                    f"{world.where(inter.channel_id)} bot acknowledges {user}'s click (no visible change)"
                )
            return target
        if ctype == AUTOCOMPLETE:
            inter.choices = check_choices(data)
            names = ", ".join(str(c.get("name")) for c in inter.choices)
            world.say(f"{world.where(inter.channel_id)} bot suggests to {user}: {names or '(nothing)'}")
            return None
        if ctype == MODAL:
            check_modal(data)
            inter.modal = data
            world.say(f"{world.where(inter.channel_id)} bot opens modal {data.get('title')!r} for {user}")
            return None
        world.say(f"{world.where(inter.channel_id)} bot answers with callback type {ctype}")
        return None

    # --- webhook (followups and @original) --------------------------------------------------------
    def _webhook(self, request: web.Request) -> Interaction:
        inter = self.store.interactions_by_token.get(request.match_info["token"])
        if inter is None or _int(request.match_info["application_id"]) != self.store.app.id:
            raise DiscordAPIError(404, UNKNOWN_WEBHOOK, "Unknown Webhook")
        if self.world.clock.now() - inter.created > limits.INTERACTION_TOKEN_LIFETIME_S:
            raise DiscordAPIError(401, INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token")
        if not inter.acknowledged:
            raise DiscordAPIError(404, UNKNOWN_WEBHOOK, "Unknown Webhook")
        return inter

    def _target(self, request: web.Request, inter: Interaction) -> Message:
        key = request.match_info["message_id"]
        mid = inter.original_message_id if key == "@original" else _int(key)
        allowed = {inter.original_message_id, *inter.followup_ids}
        msg = self.store.messages.get(mid or 0)
        if msg is None or msg.deleted or mid not in allowed:
            raise DiscordAPIError(404, UNKNOWN_MESSAGE, "Unknown Message")
        return msg

    def _out(self, msg: Message) -> dict[str, Any]:
        data = payloads.message(self.store, msg)
        self.world.record("message", data)
        return data

    async def followup(self, request: web.Request) -> web.Response:
        inter = self._webhook(request)
        payload, uploads = await read_body(request)
        self._uploads_ok(inter, payload, uploads, creating=True)
        original = self.store.messages.get(inter.original_message_id or 0)
        if (
            original is not None
            and not original.deleted
            and original.flags & limits.FLAG_LOADING
            and original.interaction_id == inter.id
        ):
            # After a deferral, the first followup fills in the "thinking…" message (keeping its
            # ephemerality). Once the bot has deleted that message, a followup is a new message with
            # its own flags, as on Discord.
            payload = {**payload, "flags": (int(payload.get("flags") or 0) & ~limits.FLAG_EPHEMERAL)}
            msg = await self.world.edit_message(original, payload, uploads)
        else:
            msg = await self.world.create_message(
                inter.channel_id,
                self.store.app.bot_user_id,
                payload,
                uploads,
                interaction_id=inter.id,
                webhook=True,
            )
            inter.followup_ids.append(msg.id)
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(self._out(msg))
        return web.Response(status=204)

    async def get_message(self, request: web.Request) -> web.Response:
        inter = self._webhook(request)
        return json_response(self._out(self._target(request, inter)))

    async def edit_message(self, request: web.Request) -> web.Response:
        inter = self._webhook(request)
        msg = self._target(request, inter)
        payload, uploads = await read_body(request)
        self._uploads_ok(inter, payload, uploads, creating=False)
        await self.world.edit_message(msg, payload, uploads)
        return json_response(self._out(msg))

    async def delete_message(self, request: web.Request) -> web.Response:
        inter = self._webhook(request)
        await self.world.delete_message(self._target(request, inter))
        return web.Response(status=204)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise DiscordAPIError(404, 0, "404: Not Found") from exc


def register(app: web.Application, r: InteractionRoutes) -> None:
    add = app.router.add_route
    add("POST", f"{API}/interactions/{{interaction_id}}/{{token}}/callback", r.callback)
    hook = f"{API}/webhooks/{{application_id}}/{{token}}"
    add("POST", hook, r.followup)
    add("GET", f"{hook}/messages/{{message_id}}", r.get_message)
    add("PATCH", f"{hook}/messages/{{message_id}}", r.edit_message)
    add("DELETE", f"{hook}/messages/{{message_id}}", r.delete_message)
