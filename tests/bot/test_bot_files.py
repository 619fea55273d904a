"""Signed links on their own: what is signed, expiry, and the file server's refusals."""

from __future__ import annotations

import aiohttp
import pytest

from bot.files import FileServer, LinkSigner
from config.secrets import Secret

KEY = Secret("x" * 40)


def test_link_is_bound_to_job_file_and_expiry() -> None:
    signer = LinkSigner(KEY, "https://lora.example.org/", 3600)
    url = signer.url("job-1", "out.safetensors", now=1000.0)
    assert url.startswith("https://lora.example.org/job-1/out.safetensors?exp=4600&sig=")
    sig = url.rsplit("sig=", 1)[1]
    assert signer.valid("job-1", "out.safetensors", "4600", sig, now=4600.0)
    assert not signer.valid("job-1", "out.safetensors", "4600", sig, now=4601.0)
    assert not signer.valid("job-2", "out.safetensors", "4600", sig, now=1000.0)
    assert not signer.valid("job-1", "out.safetensors", "4601", sig, now=1000.0)
    other = LinkSigner(Secret("y" * 40), "https://lora.example.org", 3600)
    assert not other.valid("job-1", "out.safetensors", "4600", sig, now=1000.0)
    with pytest.raises(ValueError):
        signer.url("../etc", "passwd")
    with pytest.raises(ValueError):
        LinkSigner(Secret(), "http://x", 60)


async def test_server_serves_only_signed_output_files(tmp_path) -> None:
    jobs = tmp_path / "jobs"
    (jobs / "j1" / "output").mkdir(parents=True)
    (jobs / "j1" / "output" / "a.safetensors").write_bytes(b"weights")
    (jobs / "j1" / "config.toml").write_text("secret = 1")
    server = FileServer(LinkSigner(KEY, "http://127.0.0.1:0", 60), jobs, "127.0.0.1", 0)
    await server.start()
    try:
        server.signer.base_url = f"http://127.0.0.1:{server.bound_port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(server.signer.url("j1", "a.safetensors")) as resp:
                assert resp.status == 200 and await resp.read() == b"weights"
            async with session.get(server.signer.url("j1", "config.toml")) as resp:
                assert resp.status == 404  # signed, but not an output file
            async with session.get(server.signer.url("j1", "gone.safetensors")) as resp:
                assert resp.status == 404
    finally:
        await server.stop()


async def test_port_in_use_is_named(tmp_path) -> None:
    first = FileServer(LinkSigner(KEY, "http://x", 60), tmp_path, "127.0.0.1", 0)
    await first.start()
    try:
        second = FileServer(LinkSigner(KEY, "http://x", 60), tmp_path, "127.0.0.1", first.bound_port)
        with pytest.raises(OSError, match=r"files\.bind_port"):
            await second.start()
    finally:
        await first.stop()
