"""What the progress tracker keeps about one job it follows (a small JSON file per job)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot import limits

log = logging.getLogger(__name__)


@dataclass
class Tracked:
    job_id: str
    channel_id: int
    message_id: int
    owner_id: int
    locale: str
    attachment_limit: int = limits.DEFAULT_ATTACHMENT_SIZE_LIMIT
    last_seq: int = 0
    last_text: str = ""
    delivered: bool = False
    dm_sent: bool = False
    samples_posted: list[int] = field(default_factory=list)
    last_edit: float = 0.0
    #: Why the job's channel updates stopped (a permanent error, or retries used up); "" while usable.
    channel_error: str = ""
    #: Why files cannot be attached in the job's channel (Attach Files revoked, 403 50013 on a post with
    #: files, while text still goes there): its grids and result then go there as signed links.
    files_refused: str = ""
    #: Why the owner's direct message failed; the results are then in /train status only.
    dm_error: str = ""
    failures: int = 0  # transient failures in a row
    retry_at: float = 0.0  # wall time before which the job is not tried again
    parts_sent: int = 0  # result messages already out (a result may take several)
    delivered_to: str = ""  # "channel", "dm" or "status"
    hide_name: bool = False  # a private dataset's job: its name stays out of the public messages


def progress_folder(data_dir: Path) -> Path:
    """Where the bot keeps one `Tracked` JSON file per followed job."""
    return Path(data_dir) / "bot" / "progress"


def load_tracked(path: Path) -> Tracked | None:
    """The saved state of one job (None when the bot never followed it, or the file is unreadable)."""
    if not path.is_file():
        return None
    known = set(Tracked.__dataclass_fields__)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Tracked(**{k: v for k, v in data.items() if k in known})
    except (ValueError, TypeError):
        log.warning("ignoring unreadable progress state %s", path)
        return None
