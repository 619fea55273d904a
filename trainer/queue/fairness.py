"""Who runs next: the queue's sharing rules, as pure functions the stores call inside a transaction.

The order:
1. Admin-priority jobs first, oldest first; they are exempt from the per-user limits and the quota.
2. Then round-robin between users: the user served least recently goes next (a user never served
   before counts as the least recent; ties go to the older job), and within one user the oldest job
   first. So one user's ten jobs never block the others.
3. A user who already runs `max_running_jobs_per_user` jobs, or has used the daily GPU-minute quota,
   is skipped until that changes. A job whose guild already runs `max_running_jobs_per_guild` jobs
   stays queued (never refused) and is skipped; its owner's next job in another guild, or the next
   user, is served instead. Priority jobs are exempt from this limit too (but count towards it).

Refusals at submission are typed exceptions (`QueueFull`, `QuotaExceeded`) carrying the limit, the
current value and, for the quota, when it resets, so the bot can word them in the user's language.
"""

from __future__ import annotations

import heapq
import time
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from trainer.queue.options import QueueLimits

DAY_SECONDS = 86400.0


class QueueRefused(Exception):
    """A submission was refused by a sharing rule."""


class QueueFull(QueueRefused):
    """Too many queued jobs for this user (`scope="user"`) or guild (`scope="guild"`)."""

    def __init__(self, scope: str, limit: int, current: int) -> None:
        who = "you already have" if scope == "user" else "this server already has"
        super().__init__(
            f"queue full: {who} {current} queued job(s), the limit is {limit}; "
            "wait for one to start or cancel one"
        )
        self.scope = scope
        self.limit = limit
        self.current = current
        self.reset_at: float | None = None


class QuotaExceeded(QueueRefused):
    """The user's daily GPU minutes are used up. `limit`/`current` are minutes; `reset_at` a Unix time."""

    def __init__(self, limit: float, current: float, reset_at: float) -> None:
        reset = time.strftime("%H:%M UTC", time.gmtime(reset_at))
        super().__init__(
            f"daily GPU quota used: {current:.0f} of {limit:.0f} minutes today; it resets at {reset}"
        )
        self.limit = limit
        self.current = current
        self.reset_at = reset_at


def day_start(now: float) -> float:
    """Start of the UTC day `now` falls in; the quota counts per UTC day."""
    return now - (now % DAY_SECONDS)


def day_key(now: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(now))


def check_submission(
    limits: QueueLimits,
    *,
    priority: bool,
    user_queued: int,
    guild_queued: int | None,
    user_gpu_seconds_today: float,
    now: float,
) -> None:
    """Raise `QueueFull` / `QuotaExceeded` when a new job may not be queued. Priority jobs always may."""
    if priority:
        return
    if limits.max_queued_jobs_per_user and user_queued >= limits.max_queued_jobs_per_user:
        raise QueueFull("user", limits.max_queued_jobs_per_user, user_queued)
    if (
        guild_queued is not None
        and limits.max_queued_jobs_per_guild
        and guild_queued >= limits.max_queued_jobs_per_guild
    ):
        raise QueueFull("guild", limits.max_queued_jobs_per_guild, guild_queued)
    quota = limits.daily_gpu_minutes_per_user
    if quota and user_gpu_seconds_today / 60.0 >= quota:
        raise QuotaExceeded(quota, user_gpu_seconds_today / 60.0, day_start(now) + DAY_SECONDS)


@dataclass(frozen=True)
class Candidate:
    """A user's oldest queued (non-priority) job, with what the rules need to know about the user."""

    job_seq: int
    job_id: str
    owner_id: int
    last_served: int  # 0: never served
    running: int
    gpu_seconds_today: float
    guild_id: int | None = None
    guild_running: int = 0  # running jobs of `guild_id`, whoever owns them


def candidates(
    queued: Iterable[tuple[int, int, int | None]],
    running: Mapping[int, int],
    guild_running: Mapping[int, int],
    served: Mapping[int, int],
    usage: Mapping[int, float],
) -> list[Candidate]:
    """Candidates from the queued jobs' (seq, owner, guild) and the counts a store reads: running
    jobs per owner and per guild, last-served stamps and today's GPU seconds per owner."""
    return [
        Candidate(
            job_seq=seq,
            job_id="",
            owner_id=owner,
            last_served=served.get(owner, 0) or 0,
            running=running.get(owner, 0),
            gpu_seconds_today=usage.get(owner, 0.0),
            guild_id=guild,
            guild_running=guild_running.get(guild, 0) if guild is not None else 0,
        )
        for seq, owner, guild in queued
    ]


def eligible(c: Candidate, limits: QueueLimits) -> bool:
    if limits.max_running_jobs_per_user and c.running >= limits.max_running_jobs_per_user:
        return False
    if guild_full(c.guild_id, c.guild_running, limits):
        return False
    quota = limits.daily_gpu_minutes_per_user
    return not (quota and c.gpu_seconds_today / 60.0 >= quota)


def guild_full(guild_id: int | None, guild_running: int, limits: QueueLimits) -> bool:
    """Whether a job of this guild must wait because the guild runs its limit; jobs without a guild
    (command-line submissions) never do."""
    cap = limits.max_running_jobs_per_guild
    return bool(cap and guild_id is not None and guild_running >= cap)


