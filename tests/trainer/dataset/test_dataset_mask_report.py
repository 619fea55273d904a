"""The quality report's loss-mask line: count of images with NAME_mask.png, and masks that do not fit."""

from PIL import Image

from trainer.dataset.mask_report import mask_lines, mask_summary


def test_mask_count_and_misfit_masks(tmp_path):
    for name in ("a", "b", "c"):
        Image.new("RGB", (64, 64)).save(tmp_path / f"{name}.png")
    Image.new("L", (64, 64)).save(tmp_path / "a_mask.png")
    Image.new("L", (64, 32)).save(tmp_path / "b_mask.png")
    summary = mask_summary(tmp_path, ["a.png", "b.png", "c.png"])
    assert summary == {
        "with_mask": ["a_mask.png"],
        "without": 1,
        "bad": ["b_mask.png is 64x32, b.png is 64x64"],
    }
    lines = mask_lines({"masks": summary})
    assert lines[0].startswith("Loss masks (masked_loss): 1 of 3 images")
    assert "b_mask.png is 64x32" in lines[1]
    assert mask_lines({"masks": mask_summary(tmp_path, ["c.png"])}) == []
