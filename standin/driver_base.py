"""The stand-in driver's setup and inspection half: lifecycle, what exists, users, channels, records.

Actions and waits are in driver.py (``StandIn`` extends this class).
"""

from __future__ import annotations

from typing import Any

from standin import limits, permissions
from standin.clock import Clock
from standin.faults import Faults
from standin.gateway import GatewayStats
from standin.server import StandInServer
from standin.state import Channel, Guild, Interaction, Message, Role, User, snowflake
from standin.world import RequestLog


class StandInBase:
    """Lifecycle, setup and inspection of a stand-in (see StandIn for the actions)."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        heartbeat_ms: int = limits.HEARTBEAT_INTERVAL_MS,
        bot_name: str = "loracord",
        guild_name: str = "loracord test",
        message_content_allowed: bool = True,
    ) -> None:
        self.server = StandInServer(
            clock=clock, heartbeat_ms=heartbeat_ms, bot_name=bot_name, guild_name=guild_name
        )
        self.world = self.server.world
        self._store = self.world.store
        if not message_content_allowed:
            self._store.app.allowed_privileged_intents &= ~limits.INTENT_MESSAGE_CONTENT
        self._since = 0  # message seq at the driver's last action (wait_for_message looks after it)

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> StandInBase:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> StandInBase:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what exists -----------------------------------------------------------------------------
    @property
    def token(self) -> str:
        return self._store.app.token

    @property
    def api_base(self) -> str:
        return self.server.api_base

    @property
    def gateway_url(self) -> str:
        return self.server.gateway_url

    @property
    def clock(self) -> Clock:
        return self.server.clock

    @property
    def faults(self) -> Faults:
        return self.server.faults

    @property
    def application_id(self) -> int:
        return self._store.app.id

    @property
    def bot_user(self) -> User:
        return self._store.bot_user

    @property
    def owner(self) -> User:
        return self._store.users[self._store.app.owner_id]

    @property
    def guild(self) -> Guild:
        return self._store.guild

    @property
    def channels(self) -> dict[str, Channel]:
        """Guild text channels by name (threads under ``threads``)."""
        return self.server.call(lambda: {c.name: c for c in self._store.text_channels()})

    @property
    def threads(self) -> dict[str, Channel]:
        return self.server.call(lambda: {c.name: c for c in self._store.channels.values() if c.is_thread})

    @property
    def gateway_stats(self) -> GatewayStats:
        return self.world.gateway.stats

    @property
    def requests(self) -> list[RequestLog]:
        return list(self.world.requests)

    @property
    def outgoing(self) -> list[tuple[str, Any]]:
        """Every payload the stand-in sent (gateway events by name, REST bodies by kind)."""
        return list(self.world.outgoing)

    def commands(self, *, guild: bool = False) -> dict[str, dict[str, Any]]:
        """Registered commands by name (global, or the guild's)."""
        table = self._store.commands_for(self._store.guild.id if guild else None)
        return {c.data["name"]: c.data for c in table.values()}

    def add_user(
        self, username: str, *, locale: str = "en-US", member: bool = True, guild: Guild | None = None
    ) -> User:
        """A user, a member of `guild` (the first guild by default) unless `member` is False."""

        def add() -> User:
            user = self._store.add_user(username, locale=locale)
            if member:
                (guild or self._store.guild).member_ids.append(user.id)
            return user

        return self.server.call(add)

    def add_guild(self, name: str, owner: str = "owner2") -> tuple[Guild, User]:
        """Another guild the bot is in, with its own owner (Manage Server there) and #general.
        Add guilds before the bot connects: they are in READY and get their GUILD_CREATE."""

        def add() -> tuple[Guild, User]:
            user = self._store.add_user(owner)
            return self._store.add_guild(name, user.id), user

        return self.server.call(add)

    def add_role(self, guild: Guild, name: str, *, permissions: int = 0) -> Role:
        """A role in `guild` (before the bot connects: it is in GUILD_CREATE)."""

        def add() -> Role:
            role = Role(id=snowflake(), guild_id=guild.id, name=name, permissions=permissions)
            guild.roles[role.id] = role
            return role

        return self.server.call(add)

    def set_overwrite(
        self,
        channel: Channel,
        target: User | Role | Guild,
        *,
        allow: tuple[str, ...] = (),
        deny: tuple[str, ...] = (),
    ) -> None:
        """A permission overwrite on `channel` for a member, a role or @everyone (pass the Guild), by
        discord.py's permission names, e.g. `deny=("attach_files",)`; applies at once, mid-session too."""
        value = (permissions.bits(allow), permissions.bits(deny))
        self.server.call(lambda: channel.overwrites.__setitem__(target.id, value))

    def set_invalid_request_ban(
        self,
        ban_after: int | None = limits.INVALID_REQUEST_LIMIT,
        *,
        window_s: float = limits.INVALID_REQUEST_WINDOW_S,
        ban_s: float = limits.INVALID_REQUEST_BAN_S,
    ) -> None:
        """Ban every route (Cloudflare's 403 page) once `ban_after` 401/403/429 answers fall within
        `window_s`; None: count only (the default)."""
        self.server.invalid.configure(ban_after, window_s=window_s, ban_s=ban_s)

    @property
    def invalid_requests(self) -> int:
        """401/403/429 answers (shared-scope 429s excepted) in the current window."""
        return self.server.invalid.count()

    def join_guild(self, user: User, guild: Guild) -> None:
        """`user` becomes a member of `guild` too (a person is often in several servers)."""
        self.server.call(lambda: guild.member_ids.append(user.id))

    def give_role(self, user: User, role: Role) -> None:
        self.server.call(lambda: user.role_ids.append(role.id))

    def channel_in(self, guild: Guild, name: str) -> Channel:
        """A text channel of `guild` by name (`channels` lists the first guild's)."""
        return self.server.call(lambda: next(c for c in self._store.text_channels(guild) if c.name == name))

    def add_channel(self, name: str, *, topic: str | None = None, guild: Guild | None = None) -> Channel:
        # Added before the bot connects it appears in GUILD_CREATE; CHANNEL_CREATE is not sent.
        return self.server.call(lambda: self._store.add_channel(name, topic=topic, guild=guild))

    def set_premium_tier(self, tier: int, guild: Guild | None = None) -> None:
        """Raise a guild's boost tier (and so its per-file upload limit: 10/10/50/100 MiB)."""
        if tier not in range(len(limits.ATTACHMENT_SIZE_LIMIT_BY_TIER)):
            raise ValueError(f"premium tier must be 0..3, got {tier}")
        self.server.call(lambda: setattr(guild or self._store.guild, "premium_tier", tier))

    def allow_message_content(self, allowed: bool) -> None:
        """Toggle the portal switch for the privileged Message Content intent (applies at IDENTIFY)."""
        self.allow_privileged_intents(message_content=allowed)

    def allow_privileged_intents(
        self,
        *,
        message_content: bool | None = None,
        members: bool | None = None,
        presences: bool | None = None,
    ) -> None:
        """Set the portal switches for privileged intents (None leaves one as it is; default: only
        Message Content is allowed). An IDENTIFY asking for a disallowed one is closed with 4014."""
        wanted = {
            limits.INTENT_MESSAGE_CONTENT: message_content,
            limits.INTENT_GUILD_MEMBERS: members,
            limits.INTENT_GUILD_PRESENCES: presences,
        }

        def apply() -> None:
            for bit, allowed in wanted.items():
                if allowed is True:
                    self._store.app.allowed_privileged_intents |= bit
                elif allowed is False:
                    self._store.app.allowed_privileged_intents &= ~bit

        self.server.call(apply)

    def dm_channel(self, user: User) -> Channel:
        return self.server.call(lambda: self._store.dm_with(user.id))

    def message(self, message_id: int) -> Message:
        return self._store.messages[message_id]

    def messages(self, channel: Channel | None = None, *, include_ephemeral: bool = True) -> list[Message]:
        out = [m for m in list(self._store.messages.values()) if not m.deleted]
        if channel is not None:
            out = [m for m in out if m.channel_id == channel.id]
        if not include_ephemeral:
            out = [m for m in out if not m.ephemeral]
        return sorted(out, key=lambda m: m.seq)

    def interactions(self) -> list[Interaction]:
        return list(self._store.interactions.values())

    def response_times(self) -> dict[int, float | None]:
        """Seconds from dispatch to the first callback, per interaction id (None: never answered)."""
        return {i.id: i.response_time for i in self.interactions()}

    def transcript(self) -> str:
        """Everything said in the guild, one readable line per event."""
        return self.world.transcript()

    def attachment_bytes(self, url: str) -> bytes:
        """The stored bytes behind a CDN URL the stand-in handed out."""
        for _, att in list(self.world.attachments.values()):
            if att.url == url:
                return att.data
        raise KeyError(f"no attachment with URL {url}")
