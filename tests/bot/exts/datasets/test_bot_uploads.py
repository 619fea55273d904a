"""Uploads: bad files get a clear reply while the good ones of the same command are kept; oversized files
are refused before they are downloaded; zips with captions; images posted in the dataset's thread."""

from __future__ import annotations

import io
import zipfile

from config.settings import DiscordSettings
from standin.driver import StandIn
from tests.bot.botkit import DATASET_ID, command, make_dataset
from tests.bot.conftest import png_bytes


async def test_bad_files_refused_good_ones_kept(standin: StandIn, make_bot, settings) -> None:
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        dataset = await make_dataset(standin, alice, "mixed", images=0)
        huge = b"\x89PNG" + b"\0" * (settings.limits.max_upload_bytes + 1)
        files = [
            ("good1.png", png_bytes(1)),
            ("broken.png", png_bytes(2)[:200]),
            ("notes.txt", b"not an image"),
            ("huge.png", huge),
            ("good2.png", png_bytes(3)),
            ("good1-again.png", png_bytes(1)),
        ]
        _, msg = await command(standin, alice, "dataset", "add", {"dataset": dataset}, attachments=files)
        text = msg.content
        assert "Added 2 image(s)" in text and "now 2" in text
        assert "1 duplicate(s)" in text
        assert "broken.png: the image is damaged" in text
        assert "notes.txt: this format is not supported" in text
        assert "huge.png: too large (the limit is 2 MiB per file)" in text
        # The oversized file was refused from its metadata: the bot never downloaded it.
        downloads = [r.path for r in standin.requests if "/cdn/" in r.path]
        assert not any(p.endswith("huge.png") for p in downloads)
        assert any(p.endswith("good1.png") for p in downloads)
        assert len(await bot.services.store.list_dataset_images(dataset)) == 2

        _, msg = await command(
            standin, alice, "dataset", "add", {"dataset": dataset}, attachments=[("only.txt", b"x")]
        )
        assert msg.content.startswith("Nothing was added") and "only.txt" in msg.content and msg.ephemeral


async def test_zip_with_captions(standin: StandIn, make_bot, settings) -> None:
    alice = standin.add_user("alice")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.png", png_bytes(5))
        zf.writestr("a.txt", "sks, red ball")
        zf.writestr("b.png", png_bytes(6))
        zf.writestr("../evil.png", png_bytes(7))
    async with make_bot(settings) as bot:
        dataset = await make_dataset(standin, alice, "zipped", images=0)
        _, msg = await command(
            standin, alice, "dataset", "add", {"dataset": dataset}, attachments=[("set.zip", buf.getvalue())]
        )
        assert "Added 2 image(s)" in msg.content and "evil.png" in msg.content
        info = await bot.services.datasets.find(dataset)
        captions = [p.read_text().strip() for p in info.prepared.glob("a_*.txt")]
        assert captions == ["sks, red ball"]


async def test_images_posted_in_the_dataset_thread(standin: StandIn, make_bot, settings_factory) -> None:
    settings = settings_factory(discord=DiscordSettings(message_content_intent=True))
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    async with make_bot(settings) as bot:
        # A private dataset gets no thread: a public thread named after it would show it exists.
        await command(standin, alice, "dataset", "create", {"name": "secret"})
        assert standin.threads == {}
        _, msg = await command(standin, alice, "dataset", "create", {"name": "threaded", "private": False})
        dataset = DATASET_ID.search(msg.content).group(1)
        thread = next(iter(standin.threads.values()))
        assert thread.name == "dataset threaded" and f"<#{thread.id}>" in msg.content
        await standin.post_message(
            alice, thread, "two more", files=[("x.png", png_bytes(8)), ("y.png", png_bytes(9))]
        )
        reply = await standin.wait_for_message(channel=thread, timeout=20)
        assert "Added 2 image(s)" in reply.content
        await standin.post_message(bob, thread, "mine too", files=[("z.png", png_bytes(10))])
        reply = await standin.wait_for_message(channel=thread, timeout=20)
        assert "belongs to someone else" in reply.content
        assert len(await bot.services.store.list_dataset_images(dataset)) == 2


async def test_images_beyond_the_dataset_limit_are_not_downloaded(
    standin: StandIn, make_bot, settings_factory
) -> None:
    from config.settings import LimitsSettings

    settings = settings_factory(limits=LimitsSettings(max_images_per_dataset=2, max_upload_bytes=2**20))
    alice = standin.add_user("alice")
    async with make_bot(settings):
        dataset = await make_dataset(standin, alice, "small", images=0)
        files = [(f"p{i}.png", png_bytes(20 + i)) for i in range(3)]
        _, msg = await command(standin, alice, "dataset", "add", {"dataset": dataset}, attachments=files)
        assert "Added 2 image(s)" in msg.content and "p2.png: the dataset is full" in msg.content
        assert not any(r.path.endswith("p2.png") for r in standin.requests if "/cdn/" in r.path)
