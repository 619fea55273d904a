"""Result messages that always fit: files split across messages within Discord's limits, the rest as
signed links.

Discord refuses a message with more than 10 files, a file over the destination's per-file limit
(10 MiB unboosted; the interaction's `attachment_size_limit` says more on boosted guilds) and a request
whose files total more than 25 MiB (413, code 40005). `plan` puts every file either into a message
that fits all three or into the list of signed links; `send` posts the messages in order, each with
its own nonce so that a resend never doubles one, and if Discord still answers 413 it sends that part
again as links — never the same request twice. A part with files that Discord refuses with 403 50013
(the channel lost Attach Files, text still allowed) goes again as links too, once, and the caller
hears of it (`files_refused`) so that later posts to that channel carry links from the start.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import discord

from bot import limits

#: Discord's JSON code for a permission the request needs and the bot lacks (here: Attach Files).
MISSING_PERMISSIONS = 50013


def files_denied(exc: discord.HTTPException) -> str | None:
    """Why Discord refused a post that carried files for a missing permission (the channel lost Attach
    Files; its text may still go through), as the tracking state keeps it; None for any other error."""
    if exc.status == 403 and exc.code == MISSING_PERMISSIONS:
        return f"{exc.status} {exc.code} {exc.text or ''}".strip()[:200]
    return None


def post_nonce(job_id: str, what: str) -> str:
    """The nonce of one of a job's posts (Discord's `enforce_nonce`): the same post sent again within
    minutes — e.g. by a restarted bot whose first try lost its answer — returns the first message
    instead of making a second one. At most 25 characters, as Discord requires."""
    return hashlib.blake2b(f"{job_id}:{what}".encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Plan:
    """Attachments per message (in order) and the files that go as links."""

    batches: list[list[Path]]
    linked: list[Path]


def plan(
    paths: Sequence[Path],
    *,
    file_limit: int,
    request_limit: int = limits.REQUEST_SIZE_LIMIT,
    files_max: int = limits.FILES_PER_MESSAGE_MAX,
) -> Plan:
    """Greedy, in the given order: a file over the per-file or per-request limit is linked; the others
    fill messages up to `files_max` files and `request_limit` bytes each."""
    batches: list[list[Path]] = []
    linked: list[Path] = []
    current: list[Path] = []
    total = 0
    for path in paths:
        size = path.stat().st_size
        if size > file_limit or size > request_limit:
            linked.append(path)
            continue
        if current and (len(current) >= files_max or total + size > request_limit):
            batches.append(current)
            current, total = [], 0
        current.append(path)
        total += size
    if current:
        batches.append(current)
    return Plan(batches, linked)


@dataclass
class Post:
    """One result: the first message's text, embed and buttons, the files, and how to word a link."""

    text: str
    files: list[Path]
    link: Callable[[Path], str]
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    reference: discord.PartialMessage | None = None
    continued: str = "…"
    extra_lines: list[str] = field(default_factory=list)
    #: How to word a link to a file the channel refused (None: as `link`).
    refused_link: Callable[[Path], str] | None = None


async def send(
    dest: discord.abc.Messageable,
    post: Post,
    *,
    file_limit: int,
    nonce: Callable[[int], str],
    first_part: int = 0,
    sent: Callable[[int], Awaitable[None]] | None = None,
    links_only: bool = False,
    files_refused: Callable[[str], Awaitable[None]] | None = None,
) -> None:
    """Post `post` to `dest` as one or more messages; `sent(i)` is awaited after part i went out, and
    `first_part` skips the parts an earlier try already sent. `links_only`: no attachments (the channel
    refuses files); `files_refused(reason)` is awaited when Discord refused a part's files."""
    if not (post.text or post.files or post.embed or post.extra_lines):
        # Nothing to say (a cancelled job: its edited progress message says it all). Discord refuses an
        # empty message with 50006, which would wrongly mark the channel unusable.
        if sent is not None:
            await sent(0)
        return
    layout = plan(post.files, file_limit=file_limit)
    parts = max(1, len(layout.batches))
    no_files = links_only  # once refused, every later part's files go as links without asking again
    for index in range(first_part, parts):
        batch = layout.batches[index] if index < len(layout.batches) else []
        links = layout.linked if index == 0 else []
        refused: list[Path] = []
        if no_files:
            batch, refused = [], batch
        try:
            await _send_part(
                dest, post, index, batch, links, nonce(index) + ("L" if no_files else ""), refused
            )
        except discord.HTTPException as exc:
            reason = files_denied(exc) if batch else None
            if exc.status != 413 and reason is None:
                raise
            if reason is None:  # too big after all (a smaller limit than we were told): as links
                await _send_part(dest, post, index, [], [*batch, *links], nonce(index) + "L")
            else:  # no files allowed in this channel: the same files as links, worded so
                no_files = True
                if files_refused is not None:
                    await files_refused(reason)
                await _send_part(dest, post, index, [], links, nonce(index) + "L", batch)
        if sent is not None:
            await sent(index)


async def _send_part(
    dest: discord.abc.Messageable,
    post: Post,
    index: int,
    batch: list[Path],
    links: list[Path],
    nonce: str,
    refused: list[Path] | None = None,
) -> None:
    lines = [post.text if index == 0 else post.continued, *(post.extra_lines if index == 0 else [])]
    lines += [f"• {post.link(p)}" for p in links]
    lines += [f"• {(post.refused_link or post.link)(p)}" for p in refused or []]
    text = limits.clip("\n".join(line for line in lines if line), limits.CONTENT_MAX)
    kwargs: dict[str, object] = {"files": [discord.File(p) for p in batch], "nonce": nonce}
    if index == 0:
        if post.embed is not None:
            kwargs["embed"] = post.embed
        if post.view is not None:
            kwargs["view"] = post.view
        if post.reference is not None:
            kwargs["reference"] = post.reference
            kwargs["mention_author"] = False
    await dest.send(text, **kwargs)  # type: ignore[arg-type]
