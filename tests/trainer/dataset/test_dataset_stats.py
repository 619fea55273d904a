import json
import subprocess
import sys

import cv2
from dataset_corpus import photo
from PIL import Image

from trainer.dataset.stats import dataset_stats


def _write(folder, name, arr, caption=None):
    Image.fromarray(arr).save(folder / f"{name}.png")
    if caption is not None:
        (folder / f"{name}.txt").write_text(caption)


def test_stats_on_real_photos_cover_the_contract(tmp_path):
    astro = photo("astronaut")
    _write(tmp_path, "astronaut", astro, "sks, astronaut, flag, smiling")
    _write(tmp_path, "astronaut_small", cv2.resize(astro, (300, 300)), "sks, astronaut, indoors")
    _write(tmp_path, "cat", photo("chelsea"), "a photo of sks cat lying on a rug in the sun.")
    _write(tmp_path, "coffee_blurred", cv2.GaussianBlur(photo("coffee"), (0, 0), 5))
    (tmp_path / "notes.png").write_text("not an image")

    stats = dataset_stats(tmp_path, trigger_word="sks")
    json.dumps(stats)  # the advisor stores it as JSON
    assert stats["num_images"] == 4
    assert [512, 512] in stats["resolutions"] and [451, 300] in stats["resolutions"]
    assert stats["min_side"] == 300
    assert stats["aspect_ratios"][stats["files"].index("cat.png")] == round(451 / 300, 4)
    assert stats["blur"]["blurry"] == ["coffee_blurred.png"] and stats["blur"]["blurry_fraction"] == 0.25
    assert stats["quality"]["summary"]["count"] == 4
    assert stats["near_duplicate_clusters"] == [["astronaut.png", "astronaut_small.png"]]
    assert stats["captions"] == {"count": 3, "missing": 1, "mean_tags": 2.67, "mean_words": 6.33}
    assert stats["trigger_word"] == "sks"
    assert stats["trigger_coverage"] == 0.75
    assert stats["caption_style"] == "mixed"
    assert stats["tag_frequency"]["astronaut"] == 2
    assert stats["unreadable"][0]["reason"] == "not_an_image"


def test_trigger_is_guessed_from_first_tags_and_style_detected(tmp_path):
    for i in range(3):
        _write(tmp_path, f"img{i}", photo("rocket"), f"zkw, rocket, sky, launch pad {i}")
    stats = dataset_stats(tmp_path, with_quality=False)
    assert stats["trigger_word"] == "zkw"
    assert stats["trigger_coverage"] == 1.0
    assert stats["caption_style"] == "tags"
    assert stats["quality"]["summary"]["count"] == 0


def test_torch_free_modules_do_not_import_torch():
    modules = [
        "trainer.dataset.intake",
        "trainer.dataset.archive",
        "trainer.dataset.quality",
        "trainer.dataset.saliency",
        "trainer.dataset.prep",
        "trainer.dataset.report",
        "trainer.dataset.stats",
        "trainer.dataset.captions",
        "trainer.dataset.batch",
        "trainer.dataset.caption_wd14",
        "cli.dataset",
        "trainer.dataset.captioning",
        "trainer.dataset.pipeline",
        "trainer.dataset.tiny_captioners",
        "trainer.dataset.caption_blip",
    ]
    code = (
        "import importlib, importlib.util, sys\n"
        f"for m in {modules!r}:\n"
        "    if importlib.util.find_spec(m): importlib.import_module(m)\n"
        "from trainer.dataset.quality import brisque_score\n"
        "import numpy as np\n"
        "brisque_score(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8))\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
