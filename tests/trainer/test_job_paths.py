"""The job folder's layout is named in one place (trainer.job_paths) and documented as it is."""

from __future__ import annotations

import re
from pathlib import Path

from trainer.job_paths import JobPaths, checkpoint_step, read_events

ROOT = Path(__file__).resolve().parents[2]


def _documented() -> set[str]:
    """The JOB_DIR/... entries of docs/contracts.md (both job-folder sections), folders without '/'."""
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    return {m.rstrip("/") for m in re.findall(r"^JOB_DIR/(\S+)", text, flags=re.M)}


def _named(paths: JobPaths) -> set[str]:
    names = set()
    for attr in dir(JobPaths):
        value = getattr(paths, attr)
        if attr.startswith("_") or attr == "job_dir" or not isinstance(value, Path):
            continue
        names.add(paths.relative(value))
    return names


def test_every_entry_is_documented_in_the_contract(tmp_path):
    documented = _documented()
    paths = JobPaths(tmp_path)
    named = _named(paths) | {
        paths.relative(paths.checkpoint(500)),
        paths.relative(paths.output / "NAME.safetensors"),
    }
    folders = {parent for d in documented for parent in map(str, Path(d).parents) if parent != "."}
    undocumented = sorted(n for n in named if n not in documented | folders)
    assert not undocumented, f"docs/contracts.md ('A job folder') lacks {undocumented}"


def test_names_events_use_are_relative_to_the_job_folder(tmp_path):
    paths = JobPaths(tmp_path / "job")
    assert paths.relative(paths.sample_grid(250)) == "samples/step_000250_grid.png"
    assert paths.relative(paths.prompt_grid(1)) == "samples/grid_p1.png"
    assert checkpoint_step(paths.checkpoint(500)) == 500
    assert checkpoint_step(paths.checkpoints / "step_x") is None


def test_read_events_skips_a_half_written_line(tmp_path):
    JobPaths(tmp_path).events.write_text('{"type": "start"}\n{"type": "st', encoding="utf-8")
    assert read_events(tmp_path) == [{"type": "start"}]
    assert read_events(tmp_path / "missing") == []
