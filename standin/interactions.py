"""Building the interactions a user's client would send: slash commands (with subcommand paths,
typed options and uploaded attachments), autocomplete, component clicks and modal submits.

Mistakes in a test's request (an option the command does not have, a button that is not there) raise
``ValueError`` naming what is wrong, as Discord's client would never send such an interaction.
"""

from __future__ import annotations

import secrets
from typing import Any

from standin import payloads
from standin.state import Attachment, Channel, Command, Interaction, Message, User, snowflake
from standin.world import World, guess_type

APP_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
SELECT_TYPES = {3, 5, 6, 7, 8}


def _leaf(cmd: Command, path: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Walk ``path`` through subcommand groups; returns (leaf's option schemas, nesting chain)."""
    level = cmd.data.get("options") or []
    chain: list[dict[str, Any]] = []
    for name in path:
        sub = next((o for o in level if o.get("type") in (1, 2) and o.get("name") == name), None)
        if sub is None:
            have = [o["name"] for o in level if o.get("type") in (1, 2)]
            raise ValueError(f"/{cmd.data['name']} has no subcommand {name!r} here; it has {have}")
        chain.append(sub)
        level = sub.get("options") or []
    if any(o.get("type") in (1, 2) for o in level):
        have = [o["name"] for o in level]
        raise ValueError(f"/{cmd.data['name']} {' '.join(path)} needs a subcommand; choose one of {have}")
    return level, chain


def _convert(
    world: World, schema: dict[str, Any], value: Any, channel: Channel, resolved: dict[str, Any]
) -> Any:
    name, otype = schema["name"], schema["type"]
    store = world.store
    if otype == 3:
        if not isinstance(value, str):
            raise ValueError(f"option {name!r} is a string option; got {value!r}")
        lo, hi = schema.get("min_length", 0), schema.get("max_length", 6000)
        if not lo <= len(value) <= hi:
            raise ValueError(f"option {name!r} must be {lo}..{hi} characters long")
    elif otype == 4:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"option {name!r} is an integer option; got {value!r}")
    elif otype == 10:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"option {name!r} is a number option; got {value!r}")
    elif otype == 5:
        if not isinstance(value, bool):
            raise ValueError(f"option {name!r} is a boolean option; got {value!r}")
    elif otype == 6:
        user = value if isinstance(value, User) else store.users.get(int(value))
        if user is None:
            raise ValueError(f"option {name!r}: unknown user {value!r}")
        resolved.setdefault("users", {})[str(user.id)] = payloads.user(user)
        if user.id in store.guild.member_ids:
            resolved.setdefault("members", {})[str(user.id)] = payloads.member(
                store, user, with_user=False, permissions=payloads.MEMBER_PERMISSIONS
            )
        return str(user.id)
    elif otype == 7:
        ch = value if isinstance(value, Channel) else store.channels.get(int(value))
        if ch is None:
            raise ValueError(f"option {name!r}: unknown channel {value!r}")
        data = payloads.channel(ch)
        data["permissions"] = payloads.MEMBER_PERMISSIONS
        resolved.setdefault("channels", {})[str(ch.id)] = data
        return str(ch.id)
    elif otype == 11:
        if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes | bytearray)):
            raise ValueError(f"option {name!r} is an attachment; pass (filename, bytes)")
        aid = snowflake()
        att = world.register_attachment(
            Attachment(
                aid, value[0], bytes(value[1]), guess_type(value[0]), world.cdn_url(channel.id, aid, value[0])
            ),
            channel.id,
        )
        resolved.setdefault("attachments", {})[str(aid)] = payloads.attachment(att, ephemeral=True)
        return str(aid)
    else:
        raise ValueError(f"option {name!r} has type {otype}, which the stand-in does not send")
    choices = schema.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise ValueError(f"option {name!r} must be one of {[c['value'] for c in choices]}; got {value!r}")
    for key, test in (("min_value", lambda v, b: v >= b), ("max_value", lambda v, b: v <= b)):
        if key in schema and not test(value, schema[key]):
            raise ValueError(f"option {name!r}: {value!r} is outside {key}={schema[key]}")
    return value


def command_data(
    world: World,
    cmd: Command,
    channel: Channel,
    path: list[str],
    options: dict[str, Any],
    attachments: list[tuple[str, bytes]],
    focused: str | None = None,
) -> dict[str, Any]:
    """The ``data`` of an APPLICATION_COMMAND (or AUTOCOMPLETE, when ``focused`` is given)."""
    schemas, chain = _leaf(cmd, path)
    options = dict(options)
    pending = list(attachments)
    for s in schemas:
        if s["type"] == 11 and s["name"] not in options and pending:
            options[s["name"]] = pending.pop(0)
    if pending:
        raise ValueError(
            f"{len(pending)} attachment(s) left over: /{cmd.data['name']} has no free attachment option"
        )
    known = {s["name"]: s for s in schemas}
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ValueError(f"/{cmd.data['name']} has no option(s) {unknown}; it has {sorted(known)}")
    resolved: dict[str, Any] = {}
    built = []
    for s in schemas:
        if s["name"] == focused:
            built.append(
                {
                    "name": s["name"],
                    "type": s["type"],
                    "value": str(options.get(s["name"], "")),
                    "focused": True,
                }
            )
        elif s["name"] in options:
            value = _convert(world, s, options[s["name"]], channel, resolved)
            built.append({"name": s["name"], "type": s["type"], "value": value})
        elif s.get("required") and focused is None:
            raise ValueError(f"/{cmd.data['name']} needs option {s['name']!r}")
    for sub in reversed(chain):
        built = [{"name": sub["name"], "type": sub["type"], "options": built}]
    data: dict[str, Any] = {
        "id": str(cmd.id),
        "name": cmd.data["name"],
        "type": cmd.data.get("type", 1),
        "options": built,
    }
    if resolved:
        data["resolved"] = resolved
    if cmd.guild_id is not None:
        data["guild_id"] = str(cmd.guild_id)
    return data


