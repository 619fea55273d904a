"""pytest fixtures for the Discord stand-in.

``standin`` starts a stand-in and points discord.py at it by setting only ``discord.http.Route.BASE``
and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (both restored afterwards). ``start_bot`` runs a
given ``discord.Client`` / ``commands.Bot`` against it in the test's loop, with the 5-s pre-IDENTIFY sleep
and the 2-s ``guild_ready_timeout`` shortened on that client instance, and waits until it is ready.
At teardown every payload the stand-in sent is checked against what discord.py requires.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import discord
import pytest

from standin.client import pointed_at, running
from standin.driver import StandIn
from standin.schemas_out import check_outgoing


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A running stand-in with discord.py pointed at it; fails the test if it sent a bad payload."""
    stand = StandIn().start()
    try:
        with pointed_at(stand):
            yield stand
    finally:
        stand.stop()
    problems = list(stand.world.internal_errors)
    problems += [p for kind, payload in stand.outgoing for p in check_outgoing(kind, payload)]
    if problems:
        pytest.fail(
            "the stand-in failed or sent payloads discord.py cannot parse:\n" + "\n".join(problems[:20])
        )


@pytest.fixture
def start_bot(standin: StandIn) -> Callable[..., Any]:
    """``async with start_bot(bot) as bot:`` runs ``bot`` against the stand-in until the block ends."""

    def starter(
        client: discord.Client, **kwargs: Any
    ) -> contextlib.AbstractAsyncContextManager[discord.Client]:
        return running(client, standin, **kwargs)

    return starter
