"""transformers' LOAD REPORT tables, turned into what they mean for a base model we load.

transformers 5 logs a table of MISSING / UNEXPECTED / MISMATCHED keys as a warning and goes on with
randomly initialised weights for the missing ones. For a base model that is not a warning: a text
encoder with random layers trains and samples garbage. `capture_load_reports` takes the tables out of
the log while a model loads; `missing_keys` reads them, and `trainer.models.load` refuses the model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

#: Where transformers logs its load reports (modeling_utils and modeling_layers).
_LOGGERS = ("transformers.modeling_utils", "transformers.modeling_layers")
_ROW = re.compile(r"^\s*(\S+)\s*\|\s*(MISSING|UNEXPECTED|MISMATCH\w*)\b", re.MULTILINE)
_MODEL = re.compile(r"(\w+) LOAD REPORT")


class _Capture(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.reports: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "LOAD REPORT" in text:
            self.reports.append(re.sub(r"\x1b\[[0-9;]*m", "", text))
            return False
        return True


@contextmanager
def capture_load_reports() -> Iterator[list[str]]:
    """Collect (and keep out of the log) every load report logged inside the block."""
    capture = _Capture()
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    for logger in loggers:
        logger.addFilter(capture)
    try:
        yield capture.reports
    finally:
        for logger in loggers:
            logger.removeFilter(capture)


def report_rows(reports: list[str]) -> list[tuple[str, str, str]]:
    """(model class, key, status) for every row of the captured tables."""
    rows = []
    for report in reports:
        model = _MODEL.search(report)
        for key, status in _ROW.findall(report):
            rows.append((model.group(1) if model else "?", key, status))
    return rows


def missing_keys(reports: list[str]) -> list[str]:
    """ "Class: key" of every weight the files did not have (initialised at random by transformers)."""
    return [f"{model}: {key}" for model, key, status in report_rows(reports) if status == "MISSING"]
