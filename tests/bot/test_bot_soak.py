"""The Discord soak, small (issue 16): 3 guilds, 9 members and 18 jobs through the real bot and the
stand-in with faults on (429 bursts, 5xx, a gateway drop, a deleted channel, Attach Files revoked,
closed DMs, a restart, the clock past the token's life). Three of the jobs train the tiny model through
the project's worker process; a stand-in worker finishes the others at once. `python -m bench soak`
runs the big one, every job trained."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.soak_discord import run_soak

pytestmark = pytest.mark.slow


async def test_soak_every_result_reaches_its_owner_once(tmp_path: Path, tiny_model: Path) -> None:
    report = await run_soak(
        tmp_path, guilds=3, members=9, jobs=18, seed=1, real_jobs=3, model=tiny_model, workers=1
    )
    assert report.undelivered == [] and report.duplicates == [], report.rows()
    assert sum(report.delivered.values()) == 18 and report.delivered.get("dm", 0) > 0  # some channels broke
    # The trained jobs' owners got the real LoRA, grid and loss curve, byte for byte.
    assert len(report.real_jobs) == 3 and report.real_failed == [], report.rows()
    assert report.real_incomplete == [], report.rows()
    assert report.repeats_after_permanent == []
    assert 0 < report.invalid_discord < 1_000  # under 10% of Discord's ban limit
    assert report.invalid_bot == report.invalid_discord  # the bot's budget sees what Discord counts
    assert not [name for name in report.leaked_tasks if "progress" in name or "standin" in name]
