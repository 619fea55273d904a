"""Checks on every payload the stand-in sends, written from the keys discord.py 2.7 reads with
``data['...']`` (a missing one raises KeyError inside its parser, where a bot test would only hang) and
from the fields ENVIRONMENT.md lists (``attachment_size_limit``, followups' ``channel_id``, RESUMED's ``{}``).
"""

from __future__ import annotations

from typing import Any

USER = ("id", "username", "discriminator", "avatar")
MEMBER = ("roles", "joined_at", "flags")
ATTACHMENT = ("id", "size", "filename", "url", "proxy_url")
MESSAGE = (
    "id", "channel_id", "author", "content", "timestamp", "edited_timestamp", "tts", "mention_everyone",
    "mentions", "mention_roles", "attachments", "embeds", "pinned", "type", "flags",
)  # fmt: skip
TEXT_CHANNEL = ("id", "type", "name", "position", "guild_id")
THREAD = ("id", "type", "guild_id", "parent_id", "owner_id", "name", "member_count", "message_count", "flags")
THREAD_META = ("archived", "auto_archive_duration", "archive_timestamp")
INTERACTION = (
    "id", "application_id", "type", "token", "version", "attachment_size_limit", "channel", "app_permissions",
    "entitlements", "authorizing_integration_owners", "context", "locale",
)  # fmt: skip
GUILD = (
    "id", "name", "channels", "member_count", "members", "roles", "threads", "stage_instances",
    "guild_scheduled_events", "soundboard_sounds", "unavailable",
)  # fmt: skip
COMMAND = ("id", "application_id", "name", "description", "type", "version")
APPLICATION = (
    "id",
    "name",
    "description",
    "icon",
    "bot_public",
    "bot_require_code_grant",
    "owner",
    "verify_key",
)


def _need(out: list[str], where: str, data: Any, keys: tuple[str, ...]) -> bool:
    if not isinstance(data, dict):
        out.append(f"{where}: expected an object, got {type(data).__name__}")
        return False
    for key in keys:
        if key not in data:
            out.append(f"{where}: missing {key!r}")
    return True


def _user(out: list[str], where: str, data: Any) -> None:
    _need(out, where, data, USER)


def _message(out: list[str], where: str, data: Any) -> None:
    if not _need(out, where, data, MESSAGE):
        return
    _user(out, f"{where}.author", data.get("author"))
    for i, att in enumerate(data.get("attachments") or []):
        _need(out, f"{where}.attachments[{i}]", att, ATTACHMENT)
    for i, u in enumerate(data.get("mentions") or []):
        _user(out, f"{where}.mentions[{i}]", u)
    if "member" in data:
        _need(out, f"{where}.member", data["member"], MEMBER)


def _channel(out: list[str], where: str, data: Any) -> None:
    if not _need(out, where, data, ("id", "type")):
        return
    if data["type"] in (10, 11, 12):
        _need(out, where, data, THREAD)
        _need(out, f"{where}.thread_metadata", data.get("thread_metadata"), THREAD_META)
    elif data["type"] == 1:
        _need(out, where, data, ("recipients",))
    else:
        _need(out, where, data, TEXT_CHANNEL)


def _interaction(out: list[str], where: str, data: Any) -> None:
    if not _need(out, where, data, INTERACTION):
        return
    _need(out, f"{where}.channel", data.get("channel"), ("id", "type"))
    if "guild_id" in data:
        if _need(out, f"{where}.member", data.get("member"), (*MEMBER, "user", "permissions")):
            _user(out, f"{where}.member.user", data["member"].get("user"))
    else:
        _user(out, f"{where}.user", data.get("user"))
    itype = data.get("type")
    inner = data.get("data")
    if itype in (2, 4):
        _need(out, f"{where}.data", inner, ("id", "name", "type"))
    elif itype == 3:
        _need(out, f"{where}.data", inner, ("custom_id", "component_type"))
        _message(out, f"{where}.message", data.get("message"))
    elif itype == 5:
        _need(out, f"{where}.data", inner, ("custom_id", "components"))
    resolved = (inner or {}).get("resolved") or {}
    for aid, att in (resolved.get("attachments") or {}).items():
        _need(out, f"{where}.data.resolved.attachments[{aid}]", att, ATTACHMENT)


def _guild(out: list[str], where: str, data: Any) -> None:
    if not _need(out, where, data, GUILD):
        return
    for i, m in enumerate(data.get("members") or []):
        if _need(out, f"{where}.members[{i}]", m, (*MEMBER, "user")):
            _user(out, f"{where}.members[{i}].user", m.get("user"))
    for i, ch in enumerate(data.get("channels") or []):
        _channel(out, f"{where}.channels[{i}]", ch)
    for i, r in enumerate(data.get("roles") or []):
        _need(out, f"{where}.roles[{i}]", r, ("id", "name"))


def check_outgoing(kind: str, data: Any) -> list[str]:
    """Problems with one outgoing payload (an empty list when discord.py can parse it)."""
    out: list[str] = []
    if kind == "READY":
        if _need(out, kind, data, ("v", "user", "guilds", "session_id", "resume_gateway_url", "application")):
            _user(out, "READY.user", data["user"])
            _need(out, "READY.application", data["application"], ("id", "flags"))
    elif kind == "RESUMED":
        if not isinstance(data, dict):
            out.append("RESUMED: d must be an object ({}), not null")
    elif kind == "GUILD_CREATE":
        _guild(out, kind, data)
    elif kind == "INTERACTION_CREATE":
        _interaction(out, kind, data)
    elif kind in ("MESSAGE_CREATE", "MESSAGE_UPDATE", "message"):
        _message(out, kind, data)
    elif kind == "messages":
        for i, m in enumerate(data):
            _message(out, f"messages[{i}]", m)
    elif kind == "MESSAGE_DELETE":
        _need(out, kind, data, ("id", "channel_id"))
    elif kind in ("THREAD_CREATE", "channel"):
        _channel(out, kind, data)
    elif kind == "CHANNEL_DELETE":
        _need(out, kind, data, ("id", "type", "guild_id"))  # parse_channel_delete reads data['id']
    elif kind == "THREAD_DELETE":
        _need(out, kind, data, ("id", "guild_id", "parent_id", "type"))  # RawThreadDeleteEvent
    elif kind == "channels":
        for i, ch in enumerate(data):
            _channel(out, f"channels[{i}]", ch)
    elif kind == "GUILD_MEMBERS_CHUNK":
        _need(out, kind, data, ("guild_id", "members", "chunk_index", "chunk_count"))
    elif kind == "callback":
        if _need(out, kind, data, ("interaction",)):
            _need(out, "callback.interaction", data["interaction"], ("id", "type"))
            resource = data.get("resource")
            if (
                resource is not None
                and _need(out, "callback.resource", resource, ("type",))
                and "message" in resource
            ):
                _message(out, "callback.resource.message", resource["message"])
    elif kind == "user":
        _user(out, kind, data)
    elif kind == "application":
        if _need(out, kind, data, APPLICATION):
            _user(out, "application.owner", data["owner"])
    elif kind in ("command", "commands"):
        for i, cmd in enumerate(data if kind == "commands" else [data]):
            _need(out, f"{kind}[{i}]", cmd, COMMAND)
    elif kind == "gateway":
        _need(out, kind, data, ("url",))
    elif kind == "guild":
        _need(out, kind, data, ("id", "name", "roles"))
    else:
        out.append(f"{kind}: no schema for this kind of payload; add one to schemas_out.py")
    return out