def find_component(msg: Message, custom_id: str) -> dict[str, Any]:
    def walk(items: list[Any]) -> Any:
        for item in items:
            if not isinstance(item, dict):
                continue
            if item.get("custom_id") == custom_id:
                return item
            found = walk(item.get("components") or []) or walk([item.get("accessory"), item.get("component")])
            if found:
                return found
        return None

    comp = walk(msg.components)
    if comp is None:
        ids = []

        def collect(items: list[Any]) -> None:
            for item in items:
                if isinstance(item, dict):
                    if item.get("custom_id"):
                        ids.append(item["custom_id"])
                    collect(item.get("components") or [])

        collect(msg.components)
        raise ValueError(f"message {msg.id} has no component {custom_id!r}; it has {ids}")
    if comp.get("disabled"):
        raise ValueError(f"component {custom_id!r} is disabled; a user cannot click it")
    return comp


def component_data(msg: Message, custom_id: str, values: list[str] | None) -> dict[str, Any]:
    comp = find_component(msg, custom_id)
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": comp["type"]}
    if comp["type"] in SELECT_TYPES:
        chosen = list(values or [])
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(chosen) <= hi:
            raise ValueError(f"select {custom_id!r} takes {lo}..{hi} values; got {len(chosen)}")
        if comp["type"] == 3:
            allowed = [o["value"] for o in comp.get("options", [])]
            bad = [v for v in chosen if v not in allowed]
            if bad:
                raise ValueError(f"select {custom_id!r} has no option(s) {bad}; it has {allowed}")
        data["values"] = chosen
    elif values:
        raise ValueError(f"component {custom_id!r} is a button; it takes no values")
    return data


def modal_data(modal: dict[str, Any], custom_id: str, values: dict[str, str]) -> dict[str, Any]:
    """What Discord's client sends back for a filled-in modal, mirroring the modal's own layout."""
    if modal.get("custom_id") != custom_id:
        raise ValueError(f"the open modal is {modal.get('custom_id')!r}, not {custom_id!r}")
    seen: set[str] = set()

    def filled(inp: dict[str, Any]) -> dict[str, Any]:
        cid = inp.get("custom_id")
        seen.add(cid)
        value = values.get(cid, "")
        if inp.get("type") == 4:
            if inp.get("required", True) and not value:
                raise ValueError(f"modal field {cid!r} is required")
            if value and not inp.get("min_length", 0) <= len(value) <= inp.get("max_length", 4000):
                raise ValueError(
                    f"modal field {cid!r} must be {inp.get('min_length', 0)}..{inp.get('max_length', 4000)} long"
                )
            return {"type": 4, "id": inp.get("id", 0), "custom_id": cid, "value": value}
        return {
            "type": inp.get("type"),
            "id": inp.get("id", 0),
            "custom_id": cid,
            "values": list(value or []),
        }

    comps = []
    for top in modal.get("components", []):
        if top.get("type") == 1:
            comps.append(
                {"type": 1, "id": top.get("id", 0), "components": [filled(c) for c in top["components"]]}
            )
        elif top.get("type") == 18:
            comps.append({"type": 18, "id": top.get("id", 0), "component": filled(top["component"])})
    unknown = sorted(set(values) - seen)
    if unknown:
        raise ValueError(f"modal {custom_id!r} has no field(s) {unknown}; it has {sorted(seen)}")
    return {"custom_id": custom_id, "components": comps}


async def open_interaction(
    world: World,
    itype: int,
    user: User,
    channel: Channel,
    data: dict[str, Any],
    *,
    locale: str,
    message_id: int | None = None,
    summary: str,
) -> Interaction:
    """Record the interaction and dispatch INTERACTION_CREATE to the bot."""
    store = world.store
    guild_id = channel.guild_id
    inter = Interaction(
        id=snowflake(),
        token="aW50ZXJhY3Rpb24" + secrets.token_urlsafe(60),
        type=itype,
        user_id=user.id,
        channel_id=channel.id,
        data=data,
        created=world.clock.now(),
        locale=locale,
        guild_id=guild_id,
        message_id=message_id,
        attachment_size_limit=store.file_limit_for(channel),
    )
    store.interactions[inter.id] = inter
    store.interactions_by_token[inter.token] = inter
    world.say(f"{world.where(channel.id)} {user.username} {summary}")
    delivered = await world.gateway.dispatch(
        "INTERACTION_CREATE", lambda s: payloads.interaction(store, inter)
    )
    if not delivered:
        raise RuntimeError(
            "No bot session: start the bot (and wait until ready) before sending interactions."
        )
    await world.notify()
    return inter
