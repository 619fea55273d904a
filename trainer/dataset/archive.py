"""Reading a .zip of images (with optional same-named .txt captions) without trusting it.

Nothing is extracted to disk: members are read into memory one at a time, through a reader that
stops after the member's declared size, and handed to the intake, which stores them under
content-addressed names. So a member called `../../etc/passwd` or `/abs/path` can never be written
anywhere; it is refused with a reason anyway so that the user learns why a file is missing.

Guards (limits from `IntakeLimits`):
- the zip itself: byte size, readable central directory, number of entries, sum of the declared
  uncompressed sizes of the members that would be read (refusing the whole zip: a zip bomb is
  usually one of these; a member refused on its own does not count, so one oversized photo does
  not cost the good ones);
- each member: absolute or `..` paths, symlinks, encryption, nested zips, its own uncompressed size,
  and its compression ratio (a member that expands more than `max_zip_ratio` times is a bomb).
  A refused member is reported; the other members are kept.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from trainer.dataset.decode import IMAGE_EXTENSIONS, Reason, Rejected
from trainer.dataset.limits import IntakeLimits, mib_pair

CAPTION_EXTENSION = ".txt"
MAX_CAPTION_BYTES = 64 * 1024
#: Folders and files that archivers add on their own; skipped without a warning.
_JUNK_PARTS = ("__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class ZipMember:
    """One image member read from a zip: its path inside the zip, its bytes, its sidecar caption."""

    name: str
    data: bytes
    caption: str | None = None


@dataclass
class ZipScan:
    """What the first pass over a zip found: captions keyed by member path without extension."""

    captions: dict[str, str] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)


def _unsafe_reason(info: zipfile.ZipInfo) -> str | None:
    raw = info.filename
    path = raw.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return "it has an absolute path"
    if ".." in PurePosixPath(path).parts:
        return "its path climbs out of the archive ('..')"
    if "\x00" in raw:
        return "its name contains a NUL byte"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # Unix mode bits live in the high 16 bits of external_attr when the zip was made on Unix.
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _is_junk(path: str) -> bool:
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return any(p in _JUNK_PARTS or p.startswith("._") for p in parts)


def _stem_key(path: str) -> str:
    p = PurePosixPath(path.replace("\\", "/"))
    return str(p.with_suffix("")).lower()


def open_zip(name: str, data: bytes, limits: IntakeLimits) -> zipfile.ZipFile | Rejected:
    """The zip, or a refusal of the whole archive (size, bad central directory, entries, expanded size)."""
    if len(data) > limits.max_upload_bytes:
        size, limit = mib_pair(len(data), limits.max_upload_bytes)
        return Rejected(
            name,
            Reason.TOO_LARGE,
            f"{name}: {size} MiB is over the {limit} MiB upload limit; split the images over several zips.",
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        return Rejected(
            name, Reason.BAD_ZIP, f"{name}: not a readable zip archive ({exc}); zip the images again."
        )
    if len(infos) > limits.max_zip_entries:
        zf.close()
        return Rejected(
            name,
            Reason.TOO_MANY_ENTRIES,
            f"{name}: {len(infos)} entries, more than the {limits.max_zip_entries} allowed; "
            "send fewer files per zip.",
        )
    # Members that are refused on their own (too large, a bomb by ratio, unsafe ...) are skipped with
    # their reason later, like loose files; only what would really be read counts against the total.
    expanded = sum(i.file_size for i in infos if not i.is_dir() and _member_problem(name, i, limits) is None)
    if expanded > limits.max_zip_expanded_bytes:
        zf.close()
        size, limit = mib_pair(expanded, limits.max_zip_expanded_bytes)
        return Rejected(
            name,
            Reason.ZIP_TOO_LARGE,
            f"{name}: its files would expand to {size} MiB, over the {limit} MiB limit (zip-bomb guard); "
            "send fewer or smaller images per zip.",
        )
    return zf


def _member_problem(zip_name: str, info: zipfile.ZipInfo, limits: IntakeLimits) -> Rejected | None:
    label = f"{zip_name}:{info.filename}"
    unsafe = _unsafe_reason(info)
    if unsafe:
        return Rejected(
            label, Reason.UNSAFE_PATH, f"{label}: refused because {unsafe}; nothing was written for it."
        )
    if _is_symlink(info):
        return Rejected(
            label, Reason.SYMLINK, f"{label}: is a symbolic link, not a file; zip the image itself."
        )
    if info.flag_bits & 0x1:
        return Rejected(label, Reason.ENCRYPTED, f"{label}: is encrypted; zip it without a password.")
    if info.file_size > limits.max_upload_bytes:
        size, limit = mib_pair(info.file_size, limits.max_upload_bytes)
        return Rejected(
            label,
            Reason.TOO_LARGE,
            f"{label}: {size} MiB uncompressed is over the {limit} MiB limit per file; "
            "it was skipped, the other files were kept. Resize it or save it as JPEG.",
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1024 * 1024 and ratio > limits.max_zip_ratio:
        return Rejected(
            label,
            Reason.ZIP_BOMB,
            f"{label}: expands {ratio:.0f} times (over {limits.max_zip_ratio:.0f}); real images do not "
            "compress like that, so it is refused as a zip bomb.",
        )
    return None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    # Bounded read: never trust the declared size alone.
    with zf.open(info) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise zipfile.BadZipFile("member is larger than it declares")
    return data


def iter_zip(name: str, data: bytes, limits: IntakeLimits | None = None) -> Iterator[ZipMember | Rejected]:
    """Image members of the zip with their sidecar captions, and a `Rejected` for everything refused.
    A refusal of the whole zip is a single `Rejected`."""
    limits = limits or IntakeLimits()
    zf = open_zip(name, data, limits)
    if isinstance(zf, Rejected):
        yield zf
        return
    with zf:
        scan = ZipScan()
        images: list[zipfile.ZipInfo] = []
        for info in zf.infolist():
            if info.is_dir() or _is_junk(info.filename):
                continue
            problem = _member_problem(name, info, limits)
            if problem:
                yield problem
                continue
            suffix = PurePosixPath(info.filename).suffix.lower()
            label = f"{name}:{info.filename}"
            if suffix == CAPTION_EXTENSION:
                try:
                    text = _read_member(zf, info, MAX_CAPTION_BYTES).decode("utf-8", errors="replace")
                except (zipfile.BadZipFile, OSError, zlib.error, EOFError) as exc:
                    yield Rejected(label, Reason.CORRUPT, f"{label}: caption cannot be read ({exc}).")
                    continue
                scan.captions[_stem_key(info.filename)] = text.strip()
            elif suffix == ".zip":
                yield Rejected(
                    label,
                    Reason.UNSUPPORTED_FORMAT,
                    f"{label}: zips inside zips are not opened; add the images directly.",
                )
            elif suffix in IMAGE_EXTENSIONS or not suffix:
                images.append(info)
            else:
                yield Rejected(
                    label,
                    Reason.UNSUPPORTED_FORMAT,
                    f"{label}: '{suffix}' files are not images or captions; only images and .txt captions are read.",
                )
        for info in images:
            label = f"{name}:{info.filename}"
            try:
                content = _read_member(zf, info, limits.max_upload_bytes)
            except (zipfile.BadZipFile, OSError, zlib.error, EOFError, NotImplementedError) as exc:
                yield Rejected(label, Reason.CORRUPT, f"{label}: cannot be extracted ({exc}); zip it again.")
                continue
            yield ZipMember(label, content, scan.captions.get(_stem_key(info.filename)))
