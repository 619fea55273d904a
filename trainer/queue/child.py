"""The training child process: `python -m trainer.run JOB_DIR`, and reading its events as they come.

The child runs in its own process group (so a kill reaches everything it started), sees only the
worker's GPU, and writes its output to JOB_DIR/train.log. On Linux it is also told to die with the
worker (PR_SET_PDEATHSIG), and its pid is kept in JOB_DIR/child.pid, so that a job taken over after
its worker died is never trained by two processes at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from trainer.job_paths import JobPaths

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
#: The modules a job's child runs (training, or sampling a finished run); see types.JobKind.
CHILD_MODULES = ("trainer.run", "trainer.sample")


def _death_signal_hook() -> Callable[[], None] | None:
    """A pre-exec function that makes the kernel SIGKILL the child when the worker dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return None
    # Resolved here, before fork: the function run in the child only makes one system call.
    prctl = ctypes.CDLL(libc_name, use_errno=True).prctl

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    return hook


_DEATH_HOOK = _death_signal_hook()


def _is_training_of(pid: int, job_dir: Path) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    args = [a.decode(errors="replace") for a in cmdline]
    return any(m in args for m in CHILD_MODULES) and str(job_dir) in args


def kill_orphan(job_dir: Path, wait_s: float = 10.0) -> bool:
    """Kill a training child of this job left behind by a dead worker on this host. True if one was."""
    pid_file = JobPaths(job_dir).child_pid
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return False
    if not _is_training_of(pid, Path(job_dir)):
        return False
    log.warning("killing training process %d of %s left by a dead worker", pid, job_dir)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + wait_s
    while _is_training_of(pid, Path(job_dir)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


class EventTail:
    """Reads the complete lines appended to events.jsonl since the last call."""

    def __init__(self, path: Path, *, from_end: bool = True) -> None:
        self.path = Path(path)
        self.offset = self.path.stat().st_size if from_end and self.path.exists() else 0
        self._partial = b""

    def read_new(self) -> list[dict[str, Any]]:
        try:
            with self.path.open("rb") as fh:
                fh.seek(self.offset)
                chunk = fh.read()
        except FileNotFoundError:
            return []
        self.offset += len(chunk)
        data = self._partial + chunk
        lines = data.split(b"\n")
        self._partial = lines.pop()  # an unfinished last line waits for its newline
        events = []
        for line in lines:
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                log.warning("skipping a malformed line in %s: %r", self.path, line[:200])
                continue
            if isinstance(event, dict) and isinstance(event.get("type"), str):
                events.append(event)
        return events


class TrainingChild:
    """One running `python -m trainer.run JOB_DIR` (or `trainer.sample` for a sample job)."""

    def __init__(self, process: asyncio.subprocess.Process, job_dir: Path) -> None:
        self.process = process
        self.job_dir = job_dir
        self.killed = False

    @classmethod
    async def start(
        cls,
        job_dir: Path,
        *,
        python: str | None,
        gpu: str | None,
        header: str,
        environ: Mapping[str, str] | None = None,
        module: str = "trainer.run",
    ) -> TrainingChild:
        job_dir = Path(job_dir)
        await asyncio.to_thread(kill_orphan, job_dir)
        with contextlib.suppress(FileNotFoundError):
            # A flag left from a stop before a restart must not stop the resumed run at once.
            JobPaths(job_dir).stop_flag.unlink()
        # The child inherits the worker's environment (PATH, HF caches ...); only the GPU is pinned.
        env = dict(os.environ if environ is None else environ)
        env["PYTHONUNBUFFERED"] = "1"
        if gpu is not None:
            env["CUDA_VISIBLE_DEVICES"] = gpu
        with JobPaths(job_dir).train_log.open("ab") as logf:
            logf.write(f"\n===== {header} =====\n".encode())
            logf.flush()
            process = await asyncio.create_subprocess_exec(
                python or sys.executable,
                "-m",
                module,
                str(job_dir),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=logf,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=_DEATH_HOOK,
            )
        JobPaths(job_dir).child_pid.write_text(str(process.pid))
        return cls(process, job_dir)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    async def wait(self, timeout: float) -> int | None:
        """The exit status, or None if the child is still running after `timeout` seconds."""
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            return None

    def request_stop(self) -> None:
        """Ask the training loop to stop after its current step (it saves a checkpoint, exit 3)."""
        JobPaths(self.job_dir).stop_flag.write_text("stop requested by the worker\n")

    def kill(self) -> None:
        """SIGKILL the child's whole process group."""
        self.killed = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def cleanup(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            JobPaths(self.job_dir).child_pid.unlink()
