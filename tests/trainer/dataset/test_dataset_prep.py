import json
import os
import time

import cv2
import numpy as np
import pytest
from dataset_corpus import PHOTOS, bad_corpus, encode, photo, zip_bytes
from PIL import Image

from trainer.dataset.intake import DatasetIntake
from trainer.dataset.pipeline import prepare_dataset
from trainer.dataset.prep import PrepOptions, parse_colour, prepare_image
from trainer.dataset.saliency import saliency_map


def off_centre_subject(w=1200, h=600, centre=(140, 460), seed=0):
    """A textured background with a red/yellow subject near the bottom-left corner."""
    rng = np.random.default_rng(seed)
    img = np.clip(np.full((h, w, 3), (120, 150, 170), float) + rng.normal(0, 14, (h, w, 3)), 0, 255).astype(
        np.uint8
    )
    cv2.circle(img, centre, 100, (220, 40, 30), -1)
    cv2.circle(img, (centre[0] - 20, centre[1] - 20), 30, (250, 240, 60), -1)
    return img


def _subject_pixels(img):
    return int(((img[:, :, 0] > 190) & (img[:, :, 2] < 90)).sum())


@pytest.mark.parametrize(
    ("shape", "centre"), [((600, 1200), (140, 460)), ((600, 1200), (1060, 130)), ((1200, 600), (460, 1080))]
)
def test_crop_keeps_an_off_centre_subject(shape, centre):
    h, w = shape
    img = off_centre_subject(w, h, centre)
    out = prepare_image(img, PrepOptions(resolution=512, mode="crop"))
    assert out.image.shape == (512, 512, 3)
    left, top, right, bottom = out.crop_box
    # The whole subject disc (radius 100) lies inside the chosen window ...
    assert left <= centre[0] - 100 and right >= centre[0] + 100
    assert top <= centre[1] - 100 and bottom >= centre[1] + 100
    # ... and in the output, unlike a centre crop which would lose it.
    scale = 512 / min(w, h)
    assert _subject_pixels(out.image) > 0.9 * np.pi * (100 * scale) ** 2 * 0.85
    side = min(w, h)
    cx, cy = (w - side) // 2, (h - side) // 2
    assert _subject_pixels(img[cy : cy + side, cx : cx + side]) < 0.2 * _subject_pixels(img)
    assert out.cut_saliency < 0.3


def test_saliency_map_peaks_on_the_subject():
    img = off_centre_subject()
    sal = saliency_map(img)
    ys, xs = np.unravel_index(np.argmax(cv2.GaussianBlur(sal, (9, 9), 0)), sal.shape)
    assert xs * 1200 / sal.shape[1] < 400 and ys * 600 / sal.shape[0] > 250


def test_modes_sizes_no_upscale_and_pad_colours():
    wide = photo("rocket")  # 640x427
    crop = prepare_image(wide, PrepOptions(resolution=512, mode="crop"))
    assert crop.image.shape == (427, 427, 3) and crop.too_small and not crop.upscaled
    up = prepare_image(wide, PrepOptions(resolution=512, mode="crop", upscale=True))
    assert up.image.shape == (512, 512, 3) and up.upscaled
    pad = prepare_image(wide, PrepOptions(resolution=512, mode="pad", pad_colour=(0, 0, 255)))
    assert pad.image.shape == (512, 512, 3)
    assert tuple(pad.image[2, 256]) == (0, 0, 255) and pad.padded > 0.3 and pad.cut_pixels == 0
    edge = prepare_image(wide, PrepOptions(resolution=512, mode="pad", pad_colour=parse_colour("edge")))
    assert np.array_equal(edge.image[0], edge.image[60])  # rows above the image repeat its top row
    assert not np.array_equal(edge.image[0], pad.image[0])
    big = cv2.resize(photo("astronaut"), (1536, 1024))
    bucket = prepare_image(big, PrepOptions(resolution=512, mode="bucket"))
    bh, bw = bucket.image.shape[:2]
    assert bh % 64 == 0 and bw % 64 == 0 and bw * bh <= 512 * 512 and bw > bh
    with pytest.raises(ValueError, match="mode must be one of"):
        PrepOptions(mode="stretch")


