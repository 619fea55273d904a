"""A normal model load prints no library noise into a log file."""

import logging
import subprocess
import sys

import pytest

from trainer.quiet import quiet_libraries
from trainer.tinybase import base

LOAD = (
    "from pathlib import Path; import sys; from trainer.tinybase import base; "
    "base.load_pipeline(Path(sys.argv[1])); print('loaded')"
)


@pytest.fixture(scope="module")
def shapes_base(tmp_path_factory):
    return base.materialize(tmp_path_factory.mktemp("quiet") / "base")


def test_known_noise_is_dropped_and_other_warnings_kept(caplog):
    quiet_libraries(progress_bars=True)
    with caplog.at_level(logging.WARNING):
        logging.getLogger("transformers.utils.import_utils").warning(
            "`CLIPImageProcessor` requires torchvision (not installed); falling back to `CLIPImageProcessorPil`"
        )
        logging.getLogger("transformers.utils.import_utils").warning("something else")
    assert [r.getMessage() for r in caplog.records] == ["something else"]


def test_a_model_load_writes_no_bars_or_fallback_warnings_into_a_log(shapes_base, tmp_path):
    log = tmp_path / "train.log"
    with open(log, "w") as fh:  # a file, as the worker gives the training child: not a terminal
        proc = subprocess.run(
            [sys.executable, "-c", LOAD, str(shapes_base)], stdout=fh, stderr=fh, check=False
        )
    text = log.read_text()
    assert proc.returncode == 0 and "loaded" in text, text
    assert "torchvision" not in text and "it/s" not in text and "\r" not in text and "LOAD REPORT" not in text
