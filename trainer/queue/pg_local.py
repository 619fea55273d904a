"""A throwaway PostgreSQL server started from the binaries installed on this machine.

Used by the tests and the scale benchmark (never by the bot): `initdb` + `pg_ctl` into a temporary
folder, reached over a Unix socket in that folder, no TCP port open. PostgreSQL refuses to run as
root, so when this process is root the server runs as the `postgres` user (Debian's package creates
it). On a machine without PostgreSQL, `make install` installs Debian's `postgresql` package.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "loracord"
#: Members of this role must log in with a password (scram-sha-256); every other role is trusted on
#: the socket. The tests use it to meet a real password check (`pg_password_url`).
PASSWORD_GROUP = "password_login"


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin holding initdb, or the folder of an initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(path: str) -> float:
    try:
        return float(Path(path).parent.parent.name)
    except ValueError:
        return 0.0


@dataclass
class LocalPostgres:
    """One running cluster; `url(dbname)` is a `postgresql://` URL for the socket in `folder`."""

    folder: Path
    port: int
    bin_dir: Path
    run_as: str | None

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.folder}&port={self.port}"

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        data = self.folder / "pg"
        self._run(str(self.bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", SUPERUSER)
        hba = data / "pg_hba.conf"  # written before the server starts: no reload to wait for
        hba.write_text(f"local all +{PASSWORD_GROUP} scram-sha-256\n" + hba.read_text())
        # Many workers each hold a few pooled connections: allow plenty; fsync off for a scratch server.
        opts = f"-p {self.port} -k {self.folder} -c listen_addresses='' -c max_connections=400 -c fsync=off"
        log_file = str(self.folder / "log")
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", log_file, "-w", "start")

    def _run(self, *args: str) -> None:
        done = subprocess.run(self._cmd(*args), capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()}")

    def stop(self) -> None:
        subprocess.run(
            self._cmd(str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "pg"), "-m", "immediate", "stop"),
            check=False,
            capture_output=True,
        )


def start_local_postgres(folder: Path, port: int = 54329) -> LocalPostgres:
    """Start a scratch cluster in `folder` (which should be new); raises RuntimeError when PostgreSQL
    is not installed here."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH); "
            "`make install` installs Debian's postgresql package, or: apt-get install -y postgresql"
        )
    run_as = "postgres" if os.geteuid() == 0 else None
    server = LocalPostgres(Path(folder), port, bin_dir, run_as)
    server.start()
    return server


async def create_database(server_url: str, name: str, template: str | None = None) -> None:
    """CREATE DATABASE `name` (optionally as a copy of `template`) on the server `server_url` names."""
    import asyncpg

    con = await asyncpg.connect(server_url)
    try:
        suffix = f" TEMPLATE {template}" if template else ""
        await con.execute(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await con.close()
