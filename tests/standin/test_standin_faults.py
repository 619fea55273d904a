"""Rate limits and injected faults: the client waits out a 429 and retries a 500, as with Discord."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from standin import limits


async def test_injected_429_is_waited_out_and_the_send_succeeds(standin, start_bot, bot):
    async with start_bot(bot):
        channel = bot.get_channel(standin.channels["general"].id)
        fault = standin.faults.rate_limit("POST /channels/*/messages", retry_after=0.6)
        started = time.monotonic()
        sent = await channel.send("after the limit")
        waited = time.monotonic() - started
        assert fault.hits and waited >= 0.6
        log = [r for r in standin.requests if r.path.endswith("/messages") and r.method == "POST"]
        assert [r.status for r in log] == [429, 200]
        assert log[1].at - log[0].at >= 0.6
        assert standin.message(sent.id).content == "after the limit"


async def test_global_429_on_a_followup_is_waited_out(standin, start_bot, bot):
    async with start_bot(bot):
        await bot.tree.sync()
        bot.gate.set()
        standin.faults.rate_limit("POST /webhooks/*", retry_after=0.3, is_global=True)
        alice = standin.add_user("alice")
        await standin.send_slash_command(alice, "slow")
        msg = await standin.wait_for_message(predicate=lambda m: m.content == "done")
        statuses = [r.status for r in standin.requests if r.path.startswith("/webhooks/")]
        assert statuses == [429, 200] and msg.attachments


async def test_server_error_is_retried(standin, start_bot, bot):
    async with start_bot(bot):
        channel = bot.get_channel(standin.channels["general"].id)
        standin.faults.server_error("POST /channels/*/messages", status=500)
        sent = await channel.send("retried")
        statuses = [r.status for r in standin.requests if r.path.endswith("/messages")]
        assert statuses == [500, 200] and standin.message(sent.id).content == "retried"


async def test_channel_bucket_answers_429_with_discords_headers(standin):
    url = f"{standin.api_base}/channels/{standin.channels['general'].id}/messages"
    headers = {"Authorization": f"Bot {standin.token}"}
    async with aiohttp.ClientSession() as http:
        seen = []
        for i in range(limits.CHANNEL_MESSAGES_LIMIT + 1):
            async with http.post(url, json={"content": f"m{i}"}, headers=headers) as r:
                seen.append((r.status, dict(r.headers), await r.json()))
    assert [s for s, _, _ in seen] == [200] * limits.CHANNEL_MESSAGES_LIMIT + [429]
    first, last = seen[0][1], seen[-1]
    assert first["Content-Type"] == "application/json"  # exactly: discord.py compares the whole header
    assert first["X-RateLimit-Limit"] == str(limits.CHANNEL_MESSAGES_LIMIT)
    assert first["X-RateLimit-Remaining"] == str(limits.CHANNEL_MESSAGES_LIMIT - 1)
    assert {"X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} <= set(first)
    assert last[1]["Via"] and int(last[1]["Retry-After"]) >= 1 and last[1]["X-RateLimit-Scope"] == "user"
    assert last[2]["global"] is False and 0 < last[2]["retry_after"] <= limits.CHANNEL_MESSAGES_WINDOW_S
    assert last[1]["Content-Type"] == "application/json"


async def test_unauthorized_and_unknown_routes_answer_like_discord(standin):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{standin.api_base}/users/@me") as r:
            assert r.status == 401 and (await r.json())["code"] == 40001
        async with http.get(
            f"{standin.api_base}/nowhere", headers={"Authorization": f"Bot {standin.token}"}
        ) as r:
            assert r.status == 404 and r.headers["Content-Type"] == "application/json"


async def test_malformed_bodies_get_discords_errors_not_crashes(standin):
    headers = {"Authorization": f"Bot {standin.token}"}
    cases = [
        (b"{not json", 50109),
        (b'["a list"]', 50035),
        (b'{"content": 5}', 50035),
        (b'{"content": "x", "embeds": "nope"}', 50035),
        (b'{"content": "x", "flags": "loud"}', 50035),
        (b'{"content": "x", "message_reference": {"message_id": "abc"}}', 50035),
        (b"{}", 50006),
    ]
    async with aiohttp.ClientSession() as http:
        for i, (body, code) in enumerate(cases):
            # A fresh channel per case: refused requests count against the 5-per-5-s bucket too.
            url = f"{standin.api_base}/channels/{standin.add_channel(f'c{i}').id}/messages"
            async with http.post(
                url, data=body, headers={**headers, "Content-Type": "application/json"}
            ) as r:
                assert r.status == 400, body
                assert (await r.json())["code"] == code, body
    assert standin.world.internal_errors == []


async def test_a_client_that_hangs_up_mid_upload_is_no_error_and_creates_nothing(standin):
    """Discord never sees a request its client abandoned: no message, no error (issue 14)."""
    channel_id = standin.channels["general"].id
    host, port = standin.api_base.split("//")[1].split("/")[0].split(":")
    body = b'--b\r\nContent-Disposition: form-data; name="payload_json"\r\n\r\n{"content": "half"}\r\n'
    head = (
        f"POST /api/v10/channels/{channel_id}/messages HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bot {standin.token}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {len(body) + 100_000}\r\n\r\n"
    )
    _reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(head.encode() + body)
    await writer.drain()
    writer.close()  # the rest of the upload never comes
    await writer.wait_closed()
    for _ in range(500):
        if standin.world.dropped_requests:
            break
        await asyncio.sleep(0.01)
    assert standin.world.dropped_requests == [f"POST /channels/{channel_id}/messages"]
    assert standin.world.internal_errors == []
    assert standin.messages() == []
    assert not [r for r in standin.requests if r.method == "POST"]
