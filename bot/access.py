"""Who may do what: owners act on their own jobs and datasets; admins (Manage Server, or the role
named in settings.discord.admin_role) act on everything and use the admin commands."""

from __future__ import annotations

import discord

from bot.errors import NotAdmin, NotOwner
from config.settings import Settings


def is_admin(user: discord.abc.User, settings: Settings) -> bool:
    """Manage Server in this guild, or the configured admin role."""
    if not isinstance(user, discord.Member):
        return False  # in DMs nobody is an admin: there is no server to manage
    if user.guild_permissions.manage_guild:
        return True
    role = settings.discord.admin_role
    return bool(role) and any(r.name == role or str(r.id) == role for r in user.roles)


def require_admin(user: discord.abc.User, settings: Settings) -> None:
    if not is_admin(user, settings):
        raise NotAdmin(settings.discord.admin_role)


def require_owner(user: discord.abc.User, owner_id: int, settings: Settings, what: str, ident: str) -> None:
    """Raise NotOwner unless `user` owns the thing or is an admin."""
    if user.id != owner_id and not is_admin(user, settings):
        raise NotOwner(what, ident)
