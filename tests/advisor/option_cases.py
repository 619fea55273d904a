"""Rule cases for advisor/rulebook_options.toml (merged into test_advisor_rules.CASES).

The base models are folders holding only scheduler/scheduler_config.json: that is all the
`base_announces` condition reads.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

from advisor.facts import Facts
from config.training import TrainConfig

_ROOT = Path(tempfile.mkdtemp(prefix="advisor-option-cases-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)


def scheduler_folder(name: str, **config: object) -> str:
    folder = _ROOT / name / "scheduler"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scheduler_config.json").write_text(json.dumps(config), encoding="utf-8")
    return str(folder.parent)


VPRED = scheduler_folder("vpred", prediction_type="v_prediction")
VPRED_ZTSNR = scheduler_folder("vpred_ztsnr", prediction_type="v_prediction", rescale_betas_zero_snr=True)
EPS = scheduler_folder("eps", prediction_type="epsilon")

OPTION_CASES: dict[str, tuple[Facts, Facts]] = {
    "options.vpred_base_trained_as_epsilon": (
        Facts(config=TrainConfig(pretrained_model=VPRED, prediction_type="epsilon")),
        Facts(config=TrainConfig(pretrained_model=VPRED, prediction_type="auto")),
    ),
    "options.vpred_base_zero_terminal_snr": (
        Facts(config=TrainConfig(pretrained_model=VPRED)),
        Facts(config=TrainConfig(pretrained_model=VPRED_ZTSNR)),
    ),
}
