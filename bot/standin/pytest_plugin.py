"""pytest fixtures for the Discord stand-in.

``standin`` starts a stand-in and points discord.py at it by setting only ``discord.http.Route.BASE``
and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (both restored afterwards). ``start_bot`` runs a
given ``discord.Client`` / ``commands.Bot`` against it in the test's loop, with the 5-s pre-IDENTIFY sleep
and the 2-s ``guild_ready_timeout`` shortened on that client instance, and waits until it is ready.
At teardown every payload the stand-in sent is checked against what discord.py requires.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import discord
import discord.gateway
import discord.http
import pytest
import yarl

from bot.standin.driver import StandIn
from bot.standin.schemas_out import check_outgoing

FAST_IDENTIFY_S = 0.05
FAST_GUILD_READY_S = 0.2
READY_TIMEOUT_S = 10.0
CLOSE_TIMEOUT_S = 5.0


@contextlib.contextmanager
def pointed_at(standin: StandIn) -> Iterator[StandIn]:
    """Point discord.py's two base URLs at ``standin`` for the duration of the block."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = standin.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(standin.gateway_url)
    try:
        yield standin
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


def shorten_waits(client: discord.Client, *, identify_s: float = FAST_IDENTIFY_S) -> None:
    """Shorten the 5-s sleep before a re-IDENTIFY and the guild-ready wait, on this client only."""

    async def quick_identify_hook(shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:
            await asyncio.sleep(identify_s)

    client.before_identify_hook = quick_identify_hook  # type: ignore[method-assign]
    client._connection.guild_ready_timeout = FAST_GUILD_READY_S


@contextlib.asynccontextmanager
async def running(
    client: discord.Client, standin: StandIn, *, ready_timeout: float = READY_TIMEOUT_S
) -> AsyncIterator[discord.Client]:
    """Start ``client`` against ``standin`` in the current loop; close it when the block ends."""
    shorten_waits(client)
    task = asyncio.create_task(client.start(standin.token), name="standin-bot")
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()  # re-raises the client's own error (bad token, disallowed intents, ...)
        task.cancel()
        raise TimeoutError(f"the bot was not ready within {ready_timeout} s\n{standin.transcript()}")
    try:
        yield client
    finally:
        await asyncio.wait_for(client.close(), CLOSE_TIMEOUT_S)
        await asyncio.wait_for(task, CLOSE_TIMEOUT_S)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A running stand-in with discord.py pointed at it; fails the test if it sent a bad payload."""
    stand = StandIn().start()
    try:
        with pointed_at(stand):
            yield stand
    finally:
        stand.stop()
    problems = [p for kind, payload in stand.outgoing for p in check_outgoing(kind, payload)]
    if problems:
        pytest.fail("the stand-in sent payloads discord.py cannot parse:\n" + "\n".join(problems[:20]))


@pytest.fixture
def start_bot(standin: StandIn) -> Callable[..., Any]:
    """``async with start_bot(bot) as bot:`` runs ``bot`` against the stand-in until the block ends."""

    def starter(
        client: discord.Client, **kwargs: Any
    ) -> contextlib.AbstractAsyncContextManager[discord.Client]:
        return running(client, standin, **kwargs)

    return starter
