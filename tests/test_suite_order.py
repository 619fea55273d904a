"""The parallel run's order (tests/conftest.py) names files that exist: a renamed file would silently go back to
its place in the collection, and the longest test could again start last."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _longest_first() -> tuple[str, ...]:
    # by path: `import conftest` would find whichever tests/**/conftest.py came first on sys.path
    spec = importlib.util.spec_from_file_location("suite_conftest", ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LONGEST_FIRST


def test_every_file_started_first_exists():
    missing = [path for path in _longest_first() if not (ROOT / path).is_file()]
    assert not missing, f"tests/conftest.py LONGEST_FIRST names files that are gone: {missing}"
