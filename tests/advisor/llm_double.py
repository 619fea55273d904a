"""Test doubles of the model inside the LLM child (advisor.llm_child loads them from this file).

They run in the real child process, behind the real pipe protocol; only the model is replaced.
What the double does is chosen by a marker in the question: `@segv` (a native crash), `@block`
(writes the file named by $LLM_DOUBLE_MARKER, then waits until something kills it), `@hang` (ignores
every deadline), `@oom` (MemoryError). Any other question gets FAITHFUL, a reply the checker keeps.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

PATH = str(Path(__file__).resolve())
ANSWERING = f"{PATH}:answering"
BROKEN_BUILD = f"{PATH}:broken_build"
FAITHFUL = "Start with learning_rate = 1e-4 for a LoRA."


def _wait_forever() -> None:
    while True:
        time.sleep(1.0)


class Double:
    def __init__(self, config: dict[str, Any], crash_always: bool = False) -> None:
        self.config = config
        self.crash_always = crash_always

    def chat(self, messages: list[dict[str, str]], max_tokens: int, seconds: float) -> dict[str, Any]:
        text = messages[-1]["content"]
        if self.crash_always or "@segv" in text:
            os.kill(os.getpid(), signal.SIGSEGV)
        if "@block" in text:
            Path(os.environ["LLM_DOUBLE_MARKER"]).write_text(str(os.getpid()))
            _wait_forever()
        if "@hang" in text:
            _wait_forever()
        if "@oom" in text:
            raise MemoryError
        return {"text": FAITHFUL, "completion_tokens": 11, "timed_out": False}


def answering(config: dict[str, Any]) -> Double:
    return Double(config)


def broken_build(config: dict[str, Any]) -> Double:
    """Like llama.cpp built for the wrong CPU: loads, then crashes on its first prompt batch."""
    return Double(config, crash_always=True)
