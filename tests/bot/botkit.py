"""Helpers for the bot's tests: run a command and wait for its answer, make a dataset, read ids."""

from __future__ import annotations

import re
from typing import Any

from standin.driver import StandIn
from standin.state import Interaction, Message, User
from tests.bot.conftest import png_bytes

HANGUL = re.compile(r"[\uac00-\ud7a3]")
DATASET_ID = re.compile(r"\((ds-[0-9a-f]+)\)")
JOB_ID = re.compile(r"`(\d{6}-\d{6}-[0-9a-f]+)`")


def korean(text: str) -> bool:
    return bool(HANGUL.search(text))


def text_of(message: Message) -> str:
    """Content plus embed titles, descriptions and fields: everything a user reads."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        for field in embed.get("fields", []):
            parts += [field.get("name", ""), field.get("value", "")]
    return "\n".join(p for p in parts if p)


async def answer_to(standin: StandIn, inter: Interaction, timeout: float = 20.0) -> Message:
    """The bot's first finished message (response or followup) for an interaction."""
    return await standin.wait_for_message(
        predicate=lambda m: m.interaction_id == inter.id, timeout=timeout, since=0
    )


async def full_answer(standin: StandIn, inter: Interaction, last: str, timeout: float = 20.0) -> str:
    """Every message the bot sent for an interaction, joined, once the one containing `last` arrived (a
    long answer comes as several messages)."""
    await standin.wait_for_message(
        predicate=lambda m: m.interaction_id == inter.id and last in m.content, timeout=timeout, since=0
    )
    return "\n".join(m.content for m in standin.messages() if m.interaction_id == inter.id)


async def command(
    standin: StandIn,
    user: User,
    name: str,
    sub: str | None = None,
    options: dict[str, Any] | None = None,
    *,
    attachments: list[tuple[str, bytes]] | None = None,
    locale: str | None = None,
    timeout: float = 20.0,
) -> tuple[Interaction, Message]:
    inter = await standin.send_slash_command(
        user, name, subcommand=sub, options=options, attachments=attachments, locale=locale
    )
    return inter, await answer_to(standin, inter, timeout)


async def make_dataset(
    standin: StandIn,
    user: User,
    name: str,
    images: int = 3,
    *,
    private: bool = True,
    locale: str | None = None,
) -> str:
    _, msg = await command(
        standin, user, "dataset", "create", {"name": name, "private": private}, locale=locale
    )
    found = DATASET_ID.search(msg.content)
    assert found, msg.content
    if images:
        files = [(f"img{i}.png", png_bytes(i)) for i in range(images)]
        await command(
            standin, user, "dataset", "add", {"dataset": found.group(1)}, attachments=files, timeout=60
        )
    return found.group(1)
