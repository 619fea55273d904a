"""docs/training.md lists every TrainConfig field beside its sd-scripts name."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from config.training import TrainConfig

DOC = Path(__file__).resolve().parents[2] / "docs" / "training.md"


def test_every_option_is_in_the_table():
    rows = set(re.findall(r"^\| `([a-z0-9_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE))
    missing = sorted({f.name for f in fields(TrainConfig)} - rows)
    assert missing == [], f"add a row to docs/training.md's option table for {missing}"
