"""The test driver: a Discord stand-in with users, a guild and channels, and the actions of people in it.

Setup calls (``add_user``, ``add_channel``) block briefly; actions (``send_slash_command``, ``click``,
``submit_modal``, ``autocomplete``, ``post_message``) and waits are coroutines for the test's own loop.
Every wait has a timeout, so a bot that never answers fails the test instead of hanging it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.standin import interactions as build
from bot.standin import limits
from bot.standin.clock import Clock
from bot.standin.faults import Faults
from bot.standin.gateway import GatewayStats
from bot.standin.server import StandInServer
from bot.standin.state import Channel, Guild, Interaction, Message, User
from bot.standin.world import RequestLog

DEFAULT_TIMEOUT_S = 10.0


class StandIn:
    """A local Discord for one bot. Use as a context manager, or call start()/stop()."""

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
    def start(self) -> StandIn:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> StandIn:
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

    def add_user(self, username: str, *, locale: str = "en-US", member: bool = True) -> User:
        def add() -> User:
            user = self._store.add_user(username, locale=locale)
            if member:
                self._store.guild.member_ids.append(user.id)
            return user

        return self.server.call(add)

    def add_channel(self, name: str, *, topic: str | None = None) -> Channel:
        # Added before the bot connects it appears in GUILD_CREATE; CHANNEL_CREATE is not sent.
        return self.server.call(lambda: self._store.add_channel(name, topic=topic))

    def set_premium_tier(self, tier: int) -> None:
        """Raise the guild's boost tier (and so its per-file upload limit: 10/10/50/100 MiB)."""
        if tier not in range(len(limits.ATTACHMENT_SIZE_LIMIT_BY_TIER)):
            raise ValueError(f"premium tier must be 0..3, got {tier}")
        self.server.call(lambda: setattr(self._store.guild, "premium_tier", tier))

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

    # --- actions ---------------------------------------------------------------------------------
    def _mark(self) -> None:
        self._since = max((m.seq for m in list(self._store.messages.values())), default=0)

    def _channel(self, channel: Channel | str | None) -> Channel:
        if channel is None:
            return self.channels["general"]
        if isinstance(channel, str):
            found = self.channels.get(channel) or self.threads.get(channel)
            if found is None:
                raise ValueError(f"no channel named {channel!r}; there are {sorted(self.channels)}")
            return found
        return channel

    async def send_slash_command(
        self,
        user: User,
        name: str,
        *,
        options: dict[str, Any] | None = None,
        subcommand: str | list[str] | None = None,
        attachments: list[tuple[str, bytes]] | None = None,
        locale: str | None = None,
        channel: Channel | str | None = None,
    ) -> Interaction:
        """Run ``/name [subcommand path] option=value…`` as ``user``; attachments fill attachment options."""
        ch = self._channel(channel)
        path = subcommand.split() if isinstance(subcommand, str) else list(subcommand or [])
        opts = dict(options or {})

        async def go() -> Interaction:
            cmd = self._store.find_command(name, in_guild=not ch.is_dm)
            if cmd is None:
                have = sorted(c.data["name"] for c in self._store.global_commands.values())
                raise ValueError(f"no registered command /{name} (did the bot sync?); registered: {have}")
            data = build.command_data(self.world, cmd, ch, path, opts, list(attachments or []))
            shown = " ".join([f"/{name}", *path, *(f"{k}={_short(v)}" for k, v in opts.items())])
            shown += "".join(f" [upload {fn} {len(b)} B]" for fn, b in attachments or [])
            return await build.open_interaction(
                self.world,
                build.APP_COMMAND,
                user,
                ch,
                data,
                locale=locale or user.locale,
                summary=f"uses {shown}",
            )

        self._mark()
        return await self.server.run(go, DEFAULT_TIMEOUT_S)

    async def autocomplete(
        self,
        user: User,
        name: str,
        focused: str,
        value: str,
        *,
        options: dict[str, Any] | None = None,
        subcommand: str | list[str] | None = None,
        locale: str | None = None,
        channel: Channel | str | None = None,
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused`` and return the bot's suggested choices."""
        ch = self._channel(channel)
        path = subcommand.split() if isinstance(subcommand, str) else list(subcommand or [])
        opts = {**(options or {}), focused: value}

        async def go() -> Interaction:
            cmd = self._store.find_command(name, in_guild=not ch.is_dm)
            if cmd is None:
                raise ValueError(f"no registered command /{name}")
            data = build.command_data(self.world, cmd, ch, path, opts, [], focused=focused)
            return await build.open_interaction(
                self.world, build.AUTOCOMPLETE, user, ch, data, locale=locale or user.locale,
                summary=f"types {value!r} into /{name} {focused}",
            )  # fmt: skip

        inter = await self.server.run(go, DEFAULT_TIMEOUT_S)
        await self.wait_for_response(inter, timeout=timeout)
        return list(inter.choices or [])

    async def click(
        self,
        user: User,
        message: Message,
        custom_id: str,
        *,
        values: list[str] | None = None,
        locale: str | None = None,
    ) -> Interaction:
        """Press a button (or pick ``values`` in a select) on a message."""

        async def go() -> Interaction:
            msg = self._store.messages.get(message.id)
            if msg is None or msg.deleted:
                raise ValueError(f"message {message.id} does not exist (deleted?)")
            if msg.ephemeral:
                owner = self._store.interactions.get(msg.interaction_id or 0)
                if owner is not None and owner.user_id != user.id:
                    raise ValueError("only the user who got an ephemeral message can click on it")
            data = build.component_data(msg, custom_id, values)
            return await build.open_interaction(
                self.world, build.COMPONENT, user, self._store.channels[msg.channel_id], data,
                locale=locale or user.locale, message_id=msg.id, summary=f"clicks {custom_id!r}",
            )  # fmt: skip

        self._mark()
        return await self.server.run(go, DEFAULT_TIMEOUT_S)

    async def submit_modal(
        self, user: User, interaction: Interaction, custom_id: str, values: dict[str, str]
    ) -> Interaction:
        """Fill in and submit the modal the bot opened in answer to ``interaction``."""

        async def go() -> Interaction:
            if interaction.modal is None:
                raise ValueError(f"the bot opened no modal for interaction {interaction.id}")
            data = build.modal_data(interaction.modal, custom_id, values)
            return await build.open_interaction(
                self.world, build.MODAL_SUBMIT, user, self._store.channels[interaction.channel_id], data,
                locale=interaction.locale, message_id=interaction.message_id, summary=f"submits modal {custom_id!r}",
            )  # fmt: skip

        self._mark()
        return await self.server.run(go, DEFAULT_TIMEOUT_S)

    async def post_message(
        self,
        user: User,
        channel: Channel | str | None,
        content: str = "",
        *,
        files: list[tuple[str, bytes]] | None = None,
        reply_to: Message | None = None,
    ) -> Message:
        """``user`` writes in ``channel`` (a DM channel too); the bot gets MESSAGE_CREATE per its intents."""
        ch = self._channel(channel)
        uploads = [(i, fn, bytes(b), None) for i, (fn, b) in enumerate(files or [])]
        payload: dict[str, Any] = {"content": content}
        if reply_to is not None:
            payload["message_reference"] = {"message_id": reply_to.id}

        async def go() -> Message:
            return await self.world.create_message(ch.id, user.id, payload, uploads)

        self._mark()
        return await self.server.run(go, DEFAULT_TIMEOUT_S)

    # --- waits -----------------------------------------------------------------------------------
    async def _wait(self, ready: Callable[[], Any], timeout: float, what: str) -> Any:
        async def go() -> Any:
            async with self.world.changed:
                while True:
                    found = ready()
                    if found is not None:
                        return found
                    await self.world.changed.wait()

        try:
            return await self.server.run(go, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"timed out after {timeout:.1f} s waiting for {what}\n{self.transcript()}"
            ) from None

    async def wait_for_message(
        self,
        *,
        channel: Channel | str | None = None,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float = 5.0,
        author: User | None = None,
        since: int | None = None,
    ) -> Message:
        """The first message by the bot (or ``author``) after the driver's last action that matches."""
        ch = self._channel(channel) if channel is not None else None
        who = (author or self.bot_user).id
        after = self._since if since is None else since

        def ready() -> Message | None:
            for m in sorted(list(self._store.messages.values()), key=lambda x: x.seq):
                if m.seq <= after or m.deleted or m.author_id != who or m.flags & limits.FLAG_LOADING:
                    continue
                if ch is not None and m.channel_id != ch.id:
                    continue
                if predicate is None or predicate(m):
                    return m
            return None

        return await self._wait(ready, timeout, f"a message in {ch.name if ch else 'any channel'}")

    async def wait_for_response(self, interaction: Interaction, *, timeout: float = 5.0) -> Interaction:
        """Wait until the bot's first callback for ``interaction`` (or its refusal as late)."""
        return await self._wait(
            lambda: interaction if interaction.acknowledged or interaction.late else None,
            timeout,
            f"the response to interaction {interaction.id}",
        )

    # --- gateway controls ------------------------------------------------------------------------
    async def drop_connection(self, *, hold: bool = False) -> None:
        """Cut the bot's gateway connection; with ``hold`` new connections wait for release_connection()."""
        await self.server.run(lambda: self.world.gateway.drop(hold=hold), DEFAULT_TIMEOUT_S)

    def release_connection(self) -> None:
        self.server.call(self.world.gateway.release)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT; the client closes and resumes."""
        await self.server.run(self.world.gateway.request_reconnect, DEFAULT_TIMEOUT_S)

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; when not resumable the client must IDENTIFY afresh."""
        await self.server.run(lambda: self.world.gateway.invalidate(resumable=resumable), DEFAULT_TIMEOUT_S)

    def connected(self) -> bool:
        return self.server.call(self.world.gateway.connected)


def _short(value: Any) -> str:
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes | bytearray):
        return f"<{value[0]} {len(value[1])} B>"
    if isinstance(value, User):
        return f"@{value.username}"
    if isinstance(value, Channel):
        return f"#{value.name}"
    return repr(value)
