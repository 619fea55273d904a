"""The embedded worker: `loracord bot` runs a trainer worker as a child process (worker.embedded).

The child gets the bot's settings as a TOML file (secrets are left out: a worker needs none) and runs
`python -m bot.worker_main FILE`. A child process, not a task in the bot's loop, so that the worker's
database writes, event parsing and child supervision never compete with the 3-second interaction
deadline, and a worker crash never takes the bot down.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

from config.settings import Settings

log = logging.getLogger(__name__)

SETTINGS_FILE = "worker-settings.toml"


class EmbeddedWorker:
    def __init__(self, settings: Settings, data_dir: Path) -> None:
        self.settings = settings
        self.state_dir = Path(data_dir) / "bot"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        config = self.state_dir / SETTINGS_FILE
        config.write_text(self.settings.to_toml(), encoding="utf-8")
        python = self.settings.worker.python_executable or sys.executable
        log_file = (self.state_dir / "worker.log").open("ab")
        try:
            self.process = await asyncio.create_subprocess_exec(
                python, "-m", "bot.worker_main", str(config),
                stdout=log_file, stderr=asyncio.subprocess.STDOUT,
                env=os.environ.copy(),
            )  # fmt: skip
        finally:
            log_file.close()
        log.info("embedded worker started (pid %s)", self.process.pid)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def stop(self) -> None:
        """SIGTERM: the worker stops its job at the next step, checkpoints it and re-queues it."""
        proc = self.process
        if proc is None or proc.returncode is not None:
            return
        proc.send_signal(signal.SIGTERM)
        grace = self.settings.worker.cancel_grace_seconds + 10
        try:
            await asyncio.wait_for(proc.wait(), grace)
        except TimeoutError:
            log.warning("embedded worker did not stop within %ss; killing it", grace)
            proc.kill()
            await proc.wait()
