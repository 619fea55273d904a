import json

import numpy as np
import pytest
from dataset_corpus import photo
from PIL import Image

from cli.main import main as loracord
from trainer.dataset.caption_wd14 import TaggerError, WD14Tagger
from trainer.dataset.captioning import CaptionOptions, caption_dataset
from trainer.dataset.captions import (
    CaptionStore,
    apply_trigger,
    caption_style,
    clean_tags,
    count_trigger,
    format_caption,
)
from trainer.dataset.tiny_captioners import build_tiny_blip, build_tiny_wd14


@pytest.fixture(scope="module")
def wd14_dir(tmp_path_factory):
    return build_tiny_wd14(tmp_path_factory.mktemp("wd14"))


@pytest.fixture(scope="module")
def blip_dir(tmp_path_factory):
    return build_tiny_blip(tmp_path_factory.mktemp("blip"))


def _colour_folder(folder, colours):
    folder.mkdir(exist_ok=True)
    for name, rgb in colours.items():
        Image.new("RGB", (96, 96), rgb).save(folder / f"{name}.png")
    return folder


@pytest.mark.parametrize(
    "caption",
    [
        "sks, red hair, smile",
        "red hair, sks, smile, SKS",
        "a photo of sks man",
        "sks",
        "",
        "Sks,sks , red hair",
    ],
)
def test_trigger_first_exactly_once(caption):
    out = apply_trigger(caption, "sks")
    assert out.split(", ")[0] == "sks"
    assert count_trigger(out, "sks") == 1
    assert apply_trigger(out, "sks") == out  # idempotent
    assert count_trigger(apply_trigger("asks the task", "sks"), "sks") == 1  # words containing it are kept


def test_tag_clean_up_and_styles():
    raw = ["long_hair", "rating:safe", "general", "Long_Hair", "^_^", "blue_sky", "watermark", "explicit"]
    assert clean_tags(raw, blacklist=["watermark"]) == ["long hair", "^_^", "blue sky"]
    assert format_caption(tags=["red hair", "smile"], style="tags", trigger="sks") == "sks, red hair, smile"
    sentence = format_caption(tags=["red hair", "smile", "blue sky"], style="sentence", trigger="sks")
    assert sentence == "sks, a picture with red hair, smile and blue sky"
    tags = format_caption(sentence="a woman with red hair standing on a beach.", style="tags", trigger="sks")
    assert tags == "sks, woman, red hair standing, beach"
    assert caption_style("sks, red hair, smile, blue sky") == "tags"
    assert caption_style("sks, a woman with red hair standing on a beach") == "sentence"


def test_caption_store_keeps_every_version(tmp_path):
    store = CaptionStore(tmp_path)
    store.set("img", "sks, cat", source="wd14")
    store.set("img", "sks, cat, sleeping", source="manual")
    (tmp_path / "img.txt").write_text("sks, cat, sleeping on a rug\n")  # edited by hand
    reopened = CaptionStore(tmp_path)
    assert reopened.get("img") == "sks, cat, sleeping on a rug"
    history = reopened.history("img")
    assert [(v.version, v.source) for v in history] == [(1, "wd14"), (2, "manual"), (3, "disk")]
    reopened.restore("img", 1)
    assert (tmp_path / "img.txt").read_text().strip() == "sks, cat"
    assert len(CaptionStore(tmp_path).history("img")) == 4
    with pytest.raises(ValueError, match="plain file stem"):
        store.set("../outside", "x")


def test_wd14_signature_threshold_and_character_threshold(wd14_dir):
    tagger = WD14Tagger(wd14_dir)
    assert tagger.session.get_inputs()[0].shape == ["batch", 448, 448, 3]
    red, teal, blue = tagger.tag([Image.new("RGB", (64, 64), c) for c in ("red", (20, 200, 200), "blue")])
    assert red.tags[0] == "red theme" and "blue theme" not in red.tags  # BGR order handled
    assert red.rating == "general" and "general" not in red.tags
    assert "hatsune miku" in teal.tags  # character tag over 0.85
    assert "blue theme" in blue.tags
    assert "hatsune miku" not in blue.tags  # about 0.73: over the general threshold, under the character one
    lenient = WD14Tagger(wd14_dir, character_threshold=0.5)
    assert "hatsune miku" in lenient.tag([Image.new("RGB", (64, 64), "blue")])[0].tags
    assert "no humans" in red.tags  # about 0.62
    strict = WD14Tagger(wd14_dir, threshold=0.7)
    assert strict.tag([Image.new("RGB", (64, 64), "red")])[0].tags == ["red theme", "simple background"]
    with pytest.raises(TaggerError, match=r"selected_tags\.csv"):
        WD14Tagger(wd14_dir / "model.onnx", tags=wd14_dir / "missing.csv")


