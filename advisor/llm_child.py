"""The LLM child process: `python -m advisor.llm_child`, started by advisor.llm_proc.

This is the only module of loracord that imports llama_cpp. A native crash here (a segfault, an
illegal instruction, the kernel's OOM killer) ends this process only; the parent answers from the
rules and starts a new child.

Protocol, one JSON object per line: the parent writes the configuration on the first line of stdin;
the child loads the model, runs a self-test (a short chat prompt of several tokens, the same code
path as a question, so a broken build fails here rather than on a user's question) and writes
`{"ready": true, ...}` or `{"ready": false, "error": ...}` on its own protocol channel (the original
stdout; fd 1 is pointed at stderr so that native libraries cannot corrupt the protocol). Each
following stdin line is a request `{"id", "messages", "max_tokens", "seconds"}`, answered in turn by
`{"id", "text", "completion_tokens", "seconds", "timed_out"}` or `{"id", "error", "kind"}`.

`config["backend"]` is "llama" (llama-cpp-python) or "FILE.py:FACTORY" (a test double).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO, Protocol

SELF_TEST = [{"role": "user", "content": "Say hello to a new user of a LoRA training bot."}]
SELF_TEST_TOKENS = 4


class Unavailable(Exception):
    """The model cannot be loaded here (no llama_cpp, a bad file): restarting will not help."""


class Backend(Protocol):
    def chat(self, messages: list[dict[str, str]], max_tokens: int, seconds: float) -> dict[str, Any]:
        """{"text", "completion_tokens", "timed_out"}; generation stops after `seconds`."""
        ...


class LlamaBackend:
    """One llama.cpp model, loaded once, answering requests in turn."""

    def __init__(self, config: dict[str, Any]) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise Unavailable(f"llama-cpp-python cannot be imported: {exc}") from exc
        # 0: half the cores, for the prompt as for generation. llama-cpp-python's own default gives the
        # prompt every core, and on a busy 2-core host those spinning threads made the self-test's
        # 35-token prompt take 20 s instead of 1 s (docs/advisor.md).
        threads = int(config.get("threads") or 0) or max(1, (os.cpu_count() or 2) // 2)
        try:
            self.model = Llama(
                model_path=str(config["model_path"]),
                n_ctx=int(config.get("context_tokens", 2048)),
                n_threads=threads,
                n_threads_batch=threads,
                chat_format="chatml",
                verbose=False,
            )
        except (ValueError, OSError, RuntimeError) as exc:
            raise Unavailable(f"cannot load {config['model_path']}: {exc}") from exc

    def chat(self, messages: list[dict[str, str]], max_tokens: int, seconds: float) -> dict[str, Any]:
        deadline = time.perf_counter() + seconds
        eos = self.model.token_eos()

        def stop_at_deadline(input_ids: Any, scores: Any) -> Any:
            # Past the deadline only the end-of-sequence token may follow: generation ends now.
            if time.perf_counter() > deadline:
                scores[:] = -float("inf")
                scores[eos] = 0.0
            return scores

        result = self.model.create_chat_completion(
            messages=messages,
            max_tokens=max_tokens,
            temperature=0.2,
            top_p=0.9,
            repeat_penalty=1.15,
            seed=7,
            logits_processor=[stop_at_deadline],
        )
        return {
            "text": str(result["choices"][0]["message"].get("content") or "").strip(),
            "completion_tokens": int(result.get("usage", {}).get("completion_tokens", 0)),
            "timed_out": time.perf_counter() > deadline,
        }


def load_backend(config: dict[str, Any]) -> Backend:
    spec = str(config.get("backend") or "llama")
    if spec == "llama":
        return LlamaBackend(config)
    file, _, factory = spec.rpartition(":")
    module_spec = importlib.util.spec_from_file_location("loracord_llm_backend", file)
    if module_spec is None or module_spec.loader is None or not Path(file).is_file():
        raise Unavailable(f"no backend file {file}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, factory)(config)


def _send(channel: BinaryIO, message: dict[str, Any]) -> None:
    channel.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
    channel.flush()


def _answer(backend: Backend, request: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        reply = backend.chat(request["messages"], int(request["max_tokens"]), float(request["seconds"]))
    except MemoryError:
        return {"id": request["id"], "error": "the LLM ran out of memory", "kind": "oom"}
    except (ValueError, RuntimeError) as exc:
        # e.g. "Requested tokens exceed context window": this request only; the model is fine.
        return {"id": request["id"], "error": f"the model could not answer: {exc}", "kind": "refused"}
    return {"id": request["id"], "seconds": time.perf_counter() - started, **reply}


def _leave_with_parent() -> None:
    """Be the first the OOM killer picks (not the bot), and exit when the parent is gone."""
    with contextlib.suppress(OSError):
        Path("/proc/self/oom_score_adj").write_text("1000")
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def main() -> int:
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # llama.cpp and friends print to fd 1: send that to stderr, not into the protocol
    sys.stdout = sys.stderr
    _leave_with_parent()
    config = json.loads(sys.stdin.readline() or "{}")
    started = time.perf_counter()
    try:
        backend = load_backend(config)
        load_seconds = time.perf_counter() - started
        probe = backend.chat(SELF_TEST, SELF_TEST_TOKENS, 60.0)
    except Unavailable as exc:
        _send(channel, {"ready": False, "error": str(exc)})
        return 0
    except (ValueError, RuntimeError, MemoryError) as exc:
        _send(channel, {"ready": False, "error": f"the self-test failed: {exc}"})
        return 0
    _send(
        channel, {"ready": True, "load_seconds": load_seconds, "self_test_tokens": probe["completion_tokens"]}
    )
    for line in sys.stdin:
        if line.strip():
            reply = _answer(backend, json.loads(line))
            _send(channel, reply)
            if reply.get("kind") == "oom":
                return 1  # a process that ran out of memory is not trusted further: start afresh
    return 0


if __name__ == "__main__":
    sys.exit(main())
