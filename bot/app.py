"""`LoracordBot`: the Discord client, its services, and their start-up and shutdown order.

setup_hook: open the job store → install the Korean translator and the error handler → load one
extension per command group → start the signed-link file server → start the embedded worker as a
child process (when worker.embedded) → resume progress messages of unfinished jobs → sync commands.
The bot never imports torch: training and torch-based captioning run in other processes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_errors import InvalidRequestBudget
from bot.errors import ErrorHandler, RateLimited
from bot.files import FileServer, LinkSigner, ephemeral_key
from bot.i18n import Translator
from bot.progress import ProgressTracker
from bot.ratelimit import CommandRateLimiter
from bot.worker_proc import EmbeddedWorker
from config.settings import Settings
from trainer.queue.options import QueueOptions
from trainer.queue.store import JobStore, open_store

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.exts.datasets",
    "bot.exts.captions",
    "bot.exts.advisor",
    "bot.exts.training",
    "bot.exts.admin",
)


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
        bot: LoracordBot = interaction.client  # type: ignore[assignment]
        if interaction.type is not discord.InteractionType.application_command:
            return True  # autocomplete and buttons are part of a command already counted
        wait = bot.rate_limiter.check(interaction.user.id)
        if wait > 0:
            raise RateLimited(wait, bot.rate_limiter.per_minute)
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        bot: LoracordBot = interaction.client  # type: ignore[assignment]
        await bot.errors.handle(interaction, error)


class LoracordBot(commands.Bot):
    """The bot. `settings` are passed in; `progress_tick_s` and `worker` are for tests and the demo."""

    def __init__(
        self,
        settings: Settings,
        *,
        progress_tick_s: float = 2.0,
        progress_edit_s: float = 5.0,
        run_worker: bool | None = None,
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
        self.settings = settings
        self.queue_options = QueueOptions.from_settings(settings)
        self.data_dir = Path(settings.storage.data_dir).resolve()
        self.errors = ErrorHandler()
        self.rate_limiter = CommandRateLimiter(settings.limits.commands_per_minute_per_user)
        key = settings.files.signing_key or ephemeral_key()
        if not settings.files.signing_key:
            log.warning("files.signing_key is not set: download links stop working when the bot restarts")
        self.signer = LinkSigner(key, settings.files.base_url, settings.files.link_ttl_seconds)
        self.file_server = FileServer(
            self.signer, self.queue_options.jobs_dir, settings.files.bind_host, settings.files.bind_port
        )
        self.store: JobStore = open_store(self.queue_options)
        self.progress = ProgressTracker(self, tick_s=progress_tick_s, min_edit_s=progress_edit_s)
        embedded = settings.worker.embedded if run_worker is None else run_worker
        self.worker = EmbeddedWorker(settings) if embedded else None
        self.started_at = time.time()

    @property
    def jobs_dir(self) -> Path:
        return self.queue_options.jobs_dir.resolve()

    @property
    def datasets_dir(self) -> Path:
        return self.data_dir / "datasets"

    @property
    def state_dir(self) -> Path:
        """The bot's own files (progress message ids, dataset settings)."""
        return self.data_dir / "bot"

    async def setup_hook(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        await self.store.open()
        await self.tree.set_translator(Translator())
        for name in EXTENSIONS:
            await self.load_extension(name)
        await self.file_server.start()
        if self.worker is not None:
            await self.worker.start()
        await self.progress.start()
        await self._sync()

    async def _sync(self) -> None:
        guild_ids = self.settings.discord.sync_guild_ids
        if not guild_ids:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))
            return
        for guild_id in guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), guild_id)

    async def close(self) -> None:
        # Stop what posts to Discord first, then the client, then the things it used.
        await self.progress.stop()
        await super().close()
        await self.file_server.stop()
        if self.worker is not None:
            await self.worker.stop()
        await self.store.close()

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
