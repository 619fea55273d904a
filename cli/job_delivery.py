"""What `loracord queue show` says about a finished job's results: where the bot delivered them (or
why it could not) and each result file with a signed download link.

The bot keeps its delivery state in data/bot/progress/<job>.json (bot/tracked.py). When a channel
broke and the owner's DMs were closed, this is where an operator finds the files and hands them over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot import jobtext
from bot.files import LinkSigner
from bot.tracked import load_tracked, progress_folder
from trainer.queue.types import Job, JobKind

_WHERE = {
    "channel": "posted in its channel",
    "dm": "sent to the owner by direct message",
    "status": "not delivered in Discord (channel and DM unusable): use the links below",
}


def result_paths(job: Job) -> list[Path]:
    """Every result file of a finished job that still exists: the LoRA (or a sample job's files),
    the last sample grid and the loss curve."""
    if job.kind is JobKind.SAMPLE:
        grids, loras = jobtext.sample_results(job)
        return [*loras, *grids]
    output = jobtext.output_file(job)
    return ([output] if output else []) + jobtext.result_files(job)


def delivery_fields(job: Job, settings: Any) -> dict[str, Any]:
    """`delivery`, `channel_error`, `dm_error` and `files` (name, size, link) for `queue show`."""
    fields: dict[str, Any] = {}
    tracked = load_tracked(progress_folder(Path(settings.storage.data_dir)) / f"{job.id}.json")
    if tracked is not None:
        if tracked.delivered:
            fields["delivery"] = _WHERE.get(tracked.delivered_to, tracked.delivered_to or "delivered")
        elif job.finished:
            fields["delivery"] = "the bot has not delivered it yet"
        fields["channel_error"] = tracked.channel_error or None
        fields["dm_error"] = tracked.dm_error or None
    if not job.finished:
        return fields
    signer = _signer(settings)
    files = []
    for path in result_paths(job):
        entry: dict[str, Any] = {"name": path.name, "size": path.stat().st_size, "path": str(path)}
        if signer is not None:
            entry["link"] = signer.url(job.id, path.name)
        files.append(entry)
    fields["files"] = files
    if files and signer is None:
        fields["links"] = "none: files.signing_key is not set, so the bot's links change at each start"
    return fields


def _signer(settings: Any) -> LinkSigner | None:
    files = settings.files
    if not files.signing_key:
        return None
    return LinkSigner(files.signing_key, files.base_url, files.link_ttl_seconds)


def print_files(files: list[dict[str, Any]]) -> None:
    for entry in files:
        size = f"{entry['size'] / 1_048_576:.2f} MiB"
        print(f"{'file':>14}: {entry['name']} ({size})  {entry.get('link') or entry['path']}")
