"""The container health check (`python -m config.settings --check --http`) passes on a live store and
file server, and fails when either is missing or broken."""

from __future__ import annotations

import http.server
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from config._settings_load import health_problems
from config.settings import load_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    con = sqlite3.connect(data / "loracord.db")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    return data


@pytest.fixture
def file_server():
    """A real HTTP server that answers 404 to everything, like a file server asked for '/'."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def settings_for(data: Path, port: int, host: str = "127.0.0.1"):
    return load_settings(
        None,
        environ={
            "LORACORD__STORAGE__DATA_DIR": str(data),
            "LORACORD__FILES__BIND_PORT": str(port),
            "LORACORD__FILES__BIND_HOST": host,
        },
    )


def test_healthy_when_store_opens_and_file_server_answers(data_dir, file_server):
    assert health_problems(settings_for(data_dir, file_server, host="0.0.0.0"), http=True) == []


def test_unhealthy_when_the_file_server_is_down(data_dir):
    port = free_port()
    problems = health_problems(settings_for(data_dir, port), http=True)
    assert len(problems) == 1
    assert f":{port}/ does not answer" in problems[0]
    # Without --http (a worker container) the same state is healthy.
    assert health_problems(settings_for(data_dir, port), http=False) == []


def test_unhealthy_when_the_store_is_missing_or_corrupt(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    assert "does not exist" in health_problems(settings_for(data, free_port()), http=False)[0]
    (data / "loracord.db").write_bytes(b"this is not a database" * 100)
    assert "cannot be read" in health_problems(settings_for(data, free_port()), http=False)[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_unhealthy_when_the_data_folder_is_read_only(data_dir):
    data_dir.chmod(0o555)
    try:
        problems = health_problems(settings_for(data_dir, free_port()), http=False)
    finally:
        data_dir.chmod(0o755)
    assert any("not writable" in p for p in problems)


def test_the_check_as_the_container_runs_it(data_dir, file_server, tmp_path):
    env = {
        **os.environ,
        "LORACORD__STORAGE__DATA_DIR": str(data_dir),
        "LORACORD__FILES__BIND_PORT": str(file_server),
    }
    cmd = [sys.executable, "-m", "config.settings", "--check", "--http"]
    ok = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert (ok.returncode, ok.stdout.strip()) == (0, "ok"), ok.stderr
    env["LORACORD__FILES__BIND_PORT"] = str(free_port())
    bad = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert bad.returncode == 1
    assert "does not answer" in bad.stderr
