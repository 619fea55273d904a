"""A throwaway S3 API server on loopback (moto's standalone server), for the tests and the bench.

`moto_server` comes with the dev extra `moto[server]`. It keeps objects in memory and does not check
signatures; tests of expiry and tampering of presigned links check the URL itself instead.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

#: Fake credentials moto accepts (any pair works).
ACCESS_KEY = "loracord-test"
SECRET_KEY = "loracord-test-secret"


@dataclass
class LocalS3:
    process: subprocess.Popen
    endpoint_url: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_local_s3(log_file: Path, start_timeout_s: float = 60.0) -> LocalS3:
    """Start `moto_server` on a free loopback port and wait until it answers."""
    exe = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not Path(exe).exists():
        raise RuntimeError('moto_server is not installed: pip install "moto[server]" (the dev extra has it)')
    port = free_port()
    with open(log_file, "ab") as log:
        process = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_timeout_s
    while True:  # waiting for a condition (the server answers), not for a fixed time
        try:
            urllib.request.urlopen(endpoint + "/", timeout=2).close()
            break
        except urllib.error.HTTPError:
            break  # any HTTP answer means it is up
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"moto_server did not start; see {log_file}") from None
            time.sleep(0.1)
    return LocalS3(process, endpoint)
