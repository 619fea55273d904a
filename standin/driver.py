"""The test driver: a Discord stand-in with users, a guild and channels, and the actions of people in it.

Setup calls (``add_user``, ``add_channel``) block briefly; actions (``send_slash_command``, ``click``,
``submit_modal``, ``autocomplete``, ``post_message``) and waits are coroutines for the test's own loop.
Every wait has a timeout, so a bot that never answers fails the test instead of hanging it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from standin import interactions as build
from standin import limits, moderation
from standin.driver_base import StandInBase
from standin.state import Channel, Interaction, Message, User

DEFAULT_TIMEOUT_S = 10.0


class StandIn(StandInBase):
    """A local Discord for one bot. Use as a context manager, or call start()/stop()."""

    def start(self) -> StandIn:
        super().start()
        return self

    def __enter__(self) -> StandIn:
        return self.start()

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

    # --- what members do mid-session (standin/moderation.py) --------------------------------------
    async def delete_channel(self, channel: Channel | str) -> None:
        """Delete a channel (and its threads) or a thread: later requests on it get 404 10003."""
        ch = self._channel(channel)
        await self.server.run(lambda: moderation.delete_channel(self.world, ch), DEFAULT_TIMEOUT_S)

    async def delete_message(self, message: Message) -> None:
        """Delete a message (e.g. the bot's progress message): later requests on it get 404 10008."""
        await self.server.run(lambda: moderation.delete_message(self.world, message), DEFAULT_TIMEOUT_S)

    def close_dms(self, user: User, closed: bool = True) -> None:
        """The user stops accepting direct messages from the bot: sending one gets 403 50007."""
        op = self.world.closed_dms.add if closed else self.world.closed_dms.discard
        self.server.call(lambda: op(user.id))

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
