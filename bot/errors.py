"""Domain errors the bot raises, and the one handler that turns every error into a reply.

A command or button raises a typed exception carrying what the user needs to know (which file, which
limit, when it resets); `ErrorHandler.handle` words it as a short ephemeral reply in the user's
language. Anything unexpected becomes an apology with an error id, and a log line with that id, the
user, the command and the job, so an operator can find the traceback from what the user reports.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from bot import limits, replies
from bot.i18n import t
from trainer.queue.fairness import QueueFull, QuotaExceeded
from trainer.queue.types import JobNotFound, JobStateError

log = logging.getLogger(__name__)


class BotError(app_commands.AppCommandError):
    """An error with a message for the user: `key` in the catalogues, `values` to fill it.

    An `AppCommandError` so that discord.py hands it to the tree's error handler even when a check
    (rate limit, admin) raises it before the command runs."""

    key = "errors.generic"

    def values(self) -> dict[str, Any]:
        return {}

    def message(self, locale: Any) -> str:
        return t(locale, self.key, **self.values())


class AttachmentRejected(BotError):
    """Uploads refused (wrong type, too big, undecodable); `reasons` are the lines to show."""

    key = "errors.attachment_rejected"

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)

    def values(self) -> dict[str, Any]:
        return {"reasons": "\n".join(f"• {r}" for r in self.reasons)}


class NotOwner(BotError):
    """Someone other than the owner (or an admin) tried to act on a job or dataset."""

    key = "errors.not_owner"

    def __init__(self, what: str, ident: str) -> None:
        super().__init__(f"{what} {ident} belongs to someone else")
        self.what = what
        self.ident = ident

    def values(self) -> dict[str, Any]:
        return {"ident": self.ident}


class NotAdmin(BotError):
    key = "errors.not_admin"

    def __init__(self, role: str) -> None:
        super().__init__("admin command used by a non-admin")
        self.role = role

    def values(self) -> dict[str, Any]:
        return {"role": self.role or "-"}


class RateLimited(BotError):
    key = "errors.rate_limited"

    def __init__(self, retry_after: float, limit: int) -> None:
        super().__init__(f"rate limited for {retry_after:.0f} s")
        self.retry_after = retry_after
        self.limit = limit

    def values(self) -> dict[str, Any]:
        return {"seconds": max(1, round(self.retry_after)), "limit": self.limit}


class DatasetNotFound(BotError):
    key = "errors.dataset_not_found"

    def __init__(self, dataset: str) -> None:
        super().__init__(f"no dataset {dataset!r}")
        self.dataset = dataset

    def values(self) -> dict[str, Any]:
        return {"dataset": self.dataset}


class DatasetEmpty(BotError):
    key = "errors.dataset_empty"

    def __init__(self, dataset: str) -> None:
        super().__init__(f"dataset {dataset} has no images")
        self.dataset = dataset

    def values(self) -> dict[str, Any]:
        return {"dataset": self.dataset}


class BadValue(BotError):
    """A value the user typed is wrong: `field` names it, `problem` says what is accepted."""

    key = "errors.bad_value"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem

    def values(self) -> dict[str, Any]:
        return {"field": self.field, "problem": self.problem}


class Unavailable(BotError):
    """A feature that this installation has not configured (no WD14 model, no LLM...)."""

    key = "errors.unavailable"

    def __init__(self, what: str, how: str) -> None:
        super().__init__(f"{what} unavailable: {how}")
        self.what = what
        self.how = how

    def values(self) -> dict[str, Any]:
        return {"what": self.what, "how": self.how}


def _unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = getattr(error, "original", None) or error.__cause__
        if inner is None:
            break
        error = inner
    return error


def user_message(error: BaseException, locale: Any) -> str | None:
    """The reply for a known error, or None when the error is unexpected."""
    if isinstance(error, BotError):
        return error.message(locale)
    if isinstance(error, QueueFull):
        key = "errors.queue_full_user" if error.scope == "user" else "errors.queue_full_guild"
        return t(locale, key, limit=error.limit, current=error.current)
    if isinstance(error, QuotaExceeded):
        reset = time.strftime("%H:%M UTC", time.gmtime(error.reset_at))
        return t(locale, "errors.quota", used=round(error.current), limit=round(error.limit), reset=reset)
    if isinstance(error, JobNotFound):
        return t(locale, "errors.job_not_found", job=error.job_id)
    if isinstance(error, JobStateError):
        return t(
            locale, "errors.job_state", job=error.job_id, status=t(locale, f"status.{error.status.value}")
        )
    if isinstance(error, app_commands.CommandOnCooldown):
        return t(locale, "errors.rate_limited", seconds=round(error.retry_after), limit="-")
    if isinstance(error, app_commands.CheckFailure):
        return t(locale, "errors.not_allowed")
    return None


class ErrorHandler:
    """The one place errors become replies. Installed as the command tree's and every view's handler."""

    def __init__(self) -> None:
        self.unexpected: list[str] = []  # error ids, newest last (the tests read them)

    def text(self, error: BaseException, locale: Any, *, user_id: int, where: str, job_id: str = "") -> str:
        """The reply for `error`; an unexpected one is logged with an error id the reply shows."""
        error = _unwrap(error)
        text = user_message(error, locale)
        if text is None:
            error_id = secrets.token_hex(4)
            self.unexpected.append(error_id)
            log.error(
                "unexpected error %s (user %s, command %s, job %s)",
                error_id,
                user_id,
                where,
                job_id or "-",
                exc_info=error,
            )
            text = t(locale, "errors.unexpected", error_id=error_id)
        return limits.clip(text, limits.CONTENT_MAX)

    async def handle(
        self, interaction: discord.Interaction, error: BaseException, *, job_id: str = ""
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else _custom_id(interaction)
        text = self.text(
            error,
            interaction.locale,
            user_id=interaction.user.id,
            where=command,
            job_id=job_id or _job_in(interaction),
        )
        await reply(interaction, text)


def _custom_id(interaction: discord.Interaction) -> str:
    data = interaction.data or {}
    return str(data.get("custom_id", "-"))


def _job_in(interaction: discord.Interaction) -> str:
    # Buttons on job messages carry the job id in their custom_id (`lc:job:<action>:<job id>`).
    parts = _custom_id(interaction).split(":")
    return parts[3] if len(parts) >= 4 and parts[1] == "job" else ""


async def reply(interaction: discord.Interaction, text: str, **kwargs: Any) -> None:
    """An ephemeral answer, whether or not the interaction was already acknowledged.

    After a public "thinking…" deferral the first followup would replace that public message, so it
    is deleted first: an error stays between the bot and the user who caused it."""
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True, **kwargs)
            return
        if not replies.token_alive(interaction):  # e.g. a captioning that timed out after 30 min
            await replies.answer(interaction, text, ephemeral=True, **kwargs)
            return
        if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
            original = await interaction.original_response()
            if not original.flags.ephemeral and not original.content and not original.embeds:
                await interaction.delete_original_response()
        await interaction.followup.send(text, ephemeral=True, **kwargs)
    except discord.HTTPException as exc:
        # The interaction may have expired (15 min) or been answered elsewhere; nothing more to do.
        log.warning("could not send an error reply: %s", exc)