def test_wd14_folder_keeps_human_captions_and_resumes(tmp_path, wd14_dir):
    folder = _colour_folder(tmp_path / "set", {"r": "red", "g": (0, 255, 0), "b": "blue"})
    (folder / "g.txt").write_text("my own caption, green field")
    opts = CaptionOptions("wd14", trigger="zkw", model=str(wd14_dir))
    first = caption_dataset(folder, opts, progress=False)
    assert sorted(first["captioned"]) == ["b.png", "g.png", "r.png"]
    assert first["kept_human_captions"] == ["g.png"]
    assert (folder / "r.txt").read_text().startswith("zkw, red theme")
    assert (folder / "g.txt").read_text().strip() == "zkw, my own caption, green field"
    assert first["trigger_coverage"] == 1.0 and first["caption_style"] == "tags"
    for txt in folder.glob("*.txt"):
        assert count_trigger(txt.read_text(), "zkw") == 1

    (folder / "r.txt").unlink()
    Image.new("RGB", (96, 96), "white").save(folder / "w.png")
    again = caption_dataset(folder, opts, progress=False)
    assert sorted(again["skipped_already_done"]) == ["b.png", "g.png"]
    assert sorted(again["captioned"]) == ["r.png", "w.png"]  # the new image, and the one whose caption went

    (folder / "w.txt").unlink()
    manual = caption_dataset(folder, CaptionOptions("manual", trigger="zkw"), progress=False)
    assert list(manual["failed"]) == ["w.png"] and "no caption" in manual["failed"]["w.png"]
    assert manual["captions"]["missing"] == 1


def test_blip_end_to_end_on_the_tiny_model(tmp_path, blip_dir):
    folder = tmp_path / "set"
    folder.mkdir()
    for name in ("astronaut", "chelsea"):
        Image.fromarray(photo(name)).save(folder / f"{name}.png")
    opts = CaptionOptions("blip", trigger="sks", model=str(blip_dir), num_beams=1, max_new_tokens=8)
    summary = caption_dataset(folder, opts, progress=False)
    assert sorted(summary["captioned"]) == ["astronaut.png", "chelsea.png"]
    vocab = set((blip_dir / "tokenizer.json").read_text().split('"'))
    for txt in folder.glob("*.txt"):
        caption = txt.read_text().strip()
        trigger, _, body = caption.partition(", ")
        assert trigger == "sks" and count_trigger(caption, "sks") == 1
        words = body.split()
        assert 1 <= len(words) <= 8 and all(w in vocab or w.rstrip("s") in vocab for w in words)
    history = CaptionStore(folder).history("astronaut")
    assert [v.source for v in history] == ["blip"]


def test_cli_prep_and_caption(tmp_path, wd14_dir, capsys):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("coffee", "rocket"):
        Image.fromarray(photo(name)).save(src / f"{name}.jpg")
    (src / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    out = tmp_path / "ds"
    assert (
        loracord(
            ["prep", str(src), "--out", str(out), "--resolution", "256", "--mode", "pad", "--no-progress"]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "Refused: broken.png" in printed and "fewer than the guide's 20" in printed
    report = json.loads((out / "report.json").read_text())
    assert all(e["output_size"] == [256, 256] for e in report["images"])

    rc = loracord(
        [
            "caption",
            str(out),
            "--method",
            "wd14",
            "--model",
            str(wd14_dir),
            "--trigger",
            "sks",
            "--no-progress",
        ]
    )
    assert rc == 0
    assert "Trigger 'sks' in 100% of the images" in capsys.readouterr().out
    assert loracord(["caption", str(out), "--method", "wd14", "--model", str(tmp_path / "nope")]) == 2
    assert "not found" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert loracord(["prep", str(empty), "--out", str(tmp_path / "o2")]) == 2
    assert np.asarray(Image.open(next((out / "prepared").glob("*.png")))).shape == (256, 256, 3)
