"""Safe decoding of one untrusted image file into an 8-bit RGB PIL image.

Order of checks, cheapest first, so that a hostile file costs almost nothing:
1. byte size against the cap (before the bytes are even read when a path is given);
2. the format from the first bytes (magic numbers), not from the file name: SVG, HEIC/AVIF and
   non-images are refused with a reason before any decoder runs;
3. the header only (`PIL.Image.open` is lazy): width x height against the pixel cap, so a PNG that
   claims 40000x40000 is refused without allocating its pixels (decompression-bomb guard);
4. the full decode, where truncated or corrupt data is refused with the decoder's reason;
5. EXIF orientation applied, first frame of animations kept, then conversion to RGB: palette and
   transparency, CMYK, 16-bit and float greyscale are mapped to 8 bits, alpha is flattened onto a
   configurable background colour;
6. an embedded ICC profile other than sRGB (Display P3 from phones, Adobe RGB from cameras) is
   converted to sRGB with LittleCMS (Pillow's ImageCms), so colours look as the photographer saw them
   once the profile is gone; the note "colour profile ... converted to sRGB" reaches the quality report.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from trainer.dataset.limits import IntakeLimits, mib_pair

#: Extensions the intake looks at in a folder or zip; the decoder trusts the bytes, not these.
IMAGE_EXTENSIONS = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".jpe",
        ".webp",
        ".bmp",
        ".tif",
        ".tiff",
        ".gif",
        ".heic",
        ".heif",
        ".avif",
        ".svg",
    }
)
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "TIFF", "GIF")
WHITE = (255, 255, 255)


class Reason(StrEnum):
    """Why a file was refused. Stable codes: the bot maps them to messages in the user's language."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    CORRUPT = "corrupt"
    TOO_MANY_IMAGES = "too_many_images"
    UNSAFE_PATH = "unsafe_path"
    SYMLINK = "symlink"
    TOO_MANY_ENTRIES = "too_many_entries"
    ZIP_TOO_LARGE = "zip_too_large"
    ZIP_BOMB = "zip_bomb"
    BAD_ZIP = "bad_zip"
    ENCRYPTED = "encrypted"


@dataclass(frozen=True)
class Rejected:
    """A refused file: `name` as the user gave it, a stable `reason` code and a message that says
    what is wrong and what to do."""

    name: str
    reason: Reason
    message: str


@dataclass
class Decoded:
    """A decoded image plus what was done to it on the way to RGB."""

    image: Image.Image
    format: str
    original_mode: str
    original_size: tuple[int, int]
    notes: list[str] = field(default_factory=list)


def _is_svg(head: bytes) -> bool:
    text = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in text


