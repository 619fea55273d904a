"""The Discord soak (issue 16): many guilds, members and jobs through the stand-in with faults on.

The real bot (LoracordBot, its tracker and delivery) runs against the stand-in; the jobs are queued in
the real store and finished by a stand-in worker that writes what the trainer writes (a LoRA, a grid,
a loss curve) — what is soaked is the bot's side of Discord, not training (150 trainings do not fit
the shared test machines; the tiny model's training is tested elsewhere). Faults: 429 bursts, 5xx, a
gateway drop, a channel deleted mid-job, Attach Files revoked in one guild, a member with closed DMs,
a bot restart, and the stand-in's clock pushed past the interactions' token lifetime.

At the end every job's result must have reached its owner exactly once (in its channel, or by DM when
the channel broke, or — DMs closed — in /train status), no request may follow a permanent error on the
same message, and the invalid requests are counted by both sides.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import LoracordBot
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
from trainer.queue.types import JobResult, JobSpec, JobStatus

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 256


@dataclass
class SoakReport:
    guilds: int
    members: int
    jobs: int
    seconds: float = 0.0
    delivered: dict[str, int] = field(default_factory=dict)  # where -> jobs
    duplicates: list[str] = field(default_factory=list)
    undelivered: list[str] = field(default_factory=list)
    repeats_after_permanent: list[str] = field(default_factory=list)
    invalid_bot: int = 0
    invalid_discord: int = 0
    requests: int = 0
    rss_growth_mb: float = 0.0
    leaked_tasks: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, Any]]:
        return [
            ("guilds / members / jobs", f"{self.guilds} / {self.members} / {self.jobs}"),
            ("wall time", f"{self.seconds:.0f} s"),
            ("delivered in channel / by DM / status only", " / ".join(
                str(self.delivered.get(k, 0)) for k in ("channel", "dm", "status"))),
            ("delivered twice / never", f"{len(self.duplicates)} / {len(self.undelivered)}"),
            ("requests after a permanent error", len(self.repeats_after_permanent)),
            ("REST requests", self.requests),
            ("invalid requests (bot's count / stand-in's)", f"{self.invalid_bot} / {self.invalid_discord}"),
            ("share of Discord's ban limit", f"{self.invalid_discord / 10_000:.2%}"),
            ("bot RSS growth", f"{self.rss_growth_mb:.0f} MiB"),
            ("tasks left after close", len(self.leaked_tasks)),
        ]  # fmt: skip


def soak_settings(data_dir: Path, port: int) -> Settings:
    return Settings(
        discord=DiscordSettings(),
        storage=StorageSettings(data_dir=data_dir),
        worker=WorkerSettings(embedded=False, min_free_disk_gb=0.0),
        limits=LimitsSettings(max_queued_jobs_per_user=1000, max_queued_jobs_per_guild=100_000),
        models=ModelsSettings(default="tiny", allowlist={"tiny": ModelEntry("unused", "sd15", 64)}),
        files=FilesSettings(bind_port=port, signing_key=Secret("soak-signing-key-" + "k" * 32)),
    )


async def _queue(bot: LoracordBot, owner: Any, channel: Any, index: int) -> str:
    """A job queued in the real store, announced in `channel` as `announce` does."""
    job_dir = bot.services.queue_options.jobs_dir / f"soak-{index:04d}"
    (job_dir / "output").mkdir(parents=True, exist_ok=True)
    spec = JobSpec(
        owner_id=owner.id, config={}, job_dir=str(job_dir), name=f"soak{index}",
        guild_id=channel.guild_id, channel_id=channel.id, job_id=f"261206-000000-{index:08x}",
    )  # fmt: skip
    job = await bot.services.store.enqueue(spec, bot.services.queue_options.limits)
    tracked = Tracked(job.id, channel.id, 0, owner.id, "en-US")
    await bot.services.progress.track(tracked)  # the tracker posts the progress message
    return job.id


async def _finish_next(bot: LoracordBot) -> None:
    """The stand-in worker: claim the next job (the store's fair order) and finish it with results."""
    job = await bot.services.store.claim("soak-worker", 600, bot.services.queue_options.limits)
    assert job is not None, "the soak's jobs are claimed in order"
    job_dir = Path(job.job_dir)
    (job_dir / "samples").mkdir(exist_ok=True)
    lora = job_dir / "output" / f"{job.name}.safetensors"
    lora.write_bytes(os.urandom(2048))
    (job_dir / "output" / "loss_curve.png").write_bytes(PNG)
    (job_dir / "samples" / "step_000010_grid.png").write_bytes(PNG)
    await bot.services.store.finish(job.id, "soak-worker", JobStatus.SUCCEEDED, JobResult(output=str(lora)))


async def run_soak(
    work: Path, *, guilds: int = 3, members: int = 40, jobs: int = 150, seed: int = 0
) -> SoakReport:
    """Run the scenario in `work` and return what it measured (no assertion here: see the test)."""
    rng = random.Random(seed)
    report = SoakReport(guilds, members, jobs)
    standin = StandIn().start()
    try:
        with pointed_at(standin):
            await _scenario(standin, work, rng, report)
    finally:
        standin.stop()
    return report


async def _scenario(standin: StandIn, work: Path, rng: random.Random, report: SoakReport) -> None:
    all_guilds = [standin.guild] + [
        standin.add_guild(f"guild {g}", owner=f"owner{g}")[0] for g in range(1, report.guilds)
    ]
    rooms = [standin.add_channel("training", guild=g) for g in all_guilds]
    people = [standin.add_user(f"m{i}", guild=all_guilds[i % len(all_guilds)]) for i in range(report.members)]
    standin.close_dms(people[0])
    settings = soak_settings(work / "data", _free_port())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    owners: dict[str, int] = {}
    half = report.jobs // 2
    bot = LoracordBot(settings, progress_tick_s=0.05, progress_edit_s=0.1)
    async with running(bot, standin):
        for i in range(half):  # member i is in guild i % guilds, so is room i % guilds
            who = people[i % len(people)]
            owners[await _queue(bot, who, rooms[i % len(rooms)], i)] = who.id
        standin.faults.rate_limit("PATCH /channels/*/messages/*", retry_after=0.2, times=10)
        standin.faults.rate_limit("POST /channels/*/messages", retry_after=0.2, times=5)
        standin.faults.server_error("PATCH /channels/*/messages/*", status=503, times=5)
        await _wait_posted(bot, list(owners))
        standin.set_overwrite(rooms[-1], all_guilds[-1], deny=("attach_files",))
        for _ in range(half // 2):
            await _finish_next(bot)
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
            owners[await _queue(bot, who, rooms[k], i)] = who.id
        for _ in range(report.jobs - half // 2):
            await _finish_next(bot)
        await _wait_delivered(bot, list(owners))
        states = {job_id: await bot.services.progress.state(job_id) for job_id in owners}
    report.seconds = time.monotonic() - started
    report.invalid_bot = first_invalid + bot.services.invalid_requests.total
    _account(standin, report, owners, states)
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
