"""Channel permissions as Discord computes them (docs: Topics > Permissions > Permission Overwrites):
the member's base permissions (@everyone plus their roles; everything for the owner or Administrator),
then the channel's overwrites in order — @everyone's, all of the member's roles' together, the
member's own — each removing its `deny` bits and adding its `allow` bits. Threads use their parent's
overwrites. Without View Channel the member has nothing in the channel.

What the stand-in refuses, as Discord does: any request on a channel the bot cannot view is
403 50001 Missing Access; sending without Send Messages (Send Messages in Threads in a thread), files
without Attach Files, embeds without Embed Links, a reply without Read Message History, or a public
thread without Create Public Threads is 403 50013 Missing Permissions. Reading history without Read
Message History returns no messages.
"""

from __future__ import annotations

from typing import Any

from standin.errors import MISSING_ACCESS, MISSING_PERMISSIONS, DiscordAPIError
from standin.payloads import ADMINISTRATOR, member_permissions
from standin.state import Channel, Store, User

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
BY_NAME = {
    "view_channel": VIEW_CHANNEL,
    "send_messages": SEND_MESSAGES,
    "embed_links": EMBED_LINKS,
    "attach_files": ATTACH_FILES,
    "read_message_history": READ_MESSAGE_HISTORY,
    "create_public_threads": CREATE_PUBLIC_THREADS,
    "send_messages_in_threads": SEND_MESSAGES_IN_THREADS,
}
ALL = (1 << 51) - 1


def bits(names: tuple[str, ...] | list[str]) -> int:
    """Permission names (discord.py's attribute names) as a bit set; an unknown name is a ValueError."""
    out = 0
    for name in names:
        if name not in BY_NAME:
            raise ValueError(f"unknown permission {name!r}; use one of {', '.join(sorted(BY_NAME))}")
        out |= BY_NAME[name]
    return out


def in_channel(store: Store, user: User, channel: Channel) -> int:
    """`user`'s permissions in `channel` (everything in DMs)."""
    guild = store.guild_of(channel)
    if guild is None:
        return ALL
    base = int(member_permissions(guild, user))
    if user.id == guild.owner_id or base & ADMINISTRATOR:
        return ALL
    parent = store.channels.get(channel.parent_id) if channel.is_thread and channel.parent_id else channel
    overwrites = (parent or channel).overwrites
    for targets in ([guild.id], [r for r in user.role_ids if r in guild.roles], [user.id]):
        allow = deny = 0
        for target in targets:
            a, d = overwrites.get(target, (0, 0))
            allow, deny = allow | a, deny | d
        base = (base & ~deny) | allow
    return base if base & VIEW_CHANNEL else 0


def require_view(store: Store, channel: Channel) -> None:
    if not in_channel(store, store.bot_user, channel) & VIEW_CHANNEL:
        raise DiscordAPIError(403, MISSING_ACCESS, "Missing Access")


def require_send(
    store: Store, channel: Channel, payload: dict[str, Any], has_files: bool, *, creating: bool
) -> None:
    """The permissions a message needs (creating one, or editing with new content)."""
    have = in_channel(store, store.bot_user, channel)
    needed = 0
    if creating:
        needed |= SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
        if payload.get("message_reference"):
            needed |= READ_MESSAGE_HISTORY
    if has_files:
        needed |= ATTACH_FILES
    if payload.get("embeds"):
        needed |= EMBED_LINKS
    if needed & ~have:
        raise DiscordAPIError(403, MISSING_PERMISSIONS, "Missing Permissions")


def require(store: Store, channel: Channel, needed: int) -> None:
    if needed & ~in_channel(store, store.bot_user, channel):
        raise DiscordAPIError(403, MISSING_PERMISSIONS, "Missing Permissions")
