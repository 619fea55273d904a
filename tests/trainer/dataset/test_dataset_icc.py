"""Wide-gamut photos (Display P3 from phones) are converted to sRGB at intake, and the report says so."""

import io

import numpy as np
from icc_profiles import DISPLAY_P3_D50, SRGB_D50, expected_srgb, rgb_profile
from PIL import Image, ImageCms

from trainer.dataset.decode import decode_bytes
from trainer.dataset.intake import DatasetIntake
from trainer.dataset.pipeline import prepare_dataset
from trainer.dataset.prep import PrepOptions
from trainer.dataset.report import format_report, format_summary

COLOURS = [(200, 120, 60), (40, 160, 90), (90, 80, 200), (128, 128, 128)]


def p3_image(fmt: str = "PNG", colours=COLOURS, size: int = 96) -> bytes:
    """A picture of colour bands tagged with a Display P3 profile (as an iPhone writes them)."""
    array = np.zeros((size, size, 3), np.uint8)
    band = size // len(colours)
    for i, colour in enumerate(colours):
        array[:, i * band : (i + 1) * band] = colour
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, fmt, icc_profile=rgb_profile("Display P3", DISPLAY_P3_D50))
    return buf.getvalue()


def test_the_test_profile_is_a_real_icc_profile():
    profile = ImageCms.ImageCmsProfile(io.BytesIO(rgb_profile("Display P3", DISPLAY_P3_D50)))
    assert ImageCms.getProfileDescription(profile).strip() == "Display P3"


def test_a_display_p3_image_is_converted_to_srgb_colours():
    for fmt in ("PNG", "JPEG"):
        decoded = decode_bytes(f"phone.{fmt.lower()}", p3_image(fmt))
        assert any("'Display P3' converted to sRGB" in n for n in decoded.notes), decoded.notes
        pixels = np.asarray(decoded.image)
        band = pixels.shape[1] // len(COLOURS)
        for i, colour in enumerate(COLOURS):
            got = pixels[pixels.shape[0] // 2, i * band + band // 2].astype(int)
            want = expected_srgb(colour, DISPLAY_P3_D50)
            tolerance = 3 if fmt == "PNG" else 8  # JPEG's own loss on top
            assert np.abs(got - want).max() <= tolerance, (fmt, colour, got, want)
        # P3 is wider: the orange comes out more saturated in sRGB numbers, grey stays grey.
        orange = pixels[48, band // 2].astype(int)
        assert orange[0] - orange[2] > COLOURS[0][0] - COLOURS[0][2]


def test_an_srgb_profile_leaves_the_pixels_alone():
    buf = io.BytesIO()
    array = np.full((64, 64, 3), (200, 120, 60), np.uint8)
    Image.fromarray(array).save(buf, "PNG", icc_profile=rgb_profile("sRGB IEC61966-2.1", SRGB_D50))
    decoded = decode_bytes("plain.png", buf.getvalue())
    assert not any("sRGB" in n for n in decoded.notes)
    assert (np.asarray(decoded.image) == array).all()


def test_an_unreadable_profile_is_noted_and_the_image_kept():
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(buf, "PNG", icc_profile=b"not a profile at all" * 8)
    decoded = decode_bytes("odd.png", buf.getvalue())
    assert decoded.image.getpixel((0, 0)) == (10, 20, 30)
    assert any("unreadable" in n for n in decoded.notes)


def test_the_quality_report_says_which_images_were_converted(tmp_path):
    intake = DatasetIntake(tmp_path / "ds")
    intake.add_upload("phone.png", p3_image(size=128))
    plain = io.BytesIO()
    Image.new("RGB", (128, 128), (200, 30, 30)).save(plain, "PNG")
    intake.add_upload("plain.png", plain.getvalue())
    report = prepare_dataset(tmp_path / "ds", PrepOptions(64, "crop"), progress=False)
    converted = report["summary"]["converted_to_srgb"]
    assert len(converted) == 1 and converted[0].startswith("phone")
    assert "Colour profile converted to sRGB (1" in format_report(report)
    assert "1 wide-gamut colour profile(s) converted to sRGB" in format_summary(report)