def test_denoise_reduces_noise():
    clean = cv2.resize(photo("coffee"), (256, 256))
    noisy = np.clip(clean + np.random.default_rng(1).normal(0, 20, clean.shape), 0, 255).astype(np.uint8)
    out = prepare_image(noisy, PrepOptions(resolution=256, mode="crop", denoise=True, denoise_strength=10))
    err_before = np.abs(noisy.astype(int) - clean).mean()
    err_after = np.abs(out.image.astype(int) - clean).mean()
    assert err_after < 0.75 * err_before


def _files(root):
    return {os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs}


def test_pipeline_report_kohya_layout_resume_and_nothing_outside(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in PHOTOS:
        Image.fromarray(photo(name)).save(src / f"{name}.jpg", quality=92)
    (src / "rocket.txt").write_text("sks, rocket, launch pad")
    Image.fromarray(off_centre_subject()).save(src / "corner.png")
    corpus = bad_corpus(encode(photo("astronaut"), "JPEG"))
    for name in ("truncated.jpg", "empty.png", "IMG_0001.HEIC"):
        (src / name).write_bytes(corpus[name][0])
    (src / "more.zip").write_bytes(zip_bytes([("../../escape.png", encode(photo("coffee"), "PNG"))]))
    before = _files(tmp_path)

    intake = DatasetIntake(out)
    result = intake.add_folder(src)
    t0 = time.monotonic()
    report = prepare_dataset(out, PrepOptions(512, "crop"), intake_result=result, progress=False)
    elapsed = time.monotonic() - t0

    created = _files(tmp_path) - before
    assert all(p.startswith(str(out) + os.sep) for p in created)
    assert not any("escape" in p for p in _files(tmp_path.parent))
    on_disk = json.loads((out / "report.json").read_text())
    assert on_disk["summary"]["num_images"] == 6 == len(report["images"])
    assert "fewer than the guide's 20" in report["summary"]["count_verdict"]
    assert {r["reason"] for r in report["intake"]["rejected"]} == {
        "corrupt",
        "empty",
        "unsupported_format",
        "unsafe_path",
    }
    assert sorted(report["summary"]["resolution"]["too_small"]) == sorted(
        e["file"] for e in report["images"] if min(e["width"], e["height"]) < 512
    )
    prepared = sorted(p.name for p in (out / "prepared").iterdir() if not p.name.startswith("."))
    assert len([p for p in prepared if p.endswith(".png")]) == 6
    rocket = next(e for e in report["images"] if e["names"] == ["rocket.jpg"])
    assert (out / "prepared" / rocket["file"]).with_suffix(
        ".txt"
    ).read_text().strip() == "sks, rocket, launch pad"
    assert rocket["caption"] == "sks, rocket, launch pad"
    for entry in report["images"]:
        assert entry["brisque"] is not None and entry["blur"] > 0
    print(f"prep: {len(report['images']) / elapsed:.1f} images/s")

    # A rerun with the same options skips every finished image and gives the same report.
    mtimes = {p: p.stat().st_mtime_ns for p in (out / "prepared").glob("*.png")}
    again = prepare_dataset(out, PrepOptions(512, "crop"), progress=False)
    assert again["images"] == report["images"]
    assert {p: p.stat().st_mtime_ns for p in (out / "prepared").glob("*.png")} == mtimes


def test_interrupted_prep_resumes_without_redoing(tmp_path):
    intake = DatasetIntake(tmp_path)
    intake.add_many((f"{n}.png", encode(photo(n), "PNG")) for n in PHOTOS)
    calls = {"n": 0}

    def stop_after_two():
        calls["n"] += 1
        return calls["n"] > 2

    first = prepare_dataset(tmp_path, PrepOptions(256, "pad"), progress=False, should_stop=stop_after_two)
    assert first["interrupted"] and len(first["images"]) == 2
    done_first = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "prepared").glob("*.png")}
    second = prepare_dataset(tmp_path, PrepOptions(256, "pad"), progress=False)
    assert not second["interrupted"] and len(second["images"]) == len(PHOTOS)
    for name, mtime in done_first.items():
        assert (tmp_path / "prepared" / name).stat().st_mtime_ns == mtime
