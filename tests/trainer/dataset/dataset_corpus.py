"""Test data for the dataset tests: real photographs from scikit-image and generators for the bad-file
corpus. Everything is produced at test time; no binaries are committed."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib

import cv2
import numpy as np
from PIL import Image
from skimage import data as skdata

PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "motorcycle")


def photo(name: str) -> np.ndarray:
    """A real photograph shipped with scikit-image, as HxWx3 uint8."""
    if name == "motorcycle":
        return skdata.stereo_motorcycle()[0]
    return getattr(skdata, name)()


def encode(arr: np.ndarray | Image.Image, fmt: str, **kw: object) -> bytes:
    img = arr if isinstance(arr, Image.Image) else Image.fromarray(arr)
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, structurally valid PNG whose IHDR claims width x height (8-bit RGB)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def exif_rotated_jpeg() -> bytes:
    """A 300x200 JPEG (red left half) whose EXIF says 'rotate 90 degrees clockwise to display' (6)."""
    arr = np.zeros((200, 300, 3), np.uint8)
    arr[:, :150] = (255, 0, 0)
    arr[:, 150:] = (0, 0, 255)
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(arr, "JPEG", exif=exif.tobytes(), quality=95)


def palette_with_transparency() -> bytes:
    """A palette PNG: index 0 is transparent (left half), index 1 is green (right half)."""
    img = Image.new("P", (64, 64), 0)
    img.putpalette([0, 0, 0, 0, 255, 0] + [0] * 762)
    img.paste(1, (32, 0, 64, 64))
    return encode(img, "PNG", transparency=0)


def _png16(arr: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", arr)
    if not ok:
        raise RuntimeError("OpenCV could not encode the 16-bit PNG")
    return buf.tobytes()


def sixteen_bit_png() -> bytes:
    """A 16-bit RGB PNG (written by OpenCV), mid-grey 0x8000 in every channel."""
    return _png16(np.full((64, 96, 3), 0x8000, np.uint16))


def sixteen_bit_grey_png() -> bytes:
    """A 16-bit greyscale PNG (Pillow opens it as mode I;16), mid-grey 0x8000."""
    return _png16(np.full((64, 96), 0x8000, np.uint16))


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (64, 64), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


def zip_bytes(members: list[tuple[str, bytes]], symlinks: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    return buf.getvalue()


def bad_corpus(good_jpeg: bytes) -> dict[str, tuple[bytes, str | None]]:
    """name -> (bytes, expected reason code, or None when the file must be accepted)."""
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    return {
        "truncated.jpg": (good_jpeg[: len(good_jpeg) // 2], "corrupt"),
        "empty.png": (b"", "empty"),
        "readme.png": (b"These are my training images, enjoy!\n" * 3, "not_an_image"),
        "bomb_header.png": (png_claiming(40000, 40000), "too_many_pixels"),
        "drawing.svg": (svg, "unsupported_format"),
        "IMG_0001.HEIC": (heic, "unsupported_format"),
        "cmyk.jpg": (encode(Image.fromarray(photo("coffee")).convert("CMYK"), "JPEG"), None),
        "sixteen.png": (sixteen_bit_png(), None),
        "sixteen_grey.png": (sixteen_bit_grey_png(), None),
        "palette.png": (palette_with_transparency(), None),
        "rotated.jpg": (exif_rotated_jpeg(), None),
        "animated.gif": (animated_gif(), None),
    }
