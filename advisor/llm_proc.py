"""One LLM child process seen from the parent: start it, send a request, read the reply in time.

The child (advisor.llm_child) runs the model; this side never imports llama_cpp. Every way the
child can fail becomes a `ChildFailed` with a reason a log reader understands: it crashed (the
signal), it was killed (SIGKILL: the OOM killer or an operator), it ran out of memory, it hung past
the deadline (then it is killed here), or it broke the protocol.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STDERR_TAIL = 400


class ChildFailed(Exception):
    """The child is gone or unusable; `kind` is crash, killed, oom, hang, protocol or unavailable."""

    def __init__(self, kind: str, reason: str, idle: bool = False) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.idle = idle  # it died between questions: no question lost its wording


def exit_reason(returncode: int) -> tuple[str, str]:
    """(kind, words) for a child's exit status."""
    if returncode == -signal.SIGKILL:
        return "killed", "was killed by SIGKILL (out of memory, or killed from outside)"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return "crash", f"crashed ({name})"
    return "crash", f"exited with status {returncode}"


class LLMChild:
    """A started child process speaking the JSON-lines protocol of advisor.llm_child."""

    def __init__(self, config: dict[str, Any]) -> None:
        # A file, not a pipe: nobody has to drain it, and its tail explains a crash.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _release)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "advisor.llm_child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            start_new_session=True,  # Ctrl-C in a terminal reaches the parent, which ends the child
        )
        self._buffer = b""
        self._next_id = 0
        self.info: dict[str, Any] = {}
        self._write(config)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, deadline: float) -> dict[str, Any]:
        """The child's ready message (load time, self-test tokens); ChildFailed when it fails."""
        message = self._read(deadline, "while starting (model load and self-test)")
        if not message.get("ready"):
            self.close()
            raise ChildFailed("unavailable", str(message.get("error") or "the child refused to start"))
        self.info = message
        return message

    def request(
        self, messages: list[dict[str, str]], max_tokens: int, seconds: float, deadline: float
    ) -> dict:
        """Send one request and wait for its reply until `deadline` (time.monotonic())."""
        self._next_id += 1
        self._write({"id": self._next_id, "messages": messages, "max_tokens": max_tokens, "seconds": seconds})
        reply = self._read(deadline, "while answering")
        if reply.get("id") != self._next_id:
            self.kill()
            raise ChildFailed("protocol", f"answered request {reply.get('id')} instead of {self._next_id}")
        if reply.get("kind") == "oom":
            self.close()
            raise ChildFailed("oom", str(reply.get("error")))
        return reply

    def _write(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            # It died before reading; its exit status says why.
            raise self._gone("before the request") from None

    def _read(self, deadline: float, during: str) -> dict[str, Any]:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(timeout=left):
                    self.kill()
                    raise ChildFailed("hang", f"gave no answer in time {during}; it was killed")
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise self._gone(during)
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            return json.loads(line)
        except ValueError:
            self.kill()
            raise ChildFailed("protocol", f"wrote something that is not a message: {line[:80]!r}") from None

    def _gone(self, during: str) -> ChildFailed:
        """The child closed its end: wait for its exit status and say why it ended."""
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.proc.returncode
        kind, words = exit_reason(code)
        tail = self.stderr_tail()
        return ChildFailed(kind, f"{words} {during}" + (f"; its last words: {tail}" if tail else ""))

    def stderr_tail(self) -> str:
        try:
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - STDERR_TAIL))
            text = self._stderr.read().decode("utf-8", errors="replace")
        except (OSError, ValueError):
            return ""
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        return lines[-1] if lines else ""

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._release()

    def close(self, grace_s: float = 2.0) -> None:
        """End it: close its stdin (it exits when idle), then kill it if it lingers."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=grace_s)
        self.kill()

    def _release(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout, self._stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
