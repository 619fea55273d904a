"""The bot's own file server: signed, expiring download links for files too big for a Discord message.

A link is `BASE/{job_id}/{filename}?exp=UNIX&sig=HEX` where `sig` is HMAC-SHA256 over
`"{job_id}/{filename}\\n{exp}"` with `files.signing_key`. A wrong or missing signature, a changed job id,
file name or expiry, or a link past its expiry is answered 403 without touching the disk. Only files in
the job's `output/` and `samples/` folders are served, streamed from disk. The key is never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from config.secrets import Secret
from trainer.job_paths import JobPaths

log = logging.getLogger(__name__)

_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")


class LinkSigner:
    """Makes and checks signed links. `key` is the Secret from settings.files.signing_key."""

    def __init__(self, key: Secret, base_url: str, ttl_seconds: int) -> None:
        if not key:
            raise ValueError("files.signing_key is not set; the bot makes a random one when it is empty")
        self._key = key.reveal().encode()
        self.base_url = base_url.rstrip("/")
        self.ttl_seconds = ttl_seconds

    def _sig(self, job_id: str, filename: str, exp: int) -> str:
        return hmac.new(self._key, f"{job_id}/{filename}\n{exp}".encode(), hashlib.sha256).hexdigest()

    def url(self, job_id: str, filename: str, *, now: float | None = None) -> str:
        """A link to JOB_DIR/{output,samples}/filename, valid for ttl_seconds from now."""
        if not _JOB_ID.match(job_id) or not _FILENAME.match(filename):
            raise ValueError(f"cannot link {job_id}/{filename}: unsafe job id or file name")
        exp = int((time.time() if now is None else now) + self.ttl_seconds)
        sig = self._sig(job_id, filename, exp)
        return f"{self.base_url}/{quote(job_id)}/{quote(filename)}?exp={exp}&sig={sig}"

    def valid(self, job_id: str, filename: str, exp: str, sig: str, *, now: float | None = None) -> bool:
        """True only for an untampered link that has not expired."""
        if not exp.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", sig):
            return False
        if int(exp) < (time.time() if now is None else now):
            return False
        return hmac.compare_digest(self._sig(job_id, filename, int(exp)), sig)


def ephemeral_key() -> Secret:
    """A random key for installations that did not configure one (links then die with the process)."""
    return Secret(secrets.token_urlsafe(32))


class FileServer:
    """aiohttp server for signed links; runs in the bot's event loop (file reads are streamed)."""

    def __init__(self, signer: LinkSigner, jobs_dir: Path, host: str, port: int) -> None:
        self.signer = signer
        self.jobs_dir = Path(jobs_dir).resolve()
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{job_id}/{filename}", self._download)
        app.router.add_get("/healthz", self._health)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise OSError(
                exc.errno,
                f"the file server cannot listen on {self.host}:{self.port} ({exc.strerror}); "
                "set files.bind_host / files.bind_port to a free address",
            ) from None
        sockets = getattr(site._server, "sockets", None) or []  # port 0: learn the one the OS chose
        self.bound_port = sockets[0].getsockname()[1] if sockets else self.port
        log.info("file server listening on %s:%s", self.host, self.bound_port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _health(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    def _locate(self, job_id: str, filename: str) -> Path | None:
        if not _JOB_ID.match(job_id) or not _FILENAME.match(filename):
            return None
        for folder in JobPaths(self.jobs_dir / job_id).served:
            path = (folder / filename).resolve()
            if path.parent == folder.resolve() and path.is_file():
                return path
        return None

    async def _download(self, request: web.Request) -> web.StreamResponse:
        job_id = request.match_info["job_id"]
        filename = request.match_info["filename"]
        exp = request.query.get("exp", "")
        sig = request.query.get("sig", "")
        if not self.signer.valid(job_id, filename, exp, sig):
            # Logged without the query string: the signature is a bearer credential.
            log.info("refused download of %s/%s: bad or expired signature", job_id, filename)
            return web.Response(
                status=403, text="This link is invalid or has expired; ask the bot for a new one.\n"
            )
        path = self._locate(job_id, filename)
        if path is None:
            return web.Response(status=404, text="That file no longer exists (kept files expire).\n")
        return web.FileResponse(path, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
