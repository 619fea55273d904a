"""Failure classes, backoff, the invalid-request budget and result splitting, in isolation (issue 16)."""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import discord
import pytest

from bot.discord_errors import Backoff, InvalidRequestBudget, Kind, classify
from bot.results import plan, post_nonce

MiB = 2**20


def http_error(status: int, code: int = 0, message: str = "") -> discord.HTTPException:
    response = SimpleNamespace(status=status, reason="x", headers={})
    return discord.HTTPException(response, {"code": code, "message": message})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, 50035),
        (401, 0),
        (403, 50001),
        (403, 50013),
        (403, 50007),
        (404, 10003),
        (404, 10008),
        (413, 40005),
    ],
)
def test_client_errors_are_permanent(status: int, code: int) -> None:
    failure = classify(http_error(status, code, "nope"))
    assert failure is not None and failure.permanent and str(code) in failure.reason


@pytest.mark.parametrize(
    "exc", [http_error(500), http_error(502), http_error(503), aiohttp.ClientOSError(), TimeoutError()]
)
def test_server_and_network_errors_are_transient(exc: BaseException) -> None:
    failure = classify(exc)
    assert failure is not None and failure.kind is Kind.TRANSIENT


def test_429_and_other_errors() -> None:
    assert classify(http_error(429)).kind is Kind.RATE_LIMITED  # type: ignore[union-attr]
    assert classify(ValueError("a bug")) is None  # not Discord's doing: logged as a bug, not retried


def test_backoff_grows_with_jitter_up_to_a_cap_and_a_bound() -> None:
    backoff = Backoff(base_s=2.0, cap_s=60.0, max_attempts=5)
    rng = random.Random(1)
    delays = [backoff.delay(n, rng) for n in range(8)]
    for n, delay in enumerate(delays):
        full = min(60.0, 2.0 * 2**n)
        assert full / 2 <= delay <= full
    assert len({round(d, 6) for d in delays}) == len(delays)  # jitter: no two the same
    assert not backoff.exhausted(4) and backoff.exhausted(5)


def test_budget_counts_what_cloudflare_counts_in_a_sliding_window() -> None:
    now = [0.0]
    budget = InvalidRequestBudget(limit=100, window_s=600, clock=lambda: now[0])
    for status in (200, 204, 400, 404, 500, 401, 403, 429):
        budget.record(status)
    budget.record(429, "shared")  # shared-scope 429s do not count toward the ban
    assert budget.count() == 3 and budget.total == 3
    now[0] = 601.0
    assert budget.count() == 0 and budget.total == 3


def test_budget_slows_non_essential_edits_as_it_fills() -> None:
    budget = InvalidRequestBudget(limit=100, clock=lambda: 0.0)
    assert budget.edit_interval(5.0) == 5.0
    for _ in range(10):
        budget.record(403)
    slowed = budget.edit_interval(5.0)
    assert slowed is not None and slowed > 5.0
    for _ in range(40):
        budget.record(403)
    assert budget.edit_interval(5.0) is None  # from half the limit on: essential calls only
    assert "50 of 100" in budget.summary()


def _files(tmp_path: Path, sizes: list[int]) -> list[Path]:
    out = []
    for i, size in enumerate(sizes):
        path = tmp_path / f"f{i}.bin"
        with path.open("wb") as fh:
            fh.truncate(size)
        out.append(path)
    return out


def test_plan_keeps_every_message_within_request_file_and_count_limits(tmp_path: Path) -> None:
    files = _files(tmp_path, [9 * MiB, 9 * MiB, 9 * MiB, 11 * MiB, 1] + [1000] * 12)
    layout = plan(files, file_limit=10 * MiB)
    assert layout.linked == [files[3]]  # over the per-file limit
    for batch in layout.batches:
        assert len(batch) <= 10 and sum(p.stat().st_size for p in batch) <= 25 * MiB
    placed = [p for batch in layout.batches for p in batch]
    assert sorted(placed + layout.linked) == sorted(files)  # each file exactly once


def test_plan_on_a_boosted_guild_links_what_no_request_can_carry(tmp_path: Path) -> None:
    files = _files(tmp_path, [30 * MiB, 20 * MiB])
    layout = plan(files, file_limit=50 * MiB)
    assert layout.linked == [files[0]] and layout.batches == [[files[1]]]


def test_post_nonces_are_short_and_distinct() -> None:
    nonces = {post_nonce("261206-000455-9b352c2d", f"result-{i}") for i in range(50)}
    assert len(nonces) == 50 and all(len(n) <= 25 for n in nonces)
