"""The bot process never imports torch: every bot module, imported in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "bot.app", "cli.bot", "cli.demo", "cli.demo_script", "bot.progress", "bot.files", "bot.delivery",
    "bot.exts.datasets", "bot.exts.captions", "bot.exts.advisor", "bot.exts.training", "bot.exts.admin",
]  # fmt: skip


def test_bot_never_imports_torch() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "heavy = sorted(m for m in ('torch', 'diffusers', 'transformers', 'onnxruntime') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
