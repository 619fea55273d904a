import json
import os

import numpy as np
import pytest
from dataset_corpus import PHOTOS, bad_corpus, encode, photo, png_claiming, zip_bytes
from PIL import Image

from trainer.dataset.decode import Reason, decode_bytes
from trainer.dataset.intake import DatasetIntake, IntakeLimits


@pytest.fixture(scope="module")
def good_jpeg():
    return encode(photo("astronaut"), "JPEG", quality=90)


def _all_files(root):
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}


def test_bad_corpus_gets_documented_outcomes_and_good_files_are_kept(tmp_path, good_jpeg):
    corpus = bad_corpus(good_jpeg)
    intake = DatasetIntake(tmp_path / "ds")
    uploads = [("good.jpg", good_jpeg), *[(n, b) for n, (b, _) in corpus.items()]]
    result = intake.add_many(uploads)

    rejected = {r.name: r for r in result.rejected}
    accepted = {a.name: a for a in result.accepted}
    assert "good.jpg" in accepted
    for name, (_, expected) in corpus.items():
        if expected is None:
            assert name in accepted, rejected.get(name)
        else:
            assert rejected[name].reason.value == expected
            assert rejected[name].message.startswith(name + ":")
    assert "convert it to PNG or JPEG" in rejected["IMG_0001.HEIC"].message
    assert (
        "40000x40000" in rejected["bomb_header.png"].message
        or "1600 MP" in rejected["bomb_header.png"].message
    )
    assert "cut off" in rejected["truncated.jpg"].message
    # Under Pillow's own guard but over ours: refused from the header, before any pixel is decoded.
    moderate = decode_bytes("big.png", png_claiming(9000, 9000))
    assert moderate.reason == Reason.TOO_MANY_PIXELS and "9000x9000 (81 MP)" in moderate.message
    # Raw bytes are stored unmodified under their hash, and only accepted files are stored.
    index = json.loads((tmp_path / "ds/raw/index.json").read_text())
    assert len(index["images"]) == len(accepted)
    for entry in index["images"]:
        data = (tmp_path / "ds" / entry["file"]).read_bytes()
        assert dict(uploads)[entry["names"][0]] == data
        assert entry["file"].startswith(f"raw/{entry['sha256']}")


def test_conversions_of_odd_modes(good_jpeg):
    corpus = bad_corpus(good_jpeg)

    def rgb(name):
        decoded = decode_bytes(name, corpus[name][0])
        assert decoded.image.mode == "RGB"
        return np.asarray(decoded.image)

    rotated = rgb("rotated.jpg")
    assert rotated.shape[:2] == (300, 200)  # EXIF orientation 6 turns 300x200 into 200x300
    assert rotated[10, 100, 0] > 200 and rotated[-10, 100, 2] > 200  # red half on top after rotation
    palette = rgb("palette.png")
    assert tuple(palette[5, 5]) == (255, 255, 255)  # transparent index flattened onto white
    assert tuple(palette[5, 60]) == (0, 255, 0)
    assert abs(int(rgb("sixteen.png")[0, 0, 0]) - 128) <= 1  # scaled, not clipped to white
    assert abs(int(rgb("sixteen_grey.png")[0, 0, 0]) - 128) <= 1
    assert tuple(rgb("animated.gif")[0, 0]) == (255, 0, 0)  # first frame
    cmyk = rgb("cmyk.jpg")
    assert np.abs(cmyk.astype(int) - photo("coffee").astype(int)).mean() < 12
    black = decode_bytes("p.png", corpus["palette.png"][0], background=(0, 0, 0))
    assert tuple(np.asarray(black.image)[5, 5]) == (0, 0, 0)


