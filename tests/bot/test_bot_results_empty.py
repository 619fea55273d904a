"""A result with nothing in it (a cancelled job) is not posted: Discord refuses an empty message (50006)
and the bot would then wrongly give up on the channel and send the owner a DM about it."""

import asyncio

from bot.results import Post, send


class Dest:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, text: str, **kwargs: object) -> None:
        self.sent.append(text)


def test_an_empty_result_posts_nothing_and_counts_as_delivered():
    dest, parts = Dest(), []

    async def sent(index: int) -> None:
        parts.append(index)

    post = Post("", [], link=str)
    asyncio.run(send(dest, post, file_limit=10, nonce=str, sent=sent))
    assert dest.sent == [] and parts == [0]
    asyncio.run(send(dest, Post("done", [], link=str), file_limit=10, nonce=str))
    assert dest.sent == ["done"]
