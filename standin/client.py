"""Pointing the real discord.py client at a stand-in and running it there (no pytest needed).

Only four things change, all restored or local: ``discord.http.Route.BASE`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (restored on exit), and on the given client instance
the 5-s sleep before a re-IDENTIFY and the 2-s ``guild_ready_timeout``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import discord
import discord.gateway
import discord.http
import yarl

from standin.driver import StandIn

FAST_IDENTIFY_S = 0.05
FAST_GUILD_READY_S = 0.2
READY_TIMEOUT_S = 10.0
# A client's close may take a while on purpose: loracord's bot lets its Discord call in flight finish
# (up to 10 s, bot/progress.py STOP_GRACE_S), e.g. one that discord.py is waiting out a 429 for, then
# stops its worker. 5 s cut such a close in half on a loaded host; this bound only catches a hang.
CLOSE_TIMEOUT_S = 60.0
READY_POLL_S = 0.02


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
    deadline = asyncio.get_running_loop().time() + ready_timeout
    # Poll is_ready(): wait_until_ready() may not be called before login has set the client up.
    while not client.is_ready():
        if task.done():
            await _close(client)
            task.result()  # re-raises the client's own error (bad token, disallowed intents, ...)
            raise RuntimeError(f"the bot stopped before it was ready\n{standin.transcript()}")
        if asyncio.get_running_loop().time() > deadline:
            await _close(client)
            task.cancel()
            raise TimeoutError(f"the bot was not ready within {ready_timeout} s\n{standin.transcript()}")
        await asyncio.sleep(READY_POLL_S)
    try:
        yield client
    finally:
        await _close(client)
        await asyncio.wait_for(task, CLOSE_TIMEOUT_S)


async def _close(client: discord.Client) -> None:
    await asyncio.wait_for(client.close(), CLOSE_TIMEOUT_S)
