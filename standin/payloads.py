"""Records → the JSON objects Discord sends (users, members, guild, channels, messages, interactions).

Field sets follow Discord's docs and what discord.py 2.7 reads with ``data['...']`` (those keys are
required; see schemas_out.py, which checks every payload the stand-in sends).
"""

from __future__ import annotations

import datetime
from typing import Any

from standin import limits
from standin.state import Attachment, Channel, Guild, Interaction, Message, Role, Store, User

ALL_PERMISSIONS = str((1 << 51) - 1)
MEMBER_PERMISSIONS = str(
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31) | (1 << 35) | (1 << 38)
)  # view, send, embed, attach, history, use app commands, create/send in threads
BOT_PERMISSIONS = MEMBER_PERMISSIONS
ADMINISTRATOR = 1 << 3


def member_permissions(g: Guild, u: User) -> str:
    """A member's guild-wide permissions: all for the owner or an Administrator role, else @everyone's
    and their roles' (docs: Permissions > Permission Hierarchy)."""
    if u.id == g.owner_id:
        return ALL_PERMISSIONS
    bits = int(MEMBER_PERMISSIONS)
    for rid in u.role_ids:
        if rid in g.roles:
            bits |= g.roles[rid].permissions
    return ALL_PERMISSIONS if bits & ADMINISTRATOR else str(bits)


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.datetime.fromtimestamp(ts, datetime.UTC).isoformat()


def user(u: User) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(u.id),
        "username": u.username,
        "discriminator": "0",
        "global_name": u.global_name,
        "avatar": None,
        "public_flags": 0,
    }
    if u.bot:
        out["bot"] = True
    return out


def member(
    store: Store,
    u: User,
    *,
    with_user: bool = True,
    permissions: str | None = None,
    guild: Guild | None = None,
) -> dict[str, Any]:
    g = guild or store.guild
    out: dict[str, Any] = {
        "roles": [str(r) for r in u.role_ids if r in g.roles],
        "joined_at": iso(u.joined_at),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
        "avatar": None,
        "premium_since": None,
        "communication_disabled_until": None,
    }
    if with_user:
        out["user"] = user(u)
    if permissions is not None:
        out["permissions"] = permissions
    return out


def everyone_role(guild: Guild) -> dict[str, Any]:
    return role_payload(guild.id, "@everyone", MEMBER_PERMISSIONS)


def channel(ch: Channel) -> dict[str, Any]:
    if ch.is_dm:
        return {"id": str(ch.id), "type": 1, "last_message_id": None, "flags": 0, "recipients": []}
    out: dict[str, Any] = {
        "id": str(ch.id),
        "type": ch.type,
        "guild_id": str(ch.guild_id),
        "name": ch.name,
        "position": ch.position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": str(ch.parent_id) if ch.parent_id else None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
    }
    if ch.is_thread:
        out.update(
            owner_id=str(ch.owner_id),
            message_count=ch.message_count,
            member_count=len(ch.member_ids),
            total_message_sent=ch.message_count,
            thread_metadata={
                "archived": ch.archived,
                "auto_archive_duration": 1440,
                "archive_timestamp": iso(ch.created),
                "locked": False,
                "create_timestamp": iso(ch.created),
                **({"invitable": True} if ch.type == 12 else {}),
            },
        )
        del out["position"]
        del out["permission_overwrites"]
    else:
        out.update(topic=ch.topic, default_auto_archive_duration=1440)
    return out


def dm_channel(store: Store, ch: Channel) -> dict[str, Any]:
    out = channel(ch)
    out["recipients"] = [user(store.users[uid]) for uid in ch.recipient_ids]
    return out


def role(r: Role) -> dict[str, Any]:
    out = role_payload(r.id, r.name, r.permissions)
    out["position"] = r.position
    return out


def role_payload(rid: int, name: str, permissions: int | str) -> dict[str, Any]:
    return {
        "id": str(rid), "name": name, "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False, "icon": None, "unicode_emoji": None, "position": 0, "permissions": str(permissions),
        "managed": False, "mentionable": False, "flags": 0,
    }  # fmt: skip