def sniff_format(head: bytes) -> str | None:
    """The container format from magic bytes: PNG, JPEG, GIF, WEBP, BMP, TIFF, HEIC, AVIF, SVG or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith(b"BM"):
        return "BMP"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "AVIF"
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"):
            return "HEIC"
    if _is_svg(head):
        return "SVG"
    return None


def _refuse_format(name: str, head: bytes, fmt: str | None) -> Rejected | None:
    if fmt in ("HEIC", "AVIF"):
        return Rejected(
            name,
            Reason.UNSUPPORTED_FORMAT,
            f"{name}: {fmt} images are not supported here; convert it to PNG or JPEG "
            "(on an iPhone: Settings > Camera > Formats > Most Compatible) and upload it again.",
        )
    if fmt == "SVG":
        return Rejected(
            name,
            Reason.UNSUPPORTED_FORMAT,
            f"{name}: SVG is a vector drawing, not pixels; export it as PNG at the size you want.",
        )
    if fmt is None:
        kind = "a text file" if _looks_like_text(head) else "not an image this tool reads"
        return Rejected(
            name,
            Reason.NOT_AN_IMAGE,
            f"{name}: the content is {kind} (whatever its name says); "
            f"send PNG, JPEG, WebP, BMP, TIFF or GIF images.",
        )
    return None


def _looks_like_text(head: bytes) -> bool:
    try:
        head[:512].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head[:512]


def _to_8bit(im: Image.Image, notes: list[str]) -> Image.Image:
    # Pillow's own convert("L") clips 16-bit values instead of scaling them: a 16-bit photo would come
    # out almost white. Scale by the bit depth instead.
    arr = np.asarray(im)
    if im.mode == "F":
        finite = np.nan_to_num(arr.astype(np.float64))
        top = 1.0 if finite.max(initial=0.0) <= 1.0 else 255.0
        out = np.clip(finite / top * 255.0, 0, 255)
    else:
        wide = arr.astype(np.int64)
        top = 65535 if wide.max(initial=0) > 255 or im.mode.startswith("I;16") else 255
        out = np.clip(wide * 255 // top, 0, 255)
    notes.append(f"converted {im.mode} (more than 8 bits per sample) to 8-bit")
    return Image.fromarray(out.astype(np.uint8), "L")


def to_rgb(im: Image.Image, background: tuple[int, int, int] = WHITE) -> tuple[Image.Image, list[str]]:
    """Any Pillow mode to 8-bit RGB; transparency is flattened onto `background`."""
    notes: list[str] = []
    mode = im.mode
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        im = _to_8bit(im, notes)
    if im.mode == "P":
        has_alpha = "transparency" in im.info
        im = im.convert("RGBA" if has_alpha else "RGB")
        notes.append("palette image expanded" + (" (with transparency)" if has_alpha else ""))
    elif im.mode == "CMYK":
        im = im.convert("RGB")
        notes.append("CMYK converted to RGB")
    elif im.mode in ("PA", "LA", "La", "RGBa") or (
        im.mode in ("L", "1", "RGB") and "transparency" in im.info
    ):
        im = im.convert("RGBA")
    if im.mode == "RGBA":
        alpha = im.getchannel("A")
        if alpha.getextrema()[0] < 255:
            flat = Image.new("RGB", im.size, background)
            flat.paste(im.convert("RGB"), mask=alpha)
            notes.append(f"transparency flattened onto RGB{tuple(background)}")
            return flat, notes
        im = im.convert("RGB")
    if im.mode != "RGB":
        if im.mode in ("L", "1"):
            notes.append("greyscale converted to RGB")
        im = im.convert("RGB")
    return im, notes


def decode_bytes(
    name: str,
    data: bytes,
    limits: IntakeLimits | None = None,
    background: tuple[int, int, int] = WHITE,
) -> Decoded | Rejected:
    """Decode one upload into RGB, or say why not. Never raises for bad input."""
    limits = limits or IntakeLimits()
    if not data:
        return Rejected(name, Reason.EMPTY, f"{name}: the file is empty (0 bytes); upload it again.")
    if len(data) > limits.max_upload_bytes:
        return too_large(name, len(data), limits)
    fmt = sniff_format(data[:1024])
    refused = _refuse_format(name, data, fmt)
    if refused:
        return refused
    try:
        im = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:
        # Pillow's own guard fired while reading the header; its message carries the pixel count.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        return _too_many_pixels(name, int(found.group(1)) if found else None, limits)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
        return Rejected(
            name, Reason.CORRUPT, f"{name}: the {fmt} header cannot be read ({exc}); the file is damaged."
        )
    width, height = im.size
    if width * height > limits.max_image_pixels:
        return _too_many_pixels(name, width * height, limits, (width, height))
    if min(width, height) < limits.min_image_side:
        return Rejected(
            name,
            Reason.TOO_SMALL,
            f"{name}: {width}x{height} is too small to learn from (under {limits.min_image_side} px); "
            "use a larger version of the image.",
        )
    notes: list[str] = []
    frames = getattr(im, "n_frames", 1)
    try:
        if frames > 1:
            im.seek(0)
            notes.append(f"animated ({frames} frames): first frame used")
        im.load()
        orientation = _orientation(im)
        oriented = ImageOps.exif_transpose(im)
    except (OSError, SyntaxError, ValueError, struct.error, EOFError, zlib.error, IndexError) as exc:
        detail = "the file is cut off" if "truncated" in str(exc) else f"decoder said: {exc}"
        return Rejected(
            name,
            Reason.CORRUPT,
            f"{name}: this {fmt} cannot be decoded ({detail}); upload the original again.",
        )
    if orientation not in (None, 1):
        notes.append(f"EXIF orientation {orientation} applied")
    icc = im.info.get("icc_profile")
    if icc and oriented.mode in ("RGB", "RGBA"):
        oriented = to_srgb(oriented, icc, notes)
    try:
        rgb, conv_notes = to_rgb(oriented, background)
    except (ValueError, OSError) as exc:
        return Rejected(
            name,
            Reason.UNSUPPORTED_FORMAT,
            f"{name}: its colour mode {im.mode} cannot be converted to RGB ({exc}); save it as an RGB PNG or JPEG.",
        )
    return Decoded(rgb, fmt or im.format or "?", im.mode, (width, height), notes + conv_notes)


SRGB_NOTE = "converted to sRGB"
_SRGB = ImageCms.createProfile("sRGB")


def to_srgb(im: Image.Image, icc: bytes, notes: list[str]) -> Image.Image:
    """An RGB(A) image tagged with the ICC profile `icc`, in sRGB (perceptual intent).

    An sRGB profile is left alone (already what every model was trained on); a profile LittleCMS
    cannot read is noted and the pixels are kept as they are.
    """
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = (ImageCms.getProfileDescription(profile) or "").strip() or "unnamed"
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
        notes.append("embedded colour profile unreadable: colours used as stored")
        return im
    if "srgb" in name.lower().replace(" ", ""):
        return im
    try:
        out = ImageCms.profileToProfile(im, profile, _SRGB, outputMode=im.mode)
    except (OSError, ValueError, ImageCms.PyCMSError) as exc:
        notes.append(f"colour profile '{name}' could not be converted ({exc}): colours used as stored")
        return im
    notes.append(f"colour profile '{name}' {SRGB_NOTE}")
    return out


def too_large(name: str, size: int, limits: IntakeLimits) -> Rejected:
    """A file over the per-file byte cap; both sizes shown so that they read as different."""
    shown, cap = mib_pair(size, limits.max_upload_bytes)
    return Rejected(
        name,
        Reason.TOO_LARGE,
        f"{name}: {shown} MiB is over the {cap} MiB limit per file; resize it or save it as JPEG.",
    )


def _orientation(im: Image.Image) -> int | None:
    try:
        return im.getexif().get(0x0112)
    except (OSError, ValueError, struct.error):
        return None


def _too_many_pixels(
    name: str, pixels: int | None, limits: IntakeLimits, size: tuple[int, int] | None = None
) -> Rejected:
    if size:
        claimed = f"{size[0]}x{size[1]} ({pixels / 1e6:.0f} MP)"
    else:
        claimed = f"{pixels / 1e6:.0f} MP" if pixels else "far too many pixels"
    return Rejected(
        name,
        Reason.TOO_MANY_PIXELS,
        f"{name}: the header claims {claimed}, over the {limits.max_image_pixels / 1e6:.0f} MP limit "
        "(decompression-bomb guard); downscale it before uploading.",
    )


def decode_path(
    path: str | Path,
    limits: IntakeLimits | None = None,
    background: tuple[int, int, int] = WHITE,
    name: str | None = None,
) -> Decoded | Rejected:
    """`decode_bytes` for a file on disk; the size is checked before the file is read."""
    limits = limits or IntakeLimits()
    path = Path(path)
    name = name or path.name
    try:
        size = path.stat().st_size
        if size > limits.max_upload_bytes:
            return too_large(name, size, limits)
        data = path.read_bytes()
    except OSError as exc:
        return Rejected(name, Reason.CORRUPT, f"{name}: cannot be read ({exc.strerror or exc}).")
    return decode_bytes(name, data, limits, background)
