"""The Discord soak (issue 16): many guilds, members and jobs through the stand-in with faults on.

The real bot (LoracordBot, its tracker and delivery) runs against the stand-in; the jobs are queued in
the real store and trained on the project's tiny SD1.5 model by the project's worker processes, a
few steps each (bench/soak_jobs.py), so every result is a real LoRA, sample grids and a loss curve.
`real_jobs` trains only that many of them and lets a stand-in worker finish the others at once with
files of the same names (`make test`'s soak: the Discord side in full, a few real trainings).
Faults: 429 bursts, 5xx, a gateway drop, a channel deleted mid-job, Attach Files revoked in one guild,
a member with closed DMs, a bot restart (the workers keep training meanwhile, as `loracord worker`
does), and the stand-in's clock pushed past the interactions' token lifetime.

At the end every job's result must have reached its owner exactly once (in its channel, or by DM when
the channel broke, or — DMs closed — in /train status), every real job's result with its grid, loss
curve and LoRA, no request may follow a permanent error on the same message, and the invalid requests
are counted by both sides.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import resource
import socket
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bench.soak_jobs import (
    STANDIN_ARCH,
    Workers,
    build_tiny_model,
    finish_standin,
    queue_real,
    queue_standin,
    real_indices,
    tiny_config,
    write_dataset,
)
from bot.app import LoracordBot
from bot.files import LinkSigner
from bot.jobtext import output_file, result_files
from bot.tracked import Tracked
from config.secrets import Secret
from config.settings import (
    DiscordSettings,
    FilesSettings,
    LimitsSettings,
    ModelEntry,
    ModelsSettings,
    Settings,
    StorageSettings,
    WorkerSettings,
)
from standin.client import pointed_at, running
from standin.driver import StandIn
from trainer.queue.types import Job, JobStatus

#: A signed download link in a message (bot/files.py `LinkSigner.url`).
SIGNED_LINK = re.compile(r"/(?P<job>[^/\s?]+)/(?P<name>[^/\s?]+)\?exp=(?P<exp>\d+)&sig=(?P<sig>[0-9a-f]+)")


@dataclass
class SoakReport:
    guilds: int
    members: int
    jobs: int
    seconds: float = 0.0
    delivered: dict[str, int] = field(default_factory=dict)  # where -> jobs
    files_as_links: int = 0  # jobs whose channel took text but no files: grids and result as links
    duplicates: list[str] = field(default_factory=list)
    undelivered: list[str] = field(default_factory=list)
    repeats_after_permanent: list[str] = field(default_factory=list)
    invalid_bot: int = 0
    invalid_discord: int = 0
    requests: int = 0
    rss_growth_mb: float = 0.0
    child_rss_mb: float = 0.0
    leaked_tasks: list[str] = field(default_factory=list)
    real_jobs: list[str] = field(default_factory=list)  # trained on the tiny model
    real_failed: list[str] = field(default_factory=list)  # a real job that did not succeed
    real_incomplete: list[str] = field(default_factory=list)  # delivered without grid, curve or LoRA

    def rows(self) -> list[tuple[str, Any]]:
        per_min = self.jobs / (self.seconds / 60) if self.seconds else 0.0
        return [
            ("guilds / members / jobs", f"{self.guilds} / {self.members} / {self.jobs}"),
            ("trained on the tiny model (real worker) / failed", f"{len(self.real_jobs)} / {len(self.real_failed)}"),
            ("wall time / jobs per minute", f"{self.seconds:.0f} s / {per_min:.1f}"),
            ("delivered in channel / by DM / status only", " / ".join(
                str(self.delivered.get(k, 0)) for k in ("channel", "dm", "status"))),
            ("delivered twice / never", f"{len(self.duplicates)} / {len(self.undelivered)}"),
            ("channel without Attach Files: results as signed links", self.files_as_links),
            ("real results missing grid, loss curve or LoRA", len(self.real_incomplete)),
            ("requests after a permanent error", len(self.repeats_after_permanent)),
            ("REST requests", self.requests),
            ("invalid requests (bot's count / stand-in's)", f"{self.invalid_bot} / {self.invalid_discord}"),
            ("share of Discord's ban limit", f"{self.invalid_discord / 10_000:.2%}"),
            ("bot RSS growth", f"{self.rss_growth_mb:.0f} MiB"),
            ("largest child process RSS (worker or training child)", f"{self.child_rss_mb:.0f} MiB"),
            ("tasks left after close", len(self.leaked_tasks)),
        ]  # fmt: skip


def soak_settings(data_dir: Path, port: int) -> Settings:
    return Settings(
        discord=DiscordSettings(),
        storage=StorageSettings(data_dir=data_dir),
        worker=WorkerSettings(embedded=False, min_free_disk_gb=0.0),
        limits=LimitsSettings(
            max_queued_jobs_per_user=1000, max_running_jobs_per_user=1000,
            max_queued_jobs_per_guild=100_000, max_running_jobs_per_guild=1000,
        ),
        models=ModelsSettings(default="tiny", allowlist={"tiny": ModelEntry("unused", "sd15", 64)}),
        files=FilesSettings(bind_port=port, signing_key=Secret("soak-signing-key-" + "k" * 32)),
    )  # fmt: skip


@dataclass
class _Plan:
    """What the scenario queues: which jobs train for real, on what, and who finishes the others."""

    real: set[int]
    model: Path | None
    data: Path | None
    workers: Workers | None

    async def queue(self, bot: LoracordBot, owner: Any, channel: Any, index: int) -> str:
        """A job queued in the real store, then tracked as `announce` does (the tracker posts its
        progress message)."""
        store, options = bot.services.store, bot.services.queue_options
        if index in self.real:
            config = tiny_config(self.model, self.data, f"soak{index}")
            job_id = await queue_real(store, options, config, owner.id, channel)
        else:
            job_id = await queue_standin(store, options, owner.id, channel, index)
        await bot.services.progress.track(Tracked(job_id, channel.id, 0, owner.id, "en-US"))
        return job_id

    async def advance(self, bot: LoracordBot, finished: int, timeout: float) -> None:
        """Until `finished` jobs have ended: the stand-in finishes its jobs one at a time, the
        workers train theirs."""
        deadline = time.monotonic() + timeout
        store = bot.services.store
        while sum([await store.count_jobs(s) for s in _ENDED]) < finished:
            if self.workers is not None:
                self.workers.check()
            if not await finish_standin(store, bot.services.queue_options):
                if self.workers is None:
                    raise RuntimeError("a stand-in job could not be claimed, and no worker trains")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"fewer than {finished} jobs ended in {timeout:.0f} s")
                await asyncio.sleep(0.2)


_ENDED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


async def run_soak(
    work: Path,
    *,
    guilds: int = 3,
    members: int = 40,
    jobs: int = 150,
    seed: int = 0,
    real_jobs: int | None = None,
    model: Path | None = None,
    workers: int = 2,
) -> SoakReport:
    """Run the scenario in `work` and return what it measured (no assertion here: see the test).
    `real_jobs`: how many jobs train on the tiny model (None: all); `model`: the tiny model's folder
    (built in `work` when not given); `workers`: worker processes (one training child each)."""
    rng = random.Random(seed)
    report = SoakReport(guilds, members, jobs)
    real = real_indices(jobs, real_jobs)
    plan = _Plan(real, None, None, None)
    if real:
        plan.model = model or await asyncio.to_thread(build_tiny_model, work / "tiny-sd15")
        plan.data = await asyncio.to_thread(write_dataset, work / "images")
    standin = StandIn().start()
    try:
        with pointed_at(standin):
            await _scenario(standin, work, rng, report, plan, workers)
    finally:
        if plan.workers is not None:
            await plan.workers.stop()
        standin.stop()
    report.child_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return report


async def _scenario(
    standin: StandIn, work: Path, rng: random.Random, report: SoakReport, plan: _Plan, workers: int
) -> None:
    all_guilds = [standin.guild] + [
        standin.add_guild(f"guild {g}", owner=f"owner{g}")[0] for g in range(1, report.guilds)
    ]
    rooms = [standin.add_channel("training", guild=g) for g in all_guilds]
    people = [standin.add_user(f"m{i}", guild=all_guilds[i % len(all_guilds)]) for i in range(report.members)]
    standin.close_dms(people[0])
    settings = soak_settings(work / "data", _free_port())
    # Each real job gets a minute even on a busy machine, over what the workers share.
    patience = 600 + 60 * len(plan.real) / max(1, workers)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    owners: dict[str, int] = {}
    half = report.jobs // 2
    bot = LoracordBot(settings, progress_tick_s=0.05, progress_edit_s=0.1)
    async with running(bot, standin):
        for i in range(half):  # member i is in guild i % guilds, so is room i % guilds
            who = people[i % len(people)]
            owners[await plan.queue(bot, who, rooms[i % len(rooms)], i)] = who.id
        standin.faults.rate_limit("PATCH /channels/*/messages/*", retry_after=0.2, times=10)
        standin.faults.rate_limit("POST /channels/*/messages", retry_after=0.2, times=5)
        standin.faults.server_error("PATCH /channels/*/messages/*", status=503, times=5)
        await _wait_posted(bot, list(owners))
        standin.set_overwrite(rooms[-1], all_guilds[-1], deny=("attach_files",))
        if plan.real:  # the workers train from here to the end, through the bot's restart
            plan.workers = Workers(settings, workers, work / "logs")
            await plan.workers.start()
        await plan.advance(bot, half // 2, patience)
        await standin.delete_channel(rooms[1 % len(rooms)])
        await standin.drop_connection()
    first_invalid = bot.services.invalid_requests.total
    # A restart: the second bot resumes what the first one tracked.
    standin.clock.advance(16 * 60)
    bot = LoracordBot(settings, progress_tick_s=0.05, progress_edit_s=0.1)
    async with running(bot, standin):
        open_rooms = [k for k in range(len(rooms)) if k != 1 % len(rooms)]
        for i in range(half, report.jobs):
            k = rng.choice(open_rooms)
            who = rng.choice(people[k :: len(rooms)])
            owners[await plan.queue(bot, who, rooms[k], i)] = who.id
        await plan.advance(bot, report.jobs, patience)
        await _wait_delivered(bot, list(owners))
        states = {job_id: await bot.services.progress.state(job_id) for job_id in owners}
        ended = {job_id: await bot.services.store.get_job(job_id) for job_id in owners}
    report.seconds = time.monotonic() - started
    report.invalid_bot = first_invalid + bot.services.invalid_requests.total
    _account(standin, report, owners, states)
    _check_real(standin, report, owners, states, ended, bot.services.signer)
    report.rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    report.leaked_tasks = [t.get_name() for t in asyncio.all_tasks() if t is not asyncio.current_task()]


async def _wait_posted(bot: LoracordBot, job_ids: list[str], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while any(
        bot.services.progress.jobs.get(j) and not bot.services.progress.jobs[j].message_id for j in job_ids
    ):
        if time.monotonic() > deadline:
            raise TimeoutError("progress messages were not all posted")
        await asyncio.sleep(0.1)


async def _wait_delivered(bot: LoracordBot, job_ids: list[str], timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while any(j in bot.services.progress.jobs for j in job_ids):
        if time.monotonic() > deadline:
            left = [j for j in job_ids if j in bot.services.progress.jobs]
            raise TimeoutError(f"{len(left)} job(s) never delivered: {left[:5]}")
        await asyncio.sleep(0.1)


def _account(standin: StandIn, report: SoakReport, owners: dict[str, int], states: dict[str, Any]) -> None:
    # Deleted ones too: a result posted before its channel was deleted did reach the owner.
    messages = [m for m in list(standin.world.store.messages.values()) if not m.ephemeral]
    dms = {c.id: c.recipient_ids for c in list(standin.world.store.channels.values()) if c.is_dm}
    for job_id, owner_id in owners.items():
        state = states[job_id]
        in_channel = [m for m in messages if f"`{job_id}` is ready" in m.content and m.channel_id not in dms]
        in_dm = [
            m
            for m in messages
            if job_id in m.content and "could not post" in m.content and dms.get(m.channel_id) == [owner_id]
        ]
        where = state.delivered_to if state and state.delivered else "nowhere"
        report.delivered[where] = report.delivered.get(where, 0) + 1
        report.files_as_links += bool(state and state.files_refused and where == "channel")
        reached = len(in_channel) + len(in_dm)
        if reached > 1:
            report.duplicates.append(job_id)
        if where == "nowhere" or (where != "status" and reached != 1):
            report.undelivered.append(job_id)
    refused: set[tuple[str, str]] = set()
    for r in standin.requests:
        key = (r.method, r.path)
        if r.method == "PATCH" and key in refused:
            report.repeats_after_permanent.append(f"{r.method} {r.path}")
        if r.status in (400, 401, 403, 404, 413):
            refused.add(key)
    report.requests = len(standin.requests)
    report.invalid_discord = standin.server.invalid.total


def _check_real(
    standin: StandIn,
    report: SoakReport,
    owners: dict[str, int],
    states: dict[str, Any],
    ended: dict[str, Job],
    signer: LinkSigner,
) -> None:
    """Each trained job succeeded, and its owner got what the trainer wrote, byte for byte: the last
    grid and the loss curve (in the channel, or by DM when the channel broke, or as signed links when
    the channel took text but no files) and the LoRA (by DM, or — DMs closed — behind the result's
    download button). Status-only results are in /train status. A link counts when its signature is
    valid and it names the job's file (the file server serves exactly that file: tests/bot)."""
    messages = [m for m in list(standin.world.store.messages.values()) if not m.ephemeral]
    dms = {c.id: c.recipient_ids for c in list(standin.world.store.channels.values()) if c.is_dm}
    for job_id, job in ended.items():
        if job.arch == STANDIN_ARCH:
            continue
        report.real_jobs.append(job_id)
        lora = output_file(job)
        if job.status is not JobStatus.SUCCEEDED or lora is None or not _is_lora(lora):
            report.real_failed.append(job_id)
            continue
        state = states[job_id]
        if state is None or state.delivered_to == "status":
            continue
        wanted = {f.name: f for f in [*result_files(job), lora]}
        got: dict[str, bytes] = {}
        button = False
        for m in messages:
            mine = m.channel_id not in dms or dms[m.channel_id] == [owners[job_id]]
            if mine and f"`{job_id}`" in m.content:
                got.update({a.filename: standin.attachment_bytes(a.url) for a in m.attachments})
                for link in SIGNED_LINK.finditer(m.content):
                    job, name, exp, sig = (unquote(link.group(k)) for k in ("job", "name", "exp", "sig"))
                    if job == job_id and name in wanted and signer.valid(job, name, exp, sig):
                        got[name] = wanted[name].read_bytes()
                button |= f"lc:job:download:{job_id}" in str(m.components)
        if state.dm_error and button:  # DMs closed: the LoRA is behind the button
            got[lora.name] = lora.read_bytes()
        if len(wanted) != 3 or any(got.get(name) != path.read_bytes() for name, path in wanted.items()):
            report.real_incomplete.append(job_id)


def _is_lora(path: Path) -> bool:
    """A safetensors file whose tensors are kohya LoRA weights of the U-Net (read without torch)."""
    with open(path, "rb") as fh:
        size = struct.unpack("<Q", fh.read(8))[0]
        header = json.loads(fh.read(size))
    return any(key.startswith("lora_unet_") for key in header)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
