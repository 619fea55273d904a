"""What the stand-in Discord knows: users, the guild, channels, threads, DMs, messages, attachments,
registered commands and interactions. Mutated only on the server's event loop."""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from standin import limits

DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count()
_counter_lock = threading.Lock()


def snowflake() -> int:
    """A new, increasing Discord-style id (timestamp in the top bits so created_at is right)."""
    with _counter_lock:
        seq = next(_counter)
    return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (seq & 0x3FFFFF)


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    locale: str = "en-US"
    role_ids: list[int] = field(default_factory=list)
    joined_at: float = field(default_factory=time.time)


@dataclass
class Channel:
    """A guild text channel (type 0), a thread (11 public, 12 private) or a DM (type 1)."""

    id: int
    name: str
    type: int = 0
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    owner_id: int | None = None
    recipient_ids: list[int] = field(default_factory=list)
    archived: bool = False
    created: float = field(default_factory=time.time)
    message_count: int = 0
    member_ids: set[int] = field(default_factory=set)
    #: Permission overwrites: role, member or @everyone (the guild's id) -> (allow bits, deny bits).
    overwrites: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def is_thread(self) -> bool:
        return self.type in (10, 11, 12)

    @property
    def is_dm(self) -> bool:
        return self.type == 1


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None
    url: str
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Message:
    id: int
    channel_id: int
    author_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    created: float = field(default_factory=time.time)
    edited: float | None = None
    deleted: bool = False
    mention_ids: list[int] = field(default_factory=list)
    interaction_id: int | None = None
    webhook_id: int | None = None
    thread_id: int | None = None
    referenced_id: int | None = None
    seq: int = 0  # order of creation across the whole stand-in (for wait_for_message)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & limits.FLAG_EPHEMERAL)


@dataclass
class Command:
    id: int
    data: dict[str, Any]
    guild_id: int | None
    version: int


@dataclass
class Interaction:
    """One interaction the stand-in sent, and what the bot did with it."""

    id: int
    token: str
    type: int
    user_id: int
    channel_id: int
    data: dict[str, Any]
    created: float  # clock.now() at dispatch
    locale: str = "en-US"
    guild_id: int | None = None
    message_id: int | None = None  # the message a component sat on
    attachment_size_limit: int = limits.DEFAULT_ATTACHMENT_SIZE_LIMIT
    first_response_at: float | None = None
    response_type: int | None = None
    response_data: dict[str, Any] | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    late: bool = False  # a first response arrived after the 3-s deadline and was refused
    choices: list[dict[str, Any]] | None = None  # autocomplete results
    modal: dict[str, Any] | None = None  # the modal the bot opened, if any

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None

    @property
    def response_time(self) -> float | None:
        """Seconds from dispatch to the bot's first callback (None while unanswered)."""
        if self.first_response_at is None:
            return None
        return self.first_response_at - self.created


@dataclass
class App:
    id: int
    name: str
    bot_user_id: int
    token: str
    owner_id: int
    allowed_privileged_intents: int = limits.INTENT_MESSAGE_CONTENT

    @property
    def flags(self) -> int:
        flags = 0
        if self.allowed_privileged_intents & limits.INTENT_MESSAGE_CONTENT:
            flags |= limits.APP_FLAG_GATEWAY_MESSAGE_CONTENT
        if self.allowed_privileged_intents & limits.INTENT_GUILD_MEMBERS:
            flags |= limits.APP_FLAG_GATEWAY_GUILD_MEMBERS
        if self.allowed_privileged_intents & limits.INTENT_GUILD_PRESENCES:
            flags |= limits.APP_FLAG_GATEWAY_PRESENCE
        return flags


