"""What the demo's members upload: star pictures drawn like the shapes base's own data (a shape the base
never saw), their captions, a few files the bot must refuse, and minji's circles."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from PIL import Image

from trainer.tinybase import shapes

N_STARS = 20
N_ATTACHED = 4
CAPTION = "a {colour} star on a white background"


@dataclass(frozen=True)
class Uploads:
    first: list[tuple[str, bytes]]  # 4 star attachments + 2 bad files (one /dataset add)
    second: list[tuple[str, bytes]]  # the .zip of 16 stars with captions + 2 bad files
    captions: list[tuple[str, bytes]]  # .txt captions for the 4 attached stars (/caption upload)
    minji: list[tuple[str, bytes]]  # minji's .zip of circles


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def _pictures(n: int, seed: int, shape: str, prefix: str) -> list[tuple[str, bytes, str]]:
    """(file name, PNG bytes, caption) of `n` drawings of `shape` in random colours, sizes and places."""
    return [
        (f"{prefix}_{i + 1:02d}.png", _png(img), CAPTION.replace("star", shape).format(colour=spec.colour))
        for i, (img, spec) in enumerate(shapes.generate(n, seed, shapes=(shape,)))
    ]


def bad_files(good_png: bytes) -> dict[str, bytes]:
    """Files a member might send by mistake, each refused with its own reason."""
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"></svg>'
    return {
        "shopping-list.txt": b"eggs, milk, star-shaped cookie cutter\n",
        "star_21.png": good_png[: len(good_png) // 2],  # cut off mid-upload
        "logo.svg": svg,
        "icon.png": _png(Image.new("RGB", (16, 16), "gold")),  # too small to learn from
    }


def make_uploads(seed: int = 101) -> Uploads:
    stars = _pictures(N_STARS, seed, "star", "star")
    bad = bad_files(stars[0][1])
    attached = stars[:N_ATTACHED]
    zipped = stars[N_ATTACHED:]
    members = [(f"stars/{name}", data) for name, data, _ in zipped]
    members += [(f"stars/{name[:-4]}.txt", caption.encode()) for name, _, caption in zipped]
    circles = _pictures(6, seed + 1, "circle", "circle")
    minji_zip = [(f"{n}", d) for n, d, _ in circles] + [(f"{n[:-4]}.txt", c.encode()) for n, _, c in circles]
    return Uploads(
        first=[(n, d) for n, d, _ in attached] + [(k, bad[k]) for k in ("shopping-list.txt", "star_21.png")],
        second=[("more-stars.zip", _zip(members))] + [(k, bad[k]) for k in ("logo.svg", "icon.png")],
        captions=[(f"{n[:-4]}.txt", c.encode()) for n, _, c in attached],
        minji=[("circles.zip", _zip(minji_zip))],
    )
