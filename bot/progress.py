"""One progress message per job, kept up to date from the job store, and the results at the end.

For each tracked job the tracker polls the store every `tick_s`: sample grids are posted as they
arrive (one reply each), the progress message is edited at most every `min_edit_s` (a text progress
bar, step/total, loss, ETA), and when the job ends the results are posted (bot/job_results.py).

Failures are handled by their class (bot/discord_errors.py): discord.py waits out 429s; 5xx and network
errors are tried again after an exponential backoff with jitter, up to a bound; a permanent error
(channel or message deleted, permission removed, 413, …) is never repeated: the job's channel updates
stop, the reason is kept, and the results go to the owner by direct message — or, with DMs closed,
to `/train status`. Progress edits are non-essential: they slow down as the bot-wide invalid-request
budget fills. The state (message ids, the last event posted, what went out, why a channel stopped) is
a small JSON file per job in data/bot/progress/, so a restarted bot resumes and still delivers; every
post carries a nonce, so a post cut short by a restart is not doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import discord

from bot import job_results
from bot.discord_errors import Backoff, Failure, InvalidRequestBudget, classify
from bot.files import LinkSigner
from bot.i18n import t
from bot.jobtext import progress_text
from bot.results import files_denied, post_nonce
from bot.tracked import Tracked, load_tracked
from config.settings import Settings
from trainer.queue.eta import estimate_queue
from trainer.queue.options import QueueLimits
from trainer.queue.store import JobStore
from trainer.queue.types import Job, JobKind, JobNotFound, JobStatus

log = logging.getLogger(__name__)
#: How long `stop()` lets the Discord call in flight finish before cancelling it.
STOP_GRACE_S = 10.0
__all__ = ["ProgressTracker", "post_nonce"]


class ProgressTracker:
    def __init__(
        self,
        client: discord.Client,
        *,
        store: JobStore,
        settings: Settings,
        queue_limits: QueueLimits,
        signer: LinkSigner,
        invalid_requests: InvalidRequestBudget,
        folder: Path,
        buttons: job_results.ResultButtons,
        tick_s: float,
        min_edit_s: float,
        backoff: Backoff | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.queue_limits = queue_limits
        self.invalid_requests = invalid_requests
        #: One JSON file per followed job, so that a restarted bot resumes (data/bot/progress/).
        self.folder = folder
        self.results = job_results.ResultContext(client, settings, signer, buttons, self.save)
        self.backoff = backoff or Backoff()
        self.tick_s = tick_s
        self.min_edit_s = min_edit_s
        self.jobs: dict[str, Tracked] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False

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

    async def state(self, job_id: str) -> Tracked | None:
        """A job's delivery state, tracked now or saved (None when the bot never tracked it)."""
        if job_id in self.jobs:
            return self.jobs[job_id]
        return await asyncio.to_thread(self._load_one, self.folder / f"{job_id}.json")

    @staticmethod
    def _load_one(path: Path) -> Tracked | None:
        return load_tracked(path)

    def _load_all(self) -> list[Tracked]:
        if not self.folder.is_dir():
            return []
        found = (self._load_one(path) for path in sorted(self.folder.glob("*.json")))
        return [tr for tr in found if tr is not None]

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
                if tr.retry_at > time.time():
                    continue
                await self._tick(tr)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.tick_s)

    async def _tick(self, tr: Tracked) -> None:
        try:
            await self.update(tr)
        except JobNotFound:
            log.warning("job %s is gone from the store; no longer tracked", tr.job_id)
            self.jobs.pop(tr.job_id, None)
            return
        except Exception as exc:  # one job's trouble must not stop the others' updates
            failure = classify(exc)
            if failure is None:
                log.exception("progress of job %s failed this tick", tr.job_id)
            else:
                await self._failed(tr, failure)
            return
        if tr.failures:
            tr.failures, tr.retry_at = 0, 0.0
            await self.save(tr)

    async def _failed(self, tr: Tracked, failure: Failure) -> None:
        """Wait and try again (transient), or stop using the channel / the DM for good (permanent)."""
        if not failure.permanent and not self.backoff.exhausted(tr.failures + 1):
            delay = failure.retry_after or self.backoff.delay(tr.failures)
            tr.failures += 1
            tr.retry_at = time.time() + delay
            log.info("job %s: Discord said %s; trying again in %.0f s", tr.job_id, failure.reason, delay)
        else:
            reason = failure.reason if failure.permanent else f"{failure.reason} ({tr.failures + 1} tries)"
            tr.failures, tr.retry_at = 0, 0.0
            if not tr.channel_error:
                tr.channel_error, tr.parts_sent = reason, 0
                log.warning(
                    "job %s: channel %s can no longer be used (%s); no more updates there, the results "
                    "go to the owner by direct message and /train status",
                    tr.job_id,
                    tr.channel_id,
                    reason,
                )
            else:
                tr.dm_error = reason
                await self._finish(tr, "status")
                log.warning(
                    "job %s: no direct message to user %s either (%s); results in /train status",
                    tr.job_id,
                    tr.owner_id,
                    reason,
                )
        await self.save(tr)

    def _channel(self, tr: Tracked) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(tr.channel_id)

    async def update(self, tr: Tracked) -> None:
        job = await self.store.get_job(tr.job_id)
        if tr.channel_error:
            if job.finished and not tr.delivered:
                await self._deliver_dm(tr, job)
            return
        if not tr.message_id:
            await self._post_progress(tr, job)
        # A sample job's grids all come at its end: they go out with its result message.
        sampling = job.kind is JobKind.SAMPLE
        for event in await self.store.events_since(tr.job_id, tr.last_seq):
            if event.type == "sample" and not sampling and event.seq not in tr.samples_posted:
                await self._post_sample(tr, job, event.data)
                tr.samples_posted.append(event.seq)
            tr.last_seq = event.seq
            await self.save(tr)
        await self._edit(tr, job)
        if job.finished and not tr.delivered:
            await self._deliver(tr, job)

    async def _post_progress(self, tr: Tracked, job: Job) -> None:
        """The progress message, when its first post failed in passing as the job was queued."""
        text = progress_text(job, tr.locale, hide_name=tr.hide_name)
        message = await self._channel(tr).send(text, nonce=post_nonce(job.id, "progress"))
        tr.message_id, tr.last_text, tr.last_edit = message.id, text, time.time()
        await self.save(tr)

    async def _edit(self, tr: Tracked, job: Job) -> None:
        position = None
        if job.status is JobStatus.QUEUED:
            estimate = (await estimate_queue(self.store, limits=self.queue_limits)).get(job.id)
            position = estimate.position if estimate else None
        text = progress_text(job, tr.locale, position, hide_name=tr.hide_name)
        # Wall-clock time: the value is saved and compared again by a restarted bot.
        now = time.time()
        # Progress edits are non-essential: they thin out as the invalid-request budget fills.
        every = self.invalid_requests.edit_interval(self.min_edit_s)
        if text == tr.last_text or (not job.finished and (every is None or now - tr.last_edit < every)):
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
        if job_results.samples_private(self.results, tr):
            await job_results.send_sample_privately(self.results, tr, job, text, path, data.get("step"))
            return
        reference = self._channel(tr).get_partial_message(tr.message_id)
        nonce = post_nonce(job.id, f"sample-{data.get('step')}-{path.name}")
        if not tr.files_refused:
            try:
                await self._channel(tr).send(
                    text, file=discord.File(path), reference=reference, mention_author=False, nonce=nonce
                )
                return
            except discord.HTTPException as exc:
                reason = files_denied(exc)
                if reason is None:
                    raise
                await self._files_refused(tr, reason)
        # The channel takes no files (Attach Files revoked): the grid as a signed link.
        link = self.results.linker(job, tr.locale, refused=True)(path)
        await self._channel(tr).send(
            f"{text}\n• {link}", reference=reference, mention_author=False, nonce=nonce + "L"
        )

    async def _files_refused(self, tr: Tracked, reason: str) -> None:
        tr.files_refused = reason
        await self.save(tr)
        log.warning(
            "job %s: channel %s refuses files (%s); its grids and result go there as links",
            tr.job_id,
            tr.channel_id,
            reason,
        )

    async def _deliver(self, tr: Tracked, job: Job) -> None:
        """The result in the job's channel, in as many messages as it takes; then the owner's private
        files (the LoRA, a sample job's checkpoints) by direct message."""
        channel = self._channel(tr)
        post = await job_results.channel_post(self.results, tr, job)
        post.reference = channel.get_partial_message(tr.message_id)
        post.refused_link = self.results.linker(job, tr.locale, refused=True)
        await self._send(tr, job, channel, post, tr.attachment_limit, "result", in_channel=True)
        await self._finish(tr, "channel")
        await job_results.send_private_files(self.results, tr, job)

    async def _deliver_dm(self, tr: Tracked, job: Job) -> None:
        """The channel is unusable: the whole result, files included, to the owner's DM."""
        user = self.client.get_user(tr.owner_id) or await self.client.fetch_user(tr.owner_id)
        post = await job_results.dm_post(self.results, tr, job)
        await self._send(tr, job, user, post, self.results.dm_file_limit(), "dm")
        tr.dm_sent = True
        await self._finish(tr, "dm")

    async def _send(
        self,
        tr: Tracked,
        job: Job,
        dest: discord.abc.Messageable,
        post: Any,
        limit: int,
        key: str,
        *,
        in_channel: bool = False,
    ) -> None:
        from bot import results

        async def sent(index: int) -> None:
            tr.parts_sent = index + 1
            await self.save(tr)

        await results.send(
            dest,
            post,
            file_limit=limit,
            nonce=lambda i: post_nonce(job.id, f"{key}-{i}"),
            first_part=tr.parts_sent,
            sent=sent,
            links_only=in_channel and bool(tr.files_refused),
            files_refused=functools.partial(self._files_refused, tr) if in_channel else None,
        )

    async def _finish(self, tr: Tracked, where: str) -> None:
        tr.delivered, tr.delivered_to = True, where
        await self.save(tr)
        self.jobs.pop(tr.job_id, None)
