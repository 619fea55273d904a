"""The bot's services: everything the command groups use, in one typed object.

`bot.app.LoracordBot` builds one `Services` at start-up (`build_services`) and hands it to each
extension's `setup(bot, services)` explicitly; cogs keep it. Buttons, modals and autocomplete callbacks,
which discord.py builds without us, reach the same object with `services_of(interaction)`. Nothing is
attached to the bot while extensions load.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import discord

from advisor.answer import Advisor
from advisor.llm import AdvisorOptions, LLMStatus
from bot.datasets import DatasetService
from bot.discord_errors import InvalidRequestBudget
from bot.errors import ErrorHandler
from bot.files import LinkSigner, ephemeral_key
from bot.job_results import ResultButtons
from bot.progress import ProgressTracker
from bot.ratelimit import CommandRateLimiter
from bot.s3_links import ArtifactLinkSigner
from bot.tracked import progress_folder
from config.settings import Settings
from trainer.job_paths import DATASETS_FOLDER
from trainer.queue.backends import open_store
from trainer.queue.options import QueueOptions
from trainer.queue.store import JobStore

log = logging.getLogger(__name__)


class AdvisorService:
    """The advisor, built on first use: finding the LLM file is cheap; its child process starts on the
    first question, so a crash of the model never takes the bot down (docs/advisor.md)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._advisor: Advisor | None = None

    @property
    def advisor(self) -> Advisor:
        if self._advisor is None:
            self._advisor = Advisor(AdvisorOptions.from_settings(self.settings))
        return self._advisor

    def llm_status(self) -> LLMStatus:
        """The LLM's state for /admin status, without starting anything."""
        if self._advisor is not None and self._advisor.llm is not None:
            return self._advisor.llm.status()
        return LLMStatus("not_started" if self.settings.advisor.llm_enabled else "disabled")

    async def close(self) -> None:
        """Stop the LLM child (the bot's close calls this once, after the client is closed)."""
        advisor, self._advisor = self._advisor, None
        if advisor is not None:
            await asyncio.to_thread(advisor.close)


@dataclass(frozen=True)
class Services:
    """What the extensions use. Created once by `build_services`; passed down, never global."""

    settings: Settings
    queue_options: QueueOptions
    data_dir: Path
    store: JobStore
    signer: LinkSigner
    errors: ErrorHandler
    rate_limiter: CommandRateLimiter
    #: 401/403/429 answers in Discord's 10-minute window (bot/discord_errors.py), shown in /admin status.
    invalid_requests: InvalidRequestBudget
    progress: ProgressTracker
    datasets: DatasetService
    advisor: AdvisorService

    @property
    def jobs_dir(self) -> Path:
        return self.queue_options.jobs_dir.resolve()

    @property
    def datasets_dir(self) -> Path:
        return self.data_dir / DATASETS_FOLDER

    @property
    def state_dir(self) -> Path:
        """The bot's own files (progress message ids, dataset settings)."""
        return self.data_dir / "bot"


def _signer(key: Any, settings: Settings, queue_options: QueueOptions, store: JobStore) -> LinkSigner:
    """Links to result files: presigned by the artifact store when job files live in S3 (layout 2)."""
    ttl = settings.files.link_ttl_seconds
    artifacts = getattr(store, "artifacts", None)  # a SharedStore's (trainer/queue/shared_store.py)
    if queue_options.artifacts.is_s3 and artifacts is not None:
        return ArtifactLinkSigner(
            key, settings.files.base_url, ttl, artifacts=artifacts, jobs_dir=queue_options.jobs_dir
        )
    return LinkSigner(key, settings.files.base_url, ttl)


def build_services(
    client: discord.Client,
    settings: Settings,
    *,
    invalid_requests: InvalidRequestBudget,
    result_buttons: ResultButtons,
    progress_tick_s: float,
    progress_edit_s: float,
) -> Services:
    """The services of one bot (`client` posts the progress messages)."""
    queue_options = QueueOptions.from_settings(settings)
    data_dir = Path(settings.storage.data_dir).resolve()
    key = settings.files.signing_key or ephemeral_key()
    if not settings.files.signing_key:
        log.warning("files.signing_key is not set: download links stop working when the bot restarts")
    store = open_store(queue_options)
    signer = _signer(key, settings, queue_options, store)
    progress = ProgressTracker(
        client,
        store=store,
        settings=settings,
        queue_limits=queue_options.limits,
        signer=signer,
        invalid_requests=invalid_requests,
        folder=progress_folder(data_dir),
        buttons=result_buttons,
        tick_s=progress_tick_s,
        min_edit_s=progress_edit_s,
    )
    return Services(
        settings=settings,
        queue_options=queue_options,
        data_dir=data_dir,
        store=store,
        signer=signer,
        errors=ErrorHandler(),
        rate_limiter=CommandRateLimiter(settings.limits.commands_per_minute_per_user),
        invalid_requests=invalid_requests,
        progress=progress,
        datasets=DatasetService(store, settings, data_dir / DATASETS_FOLDER),
        advisor=AdvisorService(settings),
    )


class _HasServices(Protocol):
    services: Services


def services_of(interaction: discord.Interaction[Any]) -> Services:
    """The services of the bot an interaction came to (for callbacks discord.py builds itself)."""
    return cast(_HasServices, interaction.client).services
