"""Who may do what.

- Owners act on their own jobs and datasets, from any server or a DM.
- A server's admins (Manage Server there, or the role whose *id* is `discord.admin_role`, held in that
  server) act on that server's jobs and datasets only: the thing's stored `guild_id` must be the server
  the request comes from. Something made in a DM has no server: only its owner and the operators.
- The bot's operators (`discord.operator_ids`, user ids) act on everything, and alone run the commands
  that touch every server at once (pausing the queue, the model paths).
"""

from __future__ import annotations

import discord

from bot.errors import NotAdmin, NotOwner
from config.settings import Settings


def is_operator(user: discord.abc.User, settings: Settings) -> bool:
    return user.id in settings.discord.operator_ids


def is_guild_admin(user: discord.abc.User, settings: Settings) -> bool:
    """Manage Server, or the configured admin role (by id), in the server the request comes from."""
    if not isinstance(user, discord.Member):
        return False  # in DMs nobody is an admin: there is no server to manage
    if user.guild_permissions.manage_guild:
        return True
    role = settings.discord.admin_role.strip()
    return bool(role) and any(str(r.id) == role and r.guild.id == user.guild.id for r in user.roles)


def is_admin(user: discord.abc.User, settings: Settings, guild_id: int | None) -> bool:
    """May `user` manage a thing that belongs to server `guild_id`? Operators always; a server's
    admins only for things of the server they are asking from."""
    if is_operator(user, settings):
        return True
    if guild_id is None or not isinstance(user, discord.Member) or user.guild.id != guild_id:
        return False
    return is_guild_admin(user, settings)


def require_admin(user: discord.abc.User, settings: Settings) -> None:
    """The admin commands about this server: its admins and the operators."""
    if not (is_operator(user, settings) or is_guild_admin(user, settings)):
        raise NotAdmin(settings.discord.admin_role)


def require_operator(user: discord.abc.User, settings: Settings) -> None:
    """The admin commands that act on every server at once."""
    if not is_operator(user, settings):
        raise NotAdmin(settings.discord.admin_role)


def require_owner(
    user: discord.abc.User, owner_id: int, settings: Settings, what: str, ident: str, guild_id: int | None
) -> None:
    """Raise NotOwner unless `user` owns the thing or administers the server it belongs to."""
    if user.id != owner_id and not is_admin(user, settings, guild_id):
        raise NotOwner(what, ident)
