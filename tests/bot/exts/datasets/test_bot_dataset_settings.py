"""A dataset's private flag and thread live in the store's record: a second bot (another host, or the
same one restarted) routes thread uploads and keeps privacy without any side file; an old bot.json is
imported once."""

from __future__ import annotations

import json

from config.settings import DiscordSettings
from standin.driver import StandIn
from tests.bot.botkit import DATASET_ID, command
from tests.bot.conftest import png_bytes


async def test_a_second_bot_knows_the_thread_and_the_privacy(standin: StandIn, make_bot, settings_factory):
    settings = settings_factory(discord=DiscordSettings(message_content_intent=True))
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        _, msg = await command(standin, alice, "dataset", "create", {"name": "shared", "private": False})
        dataset = DATASET_ID.search(msg.content).group(1)
        _, msg = await command(standin, alice, "dataset", "create", {"name": "secret"})
        secret = DATASET_ID.search(msg.content).group(1)
        folder = (await bot.services.datasets.find(dataset)).folder
    thread = next(iter(standin.threads.values()))
    assert not (folder / "bot.json").exists()
    async with make_bot(settings) as second:
        record = await second.services.store.get_dataset(dataset)
        assert (record.private, record.thread_id) == (False, thread.id)
        assert (await second.services.datasets.find(secret)).private is True
        await standin.post_message(alice, thread, "more", files=[("x.png", png_bytes(8))])
        reply = await standin.wait_for_message(channel=thread, timeout=20)
        assert "Added 1 image(s)" in reply.content


async def test_an_old_bot_json_thread_is_imported_once(standin: StandIn, make_bot, settings):
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        _, msg = await command(standin, alice, "dataset", "create", {"name": "old"})
        dataset = DATASET_ID.search(msg.content).group(1)
        folder = (await bot.services.datasets.find(dataset)).folder
    (folder / "bot.json").write_text(json.dumps({"private": True, "thread_id": 4242}))
    async with make_bot(settings) as bot:
        assert (await bot.services.store.get_dataset(dataset)).thread_id == 4242
        assert await bot.services.datasets.dataset_for_thread(4242) == dataset
    assert not (folder / "bot.json").exists() and (folder / "bot.json.imported").is_file()
