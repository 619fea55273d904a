"""One progress message per job, kept up to date from the job store, and the results at the end.

For each tracked job the tracker polls the store every `tick_s`: sample grids are posted as they
arrive (one reply each), the progress message is edited at most every `min_edit_s` (a text progress
bar, step/total, loss, ETA), and when the job ends the results are posted: final samples, the loss
curve and a download button (success), or the advisor's diagnosis and a retry button (failure).

Nothing is lost to a 429, a 5xx or a dropped gateway: every Discord call happens before the state that
records it moves on, so a failed call is simply made again on the next tick. The state (message ids,
the last event posted, whether the results went out) is a small JSON file per job in
data/bot/progress/, so a restarted bot resumes editing the same message and still delivers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from bot import limits
from bot.i18n import t
from bot.jobtext import diagnosis_for, progress_text, result_files, sample_results
from trainer.queue.eta import estimate_queue
from trainer.queue.types import Job, JobKind, JobNotFound, JobStatus

if TYPE_CHECKING:
    from bot.app import LoracordBot

log = logging.getLogger(__name__)
#: How long `stop()` lets the Discord call in flight finish before cancelling it.
STOP_GRACE_S = 10.0


def post_nonce(job_id: str, what: str) -> str:
    """The nonce of one of a job's posts (Discord's `enforce_nonce`): the same post sent again within
    minutes — e.g. by a restarted bot whose first try lost its answer — returns the first message
    instead of making a second one. At most 25 characters, as Discord requires."""
    return hashlib.blake2b(f"{job_id}:{what}".encode(), digest_size=12).hexdigest()


@dataclass
class Tracked:
    job_id: str
    channel_id: int
    message_id: int
    owner_id: int
    locale: str
    attachment_limit: int = limits.DEFAULT_ATTACHMENT_SIZE_LIMIT
    last_seq: int = 0
    last_text: str = ""
    delivered: bool = False
    dm_sent: bool = False
    samples_posted: list[int] = field(default_factory=list)
    last_edit: float = 0.0


class ProgressTracker:
    def __init__(self, bot: LoracordBot, *, tick_s: float, min_edit_s: float) -> None:
        self.bot = bot
        self.tick_s = tick_s
        self.min_edit_s = min_edit_s
        self.jobs: dict[str, Tracked] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False

    @property
    def folder(self) -> Path:
        return self.bot.state_dir / "progress"

    # --- life cycle ------------------------------------------------------------------------------------
    async def start(self) -> None:
        self.jobs = {tr.job_id: tr for tr in await asyncio.to_thread(self._load_all) if not tr.delivered}
        if self.jobs:
            log.info("resuming progress messages of %d job(s)", len(self.jobs))
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="progress-tracker")

    async def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """Stop after the job being updated now (its Discord call is not cut in half), or cancel
        after `grace_s`; posts carry nonces, so a cut post is not doubled by the next bot."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace_s)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    def _load_all(self) -> list[Tracked]:
        out = []
        if not self.folder.is_dir():
            return out
        known = set(Tracked.__dataclass_fields__)
        for path in sorted(self.folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                out.append(Tracked(**{k: v for k, v in data.items() if k in known}))
            except (ValueError, TypeError):
                log.warning("ignoring unreadable progress state %s", path)
        return out

    def _save(self, tr: Tracked) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{tr.job_id}.json"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(asdict(tr)), encoding="utf-8")
        tmp.replace(path)

    async def save(self, tr: Tracked) -> None:
        await asyncio.to_thread(self._save, tr)

    async def track(self, tr: Tracked) -> None:
        """Start following a job whose progress message was just posted."""
        self.jobs[tr.job_id] = tr
        await self.save(tr)
        self._wake.set()

    # --- the loop --------------------------------------------------------------------------------------
    async def _run(self) -> None:
        while not self._stopping:
            for tr in list(self.jobs.values()):
                if self._stopping:
                    return
                try:
                    await self.update(tr)
                except discord.HTTPException as exc:
                    # Rate limits are waited out by discord.py; anything else is retried next tick.
                    log.warning("progress of job %s: Discord said %s; retrying", tr.job_id, exc.status)
                except JobNotFound:
                    log.warning("job %s is gone from the store; no longer tracked", tr.job_id)
                    self.jobs.pop(tr.job_id, None)
                except Exception:  # one job's bad data must not stop the others' updates
                    log.exception("progress of job %s failed this tick", tr.job_id)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.tick_s)

    def _channel(self, tr: Tracked) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(tr.channel_id)

    async def update(self, tr: Tracked) -> None:
        job = await self.bot.store.get_job(tr.job_id)
        # A sample job's grids all come at its end: they go out with its result message.
        sampling = job.kind is JobKind.SAMPLE
        for event in await self.bot.store.events_since(tr.job_id, tr.last_seq):
            if event.type == "sample" and not sampling and event.seq not in tr.samples_posted:
                await self._post_sample(tr, job, event.data)
                tr.samples_posted.append(event.seq)
            tr.last_seq = event.seq
            await self.save(tr)
        await self._edit(tr, job)
        if job.finished and not tr.delivered:
            await self._deliver(tr, job)

    async def _edit(self, tr: Tracked, job: Job) -> None:
        position = None
        if job.status is JobStatus.QUEUED:
            estimate = (await estimate_queue(self.bot.store, limits=self.bot.queue_options.limits)).get(
                job.id
            )
            position = estimate.position if estimate else None
        text = progress_text(job, tr.locale, position)
        # Wall-clock time: the value is saved and compared again by a restarted bot.
        now = time.time()
        if text == tr.last_text or (not job.finished and now - tr.last_edit < self.min_edit_s):
            return
        await self._channel(tr).get_partial_message(tr.message_id).edit(content=text)
        tr.last_text, tr.last_edit = text, now
        await self.save(tr)

    async def _post_sample(self, tr: Tracked, job: Job, data: dict[str, Any]) -> None:
        grid = data.get("grid")
        path = Path(job.job_dir) / str(grid) if isinstance(grid, str) else None
        if path is None or not path.is_file():
            return
        text = t(tr.locale, "progress.samples", step=data.get("step", "?"), job=job.id)
        reference = self._channel(tr).get_partial_message(tr.message_id)
        await self._channel(tr).send(
            text,
            file=discord.File(path),
            reference=reference,
            mention_author=False,
            nonce=post_nonce(job.id, f"sample-{data.get('step')}-{path.name}"),
        )

    async def _deliver(self, tr: Tracked, job: Job) -> None:
        from bot.exts.training._buttons import DownloadButton, RetryButton

        channel = self._channel(tr)
        reference = channel.get_partial_message(tr.message_id)
        view = discord.ui.View(timeout=None)
        if job.status is JobStatus.SUCCEEDED and job.kind is JobKind.SAMPLE:
            await self._deliver_samples(tr, job, channel, reference)
        elif job.status is JobStatus.SUCCEEDED:
            files = [discord.File(p) for p in result_files(job)]
            view.add_item(DownloadButton(job.id, t(tr.locale, "buttons.download")))
            text = t(tr.locale, "progress.done_message", job=job.id, owner=f"<@{tr.owner_id}>")
            await channel.send(
                text,
                files=files,
                view=view,
                reference=reference,
                mention_author=False,
                nonce=post_nonce(job.id, "done"),
            )
        elif job.status is JobStatus.FAILED:
            diagnosis = await diagnosis_for(job, tr.locale)
            view.add_item(RetryButton(job.id, t(tr.locale, "buttons.retry")))
            embed = discord.Embed(
                title=t(tr.locale, "progress.failed_title", job=job.id),
                description=limits.clip(diagnosis.render(), limits.EMBED_DESCRIPTION_MAX),
                colour=discord.Colour.red(),
            )
            await channel.send(
                f"<@{tr.owner_id}>",
                embed=embed,
                view=view,
                reference=reference,
                nonce=post_nonce(job.id, "failed"),
            )
        tr.delivered = True
        await self.save(tr)
        self.jobs.pop(tr.job_id, None)
        if job.status is JobStatus.SUCCEEDED and job.kind is JobKind.TRAIN:
            await self._dm(tr, job)

    async def _deliver_samples(
        self, tr: Tracked, job: Job, channel: discord.PartialMessageable, reference: discord.PartialMessage
    ) -> None:
        """The grids as attachments, and every checkpoint's file: attached when it fits the limit the
        user's interaction reported (and the 10 files of a message), else a signed download link."""
        from bot.delivery import human_size, link_text

        grids, loras = await asyncio.to_thread(sample_results, job)
        attach = list(grids[: limits.FILES_PER_MESSAGE_MAX])
        lines = [
            t(
                tr.locale,
                "progress.samples_done",
                owner=f"<@{tr.owner_id}>",
                source=job.source_job_id,
                job=job.id,
            )
        ]
        for path in loras:
            size = path.stat().st_size
            if size <= tr.attachment_limit and len(attach) < limits.FILES_PER_MESSAGE_MAX:
                attach.append(path)
                lines.append(
                    f"• {t(tr.locale, 'progress.sample_file', name=path.name, size=human_size(size))}"
                )
            else:
                lines.append(f"• {link_text(self.bot.signer, job.id, path, tr.locale)}")
        if not loras:
            lines.append(t(tr.locale, "progress.sample_files_none"))
        text = limits.clip("\n".join(lines), limits.CONTENT_MAX)
        files = [discord.File(p) for p in attach]
        await channel.send(
            text, files=files, reference=reference, mention_author=False, nonce=post_nonce(job.id, "samples")
        )

    async def _dm(self, tr: Tracked, job: Job) -> None:
        """The LoRA by direct message too, when the settings allow it; a closed DM is not an error."""
        from bot.delivery import send_to_user

        output = Path(job.result.output) if job.result and job.result.output else None
        if tr.dm_sent or output is None or not output.is_file() or not self.bot.settings.files.max_dm_bytes:
            return
        try:
            user = self.bot.get_user(tr.owner_id) or await self.bot.fetch_user(tr.owner_id)
            await send_to_user(
                user, self.bot.signer, job.id, output, self.bot.settings.files.max_dm_bytes, tr.locale
            )
        except discord.HTTPException as exc:
            # DMs closed (403) or Discord failing: the download button in the channel still works.
            log.info(
                "no direct message to user %s (%s); the download button remains", tr.owner_id, exc.status
            )
        tr.dm_sent = True
        await self.save(tr)
