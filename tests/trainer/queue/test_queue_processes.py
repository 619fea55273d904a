"""Several processes enqueue and claim on one SQLite store at once: nothing lost, nothing twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from trainer.queue.backends import open_store

HELPER = Path(__file__).with_name("queue_proc_helper.py")


async def test_four_processes_enqueue_and_claim_without_loss_or_duplicates(queue_options, tmp_path):
    async with open_store(queue_options):  # create the schema once, like `loracord` start-up would
        pass
    outs = [tmp_path / f"claimed{i}.json" for i in range(4)]
    procs = [
        subprocess.Popen([sys.executable, str(HELPER), str(queue_options.data_dir), f"p{i}", "60", str(out)])
        for i, out in enumerate(outs)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    claimed = [j for out in outs for j in json.loads(out.read_text())]
    async with open_store(queue_options) as store:
        assert await store.count_jobs() == 240
        jobs = await store.list_jobs(limit=1000)
    assert len(claimed) == len(set(claimed)) == 240
    assert set(claimed) == {j.id for j in jobs}
    assert {j.status.value for j in jobs} == {"running"}