def guild_create(store: Store, g: Guild | None = None) -> dict[str, Any]:
    g = g or store.guild
    members = [member(store, store.users[uid], guild=g) for uid in g.member_ids]
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(g.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [everyone_role(g), *(role(r) for r in g.roles.values())],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": g.premium_tier,
        "premium_subscription_count": 0,
        "preferred_locale": g.preferred_locale,
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": iso(store.bot_user.joined_at),
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "members": members,
        "channels": [channel(c) for c in store.text_channels(g)],
        "threads": [channel(t) for t in store.threads(g)],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def attachment(a: Attachment, *, ephemeral: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(a.id),
        "filename": a.filename,
        "size": a.size,
        "url": a.url,
        "proxy_url": a.url,
    }
    if a.content_type:
        out["content_type"] = a.content_type
    if a.description:
        out["description"] = a.description
    if ephemeral:
        out["ephemeral"] = True
    return out


def message(store: Store, m: Message, *, blank_content: bool = False) -> dict[str, Any]:
    """A full message object; ``blank_content`` applies the Message Content intent rule."""
    author = store.users[m.author_id]
    ch = store.channels.get(m.channel_id)
    out: dict[str, Any] = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "author": user(author),
        "content": "" if blank_content else m.content,
        "timestamp": iso(m.created),
        "edited_timestamp": iso(m.edited),
        "tts": False,
        "mention_everyone": False,
        "mentions": [user(store.users[i]) for i in m.mention_ids if i in store.users],
        "mention_roles": [],
        "attachments": [] if blank_content else [attachment(a, ephemeral=m.ephemeral) for a in m.attachments],
        "embeds": [] if blank_content else m.embeds,
        "components": [] if blank_content else m.components,
        "pinned": False,
        "type": message_type(store, m),
        "flags": m.flags,
    }
    if ch is not None and ch.guild_id:
        out["guild_id"] = str(ch.guild_id)
        if not author.bot or m.webhook_id is None:
            out["member"] = member(store, author, with_user=False)
    if m.webhook_id is not None:
        out["webhook_id"] = str(m.webhook_id)
        out["application_id"] = str(store.app.id)
    if m.referenced_id:
        out["message_reference"] = {
            "type": 0,
            "message_id": str(m.referenced_id),
            "channel_id": str(m.channel_id),
        }
    if m.thread_id and m.thread_id in store.channels:
        out["thread"] = channel(store.channels[m.thread_id])
    inter = store.interactions.get(m.interaction_id) if m.interaction_id else None
    if inter is not None:
        out["interaction_metadata"] = interaction_metadata(store, inter)
        if inter.type == 2:
            out["interaction"] = {
                "id": str(inter.id),
                "type": inter.type,
                "name": inter.data.get("name", ""),
                "user": user(store.users[inter.user_id]),
            }
    return out


def message_type(store: Store, m: Message) -> int:
    """DEFAULT 0, REPLY 19, CHAT_INPUT_COMMAND 20, CONTEXT_MENU_COMMAND 23 (docs: Message Types)."""
    if m.referenced_id:
        return 19
    inter = store.interactions.get(m.interaction_id) if m.interaction_id else None
    if inter is not None and inter.type == 2:
        return 20 if inter.data.get("type", 1) == 1 else 23
    return 0


def interaction_metadata(store: Store, inter: Interaction) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(inter.id),
        "type": inter.type,
        "user": user(store.users[inter.user_id]),
        "authorizing_integration_owners": authorizing_owners(store, inter),
    }
    if inter.type == 2:
        out["name"] = inter.data.get("name", "")
        out["command_type"] = inter.data.get("type", 1)
    if inter.original_message_id and inter.type != 2:
        out["original_response_message_id"] = str(inter.original_message_id)
    return out


def authorizing_owners(store: Store, inter: Interaction) -> dict[str, str]:
    # "0" = guild install (value: guild id), "1" = user install (value: user id).
    if inter.guild_id:
        return {"0": str(inter.guild_id)}
    return {"1": str(inter.user_id)}


def interaction(store: Store, inter: Interaction) -> dict[str, Any]:
    """The INTERACTION_CREATE payload (every field discord.py 2.7 reads)."""
    ch = store.channels[inter.channel_id]
    u = store.users[inter.user_id]
    out: dict[str, Any] = {
        "id": str(inter.id),
        "application_id": str(store.app.id),
        "type": inter.type,
        "data": inter.data,
        "channel_id": str(ch.id),
        "channel": dm_channel(store, ch) if ch.is_dm else channel(ch),
        "token": inter.token,
        "version": 1,
        "app_permissions": BOT_PERMISSIONS,
        "locale": inter.locale,
        "entitlements": [],
        "authorizing_integration_owners": authorizing_owners(store, inter),
        "context": 0 if inter.guild_id else 1,
        "attachment_size_limit": inter.attachment_size_limit,
    }
    if inter.guild_id:
        g = store.guilds[inter.guild_id]
        out["guild_id"] = str(inter.guild_id)
        out["guild"] = {"id": str(inter.guild_id), "locale": g.preferred_locale, "features": []}
        out["guild_locale"] = g.preferred_locale
        out["member"] = member(store, u, permissions=member_permissions(g, u), guild=g)
    else:
        out["user"] = user(u)
    if inter.message_id is not None and inter.message_id in store.messages:
        out["message"] = message(store, store.messages[inter.message_id])
    return out


def callback_body(
    store: Store, inter: Interaction, callback_type: int, msg: Message | None
) -> dict[str, Any]:
    """The body of ``POST /interactions/{id}/{token}/callback?with_response=1``."""
    info: dict[str, Any] = {"id": str(inter.id), "type": inter.type}
    if msg is not None:
        info["response_message_id"] = str(msg.id)
        info["response_message_loading"] = bool(msg.flags & limits.FLAG_LOADING)
        info["response_message_ephemeral"] = msg.ephemeral
    out: dict[str, Any] = {"interaction": info}
    if msg is not None:
        out["resource"] = {"type": callback_type, "message": message(store, msg)}
    return out