@dataclass
class Role:
    """A guild role: its id is what a member's `role_ids` hold; `permissions` a Discord bit set."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 1


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    premium_tier: int = 0
    preferred_locale: str = "en-US"
    member_ids: list[int] = field(default_factory=list)
    roles: dict[int, Role] = field(default_factory=dict)  # besides @everyone (whose id is the guild's)

    @property
    def attachment_size_limit(self) -> int:
        return limits.ATTACHMENT_SIZE_LIMIT_BY_TIER[self.premium_tier]


class Store:
    """All records, indexed by id."""

    def __init__(self, *, bot_name: str = "loracord", guild_name: str = "loracord test") -> None:
        self.users: dict[int, User] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        self.global_commands: dict[str, Command] = {}
        self.guild_commands: dict[int, dict[str, Command]] = {}
        self.message_seq = itertools.count(1)
        owner = self.add_user("owner")
        bot_user = self.add_user(bot_name, bot=True)
        self.app = App(
            id=snowflake(),
            name=bot_name,
            bot_user_id=bot_user.id,
            token=secrets.token_urlsafe(24),
            owner_id=owner.id,
        )
        self.guilds: dict[int, Guild] = {}
        self.guild = self.add_guild(guild_name, owner.id)  # the first guild: the default everywhere

    @property
    def bot_user(self) -> User:
        return self.users[self.app.bot_user_id]

    def add_user(self, username: str, *, bot: bool = False, locale: str = "en-US") -> User:
        user = User(
            id=snowflake(), username=username, global_name=None if bot else username, bot=bot, locale=locale
        )
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, owner_id: int) -> Guild:
        """A guild with its owner and the bot as members and a #general channel."""
        guild = Guild(id=snowflake(), name=name, owner_id=owner_id)
        guild.member_ids += [owner_id, self.app.bot_user_id]
        self.guilds[guild.id] = guild
        self.add_channel("general", guild=guild)
        return guild

    def add_channel(self, name: str, *, topic: str | None = None, guild: Guild | None = None) -> Channel:
        gid = (guild or self.guild).id
        position = sum(1 for c in self.channels.values() if c.guild_id == gid and not c.is_thread)
        ch = Channel(id=snowflake(), name=name, guild_id=gid, position=position, topic=topic)
        self.channels[ch.id] = ch
        return ch

    def text_channels(self, guild: Guild | None = None) -> list[Channel]:
        gid = (guild or self.guild).id
        return [c for c in self.channels.values() if c.guild_id == gid and not c.is_thread]

    def threads(self, guild: Guild | None = None) -> list[Channel]:
        gid = (guild or self.guild).id
        return [c for c in self.channels.values() if c.guild_id == gid and c.is_thread and not c.archived]

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def file_limit_for(self, channel: Channel) -> int:
        """The per-file upload limit where `channel` is: its guild's boost tier, or the default in DMs."""
        guild = self.guild_of(channel)
        return guild.attachment_size_limit if guild else limits.DEFAULT_ATTACHMENT_SIZE_LIMIT

    def dm_with(self, user_id: int) -> Channel:
        for ch in self.channels.values():
            if ch.is_dm and ch.recipient_ids == [user_id]:
                return ch
        ch = Channel(id=snowflake(), name="", type=1, recipient_ids=[user_id])
        self.channels[ch.id] = ch
        return ch

    def add_message(self, msg: Message) -> Message:
        msg.seq = next(self.message_seq)
        self.messages[msg.id] = msg
        channel = self.channels.get(msg.channel_id)
        if channel is not None:
            channel.message_count += 1
        return msg

    def commands_for(self, guild_id: int | None) -> dict[str, Command]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, {})

    def find_command(self, name: str, command_type: int = 1, *, in_guild: bool = True) -> Command | None:
        """Guild commands first (they are what a member sees first), then global ones; in DMs only global."""
        tables = (
            (self.guild_commands.get(self.guild.id, {}), self.global_commands)
            if in_guild
            else (self.global_commands,)
        )
        for table in tables:
            cmd = table.get(f"{command_type}:{name}")
            if cmd is not None:
                return cmd
        return None