def pick(candidates: Iterable[Candidate], limits: QueueLimits) -> Candidate | None:
    """The next non-priority job to run, or None when every user with queued jobs must wait.

    Candidates may hold several jobs per user (say, one per guild): ties on `last_served` go to the
    oldest, so a user's oldest job that may start is the one chosen."""
    ready = [c for c in candidates if eligible(c, limits)]
    if not ready:
        return None
    return min(ready, key=pick_key)


def pick_key(c: Candidate) -> tuple[int, int]:
    """The fair order among eligible candidates: least recently served user first, then oldest job."""
    return (c.last_served, c.job_seq)


def rank(candidates: Iterable[Candidate], limits: QueueLimits) -> list[Candidate]:
    """Every eligible candidate in the order `pick` would take them (`pick` is the first).

    A store whose claims run concurrently (PostgreSQL, `SELECT ... FOR UPDATE SKIP LOCKED`) walks
    this list and takes the first candidate it can lock, re-checking its owner's and guild's limits
    under the lock; the others are what `pick` would choose if the first were taken meanwhile."""
    return sorted((c for c in candidates if eligible(c, limits)), key=pick_key)


@dataclass(frozen=True)
class QueuedRef:
    """A queued job as the order simulation sees it."""

    seq: int
    job_id: str
    owner_id: int
    priority: bool
    guild_id: int | None = None


@dataclass(frozen=True)
class RunningRef:
    """A running job as the order simulation sees it: whose, and which guild's."""

    owner_id: int
    guild_id: int | None = None


def simulate_order(
    queued: Sequence[QueuedRef],
    last_served: Mapping[int, int],
    limits: QueueLimits | None = None,
    running: Sequence[RunningRef] = (),
) -> list[str]:
    """The order the queued jobs would start in (for queue positions and ETAs).

    Without `limits`, every user is assumed able to run now. With them, the running-job limits per
    user and per guild are applied as `pick` applies them: `running` are the jobs running now in the
    order they are expected to finish; every simulated start joins them, and when no queued job may
    start, the first of them finishes. A free worker is assumed for every start (as with several
    workers claiming). The quota is left out: it delays a user's jobs, it does not reorder the others.
    """
    if limits is not None:
        return _simulate_with_limits(queued, last_served, limits, running)
    urgent = sorted((q for q in queued if q.priority), key=lambda q: q.seq)
    served = dict(last_served)
    counter = max(served.values(), default=0)
    for q in urgent:  # a priority start stamps its owner like any other start
        counter += 1
        served[q.owner_id] = counter
    per_user: dict[int, list[QueuedRef]] = {}
    for q in sorted((q for q in queued if not q.priority), key=lambda q: q.seq):
        per_user.setdefault(q.owner_id, []).append(q)
    order = [q.job_id for q in urgent]
    # Heap of (last served, seq of the user's next job, owner); serving a user moves it to the back.
    heap = [(served.get(owner, 0), jobs[0].seq, owner) for owner, jobs in per_user.items()]
    heapq.heapify(heap)
    index = dict.fromkeys(per_user, 0)
    while heap:
        _, _, owner = heapq.heappop(heap)
        jobs = per_user[owner]
        order.append(jobs[index[owner]].job_id)
        index[owner] += 1
        counter += 1
        if index[owner] < len(jobs):
            heapq.heappush(heap, (counter, jobs[index[owner]].seq, owner))
    return order


def _simulate_with_limits(
    queued: Sequence[QueuedRef],
    last_served: Mapping[int, int],
    limits: QueueLimits,
    running: Sequence[RunningRef],
) -> list[str]:
    served = dict(last_served)
    counter = max(served.values(), default=0)
    active = deque(running)
    waiting = {q.seq: q for q in sorted(queued, key=lambda q: q.seq)}
    order: list[str] = []
    while waiting:
        chosen = next((q for q in waiting.values() if q.priority), None)  # exempt from every limit
        if chosen is None:
            per_user = Counter(r.owner_id for r in active)
            per_guild = Counter(r.guild_id for r in active if r.guild_id is not None)
            best = pick(
                (
                    Candidate(
                        job_seq=q.seq,
                        job_id=q.job_id,
                        owner_id=q.owner_id,
                        last_served=served.get(q.owner_id, 0),
                        running=per_user[q.owner_id],
                        gpu_seconds_today=0.0,
                        guild_id=q.guild_id,
                        guild_running=per_guild[q.guild_id] if q.guild_id is not None else 0,
                    )
                    for q in waiting.values()
                ),
                limits,
            )
            if best is None:
                if not active:  # cannot happen with nothing running; stop rather than spin
                    break
                active.popleft()  # the next running job finishes and frees its user and guild
                continue
            chosen = waiting[best.job_seq]
        del waiting[chosen.seq]
        order.append(chosen.job_id)
        counter += 1
        served[chosen.owner_id] = counter
        active.append(RunningRef(chosen.owner_id, chosen.guild_id))
    # Only reached early if the loop above had to stop: keep every job listed, oldest first.
    order += [q.job_id for q in waiting.values()]
    return order
