import sys
from pathlib import Path

# pytest puts tests/ first on sys.path for this conftest; tests/bot, tests/trainer, ... (no __init__.py)
# would then shadow the real packages as namespace packages. The project root must come first.
_ROOT = str(Path(__file__).resolve().parents[1])
if sys.path[:1] != [_ROOT]:
    sys.path.insert(0, _ROOT)

pytest_plugins = ["bot.standin.pytest_plugin"]
