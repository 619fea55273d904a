"""`LoracordBot`: the Discord client, its services, and their start-up and shutdown order.

__init__ builds the services (bot/services.py) once. setup_hook: open the job store → install the Korean
translator → set up one extension per command group, handing it the services → start the signed-link
file server → start the embedded worker as a child process (when worker.embedded) → resume progress
messages of unfinished jobs → sync commands.
The bot never imports torch: training and torch-based captioning run in other processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_errors import InvalidRequestBudget
from bot.errors import RateLimited
from bot.exts import admin, advisor, captions, datasets, training
from bot.exts.training._buttons import DownloadButton, RetryButton
from bot.files import FileServer
from bot.i18n import Translator
from bot.job_results import ResultButtons
from bot.services import Services, build_services, services_of
from bot.worker_proc import EmbeddedWorker
from config.settings import Settings
from trainer.queue.retention import apply_retention, log_report

log = logging.getLogger(__name__)

#: One extension per command group, set up in this order with `setup(bot, services)`.
EXTENSIONS = (datasets, captions, advisor, training, admin)


def make_intents(settings: Settings) -> discord.Intents:
    """Guilds and messages always; Message Content only when the settings ask for it (privileged)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.discord.message_content_intent
    return intents


class LoracordTree(app_commands.CommandTree):
    """Applies the per-user rate limit to every interaction and sends every error to one handler."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            return True  # autocomplete and buttons are part of a command already counted
        limiter = services_of(interaction).rate_limiter
        wait = limiter.check(interaction.user.id)
        if wait > 0:
            raise RateLimited(wait, limiter.per_minute)
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await services_of(interaction).errors.handle(interaction, error)


class LoracordBot(commands.Bot):
    """The bot. `settings` are passed in; `progress_tick_s` and `worker` are for tests and the demo."""

    def __init__(
        self,
        settings: Settings,
        *,
        progress_tick_s: float = 2.0,
        progress_edit_s: float = 5.0,
        run_worker: bool | None = None,
        retention_every_s: float = 600.0,
        **kwargs: Any,
    ) -> None:
        #: 401/403/429 answers in Discord's 10-minute window (bot/discord_errors.py), fed by a trace
        #: on discord.py's own HTTP session; shown in /admin status and the logs.
        self.invalid_requests = InvalidRequestBudget()
        #: The bot's idea of now, for interaction ages (bot/replies.py); tests move it with the stand-in's.
        self.clock = time.time
        kwargs.setdefault("http_trace", self.invalid_requests.trace_config())
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=make_intents(settings),
            tree_cls=LoracordTree,
            help_command=None,
            **kwargs,
        )
        #: Everything the extensions use, handed to each of them in setup_hook.
        self.services: Services = build_services(
            self,
            settings,
            invalid_requests=self.invalid_requests,
            result_buttons=ResultButtons(download=DownloadButton, retry=RetryButton),
            progress_tick_s=progress_tick_s,
            progress_edit_s=progress_edit_s,
        )
        self.file_server = FileServer(
            self.services.signer,
            self.services.queue_options.jobs_dir,
            settings.files.bind_host,
            settings.files.bind_port,
        )
        embedded = settings.worker.embedded if run_worker is None else run_worker
        self.worker = EmbeddedWorker(settings) if embedded else None
        # The job folders this host makes expire here too when no worker runs beside the bot (layout 2:
        # workers on other hosts expire only their own folders; trainer/queue/retention.py).
        self.retention_every_s = retention_every_s
        self._retention: asyncio.Task[None] | None = None
        self.started_at = time.time()

    async def setup_hook(self) -> None:
        services = self.services
        services.data_dir.mkdir(parents=True, exist_ok=True)
        await services.store.open()
        await self.tree.set_translator(Translator())
        for extension in EXTENSIONS:
            await extension.setup(self, services)
        await self.file_server.start()
        if self.worker is not None:
            await self.worker.start()
        else:
            self._retention = asyncio.create_task(self._apply_retention_every())
        await services.progress.start()
        await self._sync()

    async def _sync(self) -> None:
        guild_ids = self.services.settings.discord.sync_guild_ids
        if not guild_ids:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))
            return
        for guild_id in guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), guild_id)

    async def _apply_retention_every(self) -> None:
        while True:
            try:
                log_report(await apply_retention(self.services.store, self.services.queue_options))
            except Exception:  # the store or the disk is briefly unavailable: the next round tries again
                log.exception("retention failed; trying again in %.0f s", self.retention_every_s)
            await asyncio.sleep(self.retention_every_s)

    async def close(self) -> None:
        # Stop what posts to Discord first, then the client, then the things it used.
        if self._retention is not None:
            self._retention.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retention
        await self.services.progress.stop()
        await super().close()
        await self.file_server.stop()
        if self.worker is not None:
            await self.worker.stop()
        await self.services.advisor.close()
        await self.services.store.close()

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("unhandled error in %s", event_method)


async def run_bot(settings: Settings) -> None:
    """`loracord bot`: run until interrupted."""
    if not settings.discord.token:
        raise ValueError("discord.token is not set: export DISCORD_TOKEN or set discord.token_file")
    bot = LoracordBot(settings)
    async with bot:
        await bot.start(settings.discord.token.reveal())


def main_loop(settings: Settings) -> None:
    asyncio.run(run_bot(settings))