def test_zip_guards_keep_good_members_and_write_nothing_outside(tmp_path, good_jpeg):
    work = tmp_path / "work"
    work.mkdir()
    before = _all_files(tmp_path)
    payload = zip_bytes(
        [
            ("set/cat.png", encode(photo("chelsea"), "PNG")),
            ("set/cat.txt", b"sks, cat, sleeping"),
            ("../evil.png", good_jpeg),
            ("/abs/evil2.png", good_jpeg),
            ("set/link.png", b"../../outside.png"),
            ("bomb.png", b"\x00" * (30 * 2**20)),
            ("__MACOSX/._cat.png", b"junk"),
            ("notes.docx", b"PK.."),
        ],
        symlinks=("set/link.png",),
    )
    result = DatasetIntake(work / "ds").add_upload("upload.zip", payload)
    reasons = {r.name.split(":", 1)[1]: r.reason for r in result.rejected}
    assert reasons == {
        "../evil.png": Reason.UNSAFE_PATH,
        "/abs/evil2.png": Reason.UNSAFE_PATH,
        "set/link.png": Reason.SYMLINK,
        "bomb.png": Reason.ZIP_BOMB,
        "notes.docx": Reason.UNSUPPORTED_FORMAT,
    }
    assert [(a.name, a.caption) for a in result.accepted] == [
        ("upload.zip:set/cat.png", "sks, cat, sleeping")
    ]
    created = _all_files(tmp_path) - before
    assert created and all(p.startswith(str(work / "ds" / "raw")) for p in created)
    assert not any("evil" in p or "outside" in p for p in _all_files(tmp_path.parent))


def test_whole_zip_refusals(tmp_path, good_jpeg):
    limits = IntakeLimits(max_zip_entries=3, max_zip_expanded_bytes=2_000_000)
    intake = DatasetIntake(tmp_path, limits)
    many = zip_bytes([(f"{i}.jpg", good_jpeg) for i in range(4)])
    # members fine one by one, too much together (one oversized member alone is skipped, not the zip)
    big = zip_bytes([(f"{i}.png", b"\x00" * 900_000) for i in range(3)])
    assert [r.reason for r in intake.add_upload("many.zip", many).rejected] == [Reason.TOO_MANY_ENTRIES]
    assert [r.reason for r in intake.add_upload("big.zip", big).rejected] == [Reason.ZIP_TOO_LARGE]
    assert [r.reason for r in intake.add_upload("x.zip", b"PK\x03\x04garbage").rejected] == [Reason.BAD_ZIP]


def test_duplicates_merged_and_dataset_cap(tmp_path):
    limits = IntakeLimits(max_images_per_dataset=3)
    intake = DatasetIntake(tmp_path, limits)
    files = [(f"{n}.png", encode(photo(n), "PNG")) for n in PHOTOS]
    result = intake.add_many([files[0], ("copy.png", files[0][1]), *files[1:]])
    assert [a.name for a in result.accepted] == ["astronaut.png", "chelsea.png", "coffee.png"]
    assert [(d.name, d.same_as) for d in result.duplicates] == [("copy.png", "astronaut.png")]
    assert {r.reason for r in result.rejected} == {Reason.TOO_MANY_IMAGES}
    # A new intake on the same folder remembers what is stored.
    again = DatasetIntake(tmp_path, limits).add_bytes("again.png", files[1][1])
    assert again.same_as == "chelsea.png"


def test_pixel_and_byte_caps_from_settings(tmp_path, good_jpeg):
    class Limits:
        max_upload_bytes = 10_000
        max_image_pixels = 100_000

    class Settings:
        limits = Limits()

    limits = IntakeLimits.from_settings(Settings())
    assert limits.max_upload_bytes == 10_000 and limits.max_zip_entries == IntakeLimits().max_zip_entries
    assert decode_bytes("big.jpg", good_jpeg, limits).reason == Reason.TOO_LARGE
    small = encode(Image.new("RGB", (400, 300), "red"), "PNG")
    assert decode_bytes("px.png", small, limits).reason == Reason.TOO_MANY_PIXELS
    (tmp_path / "real.png").write_bytes(small)
    (tmp_path / "link.png").symlink_to(tmp_path / "real.png")
    assert DatasetIntake(tmp_path / "ds").add_file(tmp_path / "link.png").rejected[0].reason == Reason.SYMLINK


@pytest.mark.parametrize(
    ("fmt", "kw"), [("WEBP", {"quality": 90}), ("BMP", {}), ("TIFF", {}), ("PNG", {}), ("GIF", {})]
)
def test_every_accepted_format_decodes_to_rgb(tmp_path, fmt, kw):
    grey = Image.fromarray(photo("camera")) if fmt == "TIFF" else Image.fromarray(photo("rocket"))
    data = encode(grey, fmt, **kw)
    # The name lies about the type: the content decides.
    result = DatasetIntake(tmp_path).add_upload("upload.jpg", data)
    assert len(result.accepted) == 1, result.rejected
    entry = result.accepted[0]
    assert entry.format == fmt and (entry.width, entry.height) == grey.size
    assert (tmp_path / entry.raw_file).read_bytes() == data
