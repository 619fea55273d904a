"""Answers that may come late: through the interaction while its token lives, else with the bot token.

An interaction token lives 15 minutes (docs: Interactions > Receiving and Responding); a followup sent
later fails with 401 50027, so a command that can outlive it (`/caption run` may take 30 minutes,
`/dataset add` unpacks big zips) must not answer through it. `answer` decides from the interaction's
age: with a minute of margin left it uses the followup; after that the bot's own token — an ephemeral
answer goes to the user's DM (it is for them alone), a public one to the channel with a mention. With
DMs closed, a short note in the channel tells the user where to look, without the private content.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import discord

from bot import limits
from bot.discord_errors import classify
from bot.i18n import t

log = logging.getLogger(__name__)

#: Answer through the channel once less than this is left of the token's 15 minutes.
TOKEN_MARGIN_S = 60.0


def now_for(interaction: discord.Interaction) -> float:
    """The bot's clock (`LoracordBot.clock`; tests move it with the stand-in's), else wall time."""
    clock = getattr(interaction.client, "clock", None)
    return clock() if callable(clock) else time.time()


def token_alive(interaction: discord.Interaction) -> bool:
    """True while a followup through the interaction's token will certainly still be accepted."""
    age = now_for(interaction) - interaction.created_at.timestamp()
    return age < limits.INTERACTION_TOKEN_LIFETIME_S - TOKEN_MARGIN_S


async def answer(
    interaction: discord.Interaction, content: str = "", *, ephemeral: bool, **kwargs: Any
) -> None:
    """The command's answer, through whichever token still works (see the module's docstring)."""
    if token_alive(interaction):
        await interaction.followup.send(content, ephemeral=ephemeral, **kwargs)
        return
    log.info(
        "interaction %s is %.0f s old: answering with the bot token",
        interaction.id,
        now_for(interaction) - interaction.created_at.timestamp(),
    )
    if ephemeral:
        try:
            await interaction.user.send(content, **kwargs)
            return
        except Exception as exc:
            failure = classify(exc)
            if failure is None or not failure.permanent:
                raise
        content = t(interaction.locale, "replies.late_dms_closed", command=_command_name(interaction))
        kwargs = {}
    channel = interaction.client.get_partial_messageable(  # type: ignore[attr-defined]
        interaction.channel_id or 0, guild_id=interaction.guild_id
    )
    text = limits.clip(f"{interaction.user.mention} {content}".strip(), limits.CONTENT_MAX)
    mentions = discord.AllowedMentions(users=[interaction.user], everyone=False, roles=False)
    await channel.send(text, allowed_mentions=mentions, **kwargs)


def _command_name(interaction: discord.Interaction) -> str:
    return f"/{interaction.command.qualified_name}" if interaction.command else "/"
