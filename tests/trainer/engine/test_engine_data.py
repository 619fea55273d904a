"""Dataset reading, captions, buckets and epoch order (no torch model needed)."""

import random

import numpy as np
from engine_helpers import draw_dataset
from PIL import Image

from trainer.engine.buckets import (
    BucketSpec,
    assign_bucket,
    epoch_batches,
    expand_repeats,
    load_for_bucket,
    make_buckets,
)
from trainer.engine.data import process_caption, scan_dataset


def test_scan_reads_repeat_folders_captions_and_skips_broken_files(tmp_path):
    draw_dataset(tmp_path / "10_sks dog", 2)
    draw_dataset(tmp_path, 1, caption_prefix="")
    (tmp_path / "10_sks dog" / "img_001.txt").unlink()  # missing caption: the folder's class tokens
    (tmp_path / "broken.png").write_bytes(b"not an image")
    found = scan_dataset(tmp_path, repeats=3, trigger_word="sks")
    by_name = {(i.folder, i.path.name): i for i in found.items}
    assert len(found.items) == 3
    assert by_name[("10_sks dog", "img_000.png")].repeats == 10
    assert by_name[("10_sks dog", "img_001.png")].caption == "sks dog"
    top = next(i for i in found.items if i.folder == tmp_path.name)
    assert top.repeats == 3 and top.caption.startswith("a ")
    assert found.missing_captions == 1
    assert [p.name for p, _ in found.skipped] == ["broken.png"]
    freq = found.tag_frequency()
    assert freq["10_sks dog"]["sks"] == 1 and freq["10_sks dog"]["sks dog"] == 1


def test_caption_shuffle_keeps_leading_tokens_and_dropout_empties():
    caption = "sks, red, circle, white background, small"
    rng = random.Random(1)
    seen = {process_caption(caption, rng, shuffle=True, keep_tokens=1) for _ in range(30)}
    assert all(c.startswith("sks, ") for c in seen)
    assert len(seen) > 3 and all(sorted(c.split(", ")) == sorted(caption.split(", ")) for c in seen)
    dropped = [process_caption(caption, random.Random(i), dropout_rate=0.5) for i in range(200)]
    assert 60 < dropped.count("") < 140
    assert process_caption(caption, random.Random(0)) == caption


def _spec(**kw):
    base = dict(resolution=512, step=64, min_reso=256, max_reso=1024, enable=True, upscale=False)
    base.update(kw)
    return BucketSpec(**base)


def test_buckets_respect_area_step_and_limits():
    buckets = make_buckets(_spec())
    assert (512, 512) in buckets and (768, 320) in buckets and (320, 768) in buckets
    for w, h in buckets:
        assert w * h <= 512 * 512 and w % 64 == 0 and h % 64 == 0 and min(w, h) >= 256 and max(w, h) <= 1024
    assert make_buckets(_spec(enable=False)) == [(512, 512)]


def test_bucket_choice_follows_aspect_and_never_upscales():
    spec = _spec()
    buckets = make_buckets(spec)
    assert assign_bucket(1200, 800, buckets, spec) == (640, 384)
    wide_bucket = assign_bucket(1000, 2000, buckets, spec)
    assert wide_bucket[0] < wide_bucket[1]
    # 300x200 would need enlarging: it keeps its own size, rounded down to the step.
    assert assign_bucket(300, 200, buckets, spec) == (256, 192)
    up = _spec(upscale=True)
    assert assign_bucket(300, 200, make_buckets(up), up) == (640, 384)


def test_load_for_bucket_crops_centre_and_reports_sizes(tmp_path):
    img = Image.new("RGB", (128, 64), "white")
    img.paste((255, 0, 0), (0, 0, 32, 64))  # red strip on the left: cropped away by a centre crop
    img.save(tmp_path / "a.png")
    (item,) = scan_dataset(tmp_path).items
    prepared = load_for_bucket(item, (64, 64))
    assert prepared.pixels.shape == (3, 64, 64)
    assert prepared.original_size == (64, 128) and prepared.crop_top_left == (0, 32)
    assert prepared.target_size == (64, 64)
    assert np.allclose(prepared.pixels, 1.0)  # all white: the red strip was outside the crop


def test_epoch_order_is_deterministic_bucket_pure_and_covers_every_entry():
    entries = [(i, (64, 64)) for i in range(5)] + [(i, (128, 64)) for i in range(5, 8)]
    first = epoch_batches(entries, 2, seed=1, epoch=0)
    assert first == epoch_batches(entries, 2, seed=1, epoch=0)
    assert first != epoch_batches(entries, 2, seed=1, epoch=1)
    assert sorted(i for b in first for i in b) == list(range(8))
    for batch in first:
        assert len({entries[i][1] for i in batch}) == 1


def test_regularization_entries_match_training_count():
    train = [(0, (64, 64), 3), (1, (64, 64), 1)]
    reg = [(2, (64, 64), 1)]
    entries, n_train = expand_repeats(train, reg)
    used = [entries[i][0] for b in epoch_batches(entries, 2, seed=1, epoch=0, n_train=n_train) for i in b]
    assert n_train == 4 and used.count(0) == 3 and used.count(2) == 4


def test_regularization_images_are_all_used_over_the_epochs_in_a_seeded_order():
    # 4 training views, 10 regularization images: each epoch pairs 4 of them; sd-scripts-style
    # "first N only" would never show images 4..9.
    train = [(i, (64, 64), 1) for i in range(4)]
    reg = [(4 + i, (64, 64), 1) for i in range(10)]
    entries, n_train = expand_repeats(train, reg)

    def reg_seen(seed: int, epoch: int) -> list[int]:
        batches = epoch_batches(entries, 2, seed=seed, epoch=epoch, n_train=n_train)
        seen = [entries[i][0] for b in batches for i in b]
        assert sorted(i for i in seen if i < 4) == [0, 1, 2, 3]  # every training image once
        return sorted(i for i in seen if i >= 4)

    epochs = [reg_seen(7, e) for e in range(3)]
    assert all(len(e) == 4 for e in epochs)  # one regularization view per training view
    assert sorted({i for e in epochs for i in e}) == list(range(4, 14))  # all 10 within 3 epochs
    assert len(set(epochs[0]) | set(epochs[1])) == 8  # epoch 2 continues where epoch 1 stopped
    assert epochs == [reg_seen(7, e) for e in range(3)]  # the same for the same seed
    assert [reg_seen(8, e) for e in range(3)] != epochs  # another seed, another order


def test_missing_captions_warning_says_how_many_and_what_they_train_with(tmp_path):
    draw_dataset(tmp_path / "plain", 3)
    assert scan_dataset(tmp_path / "plain").missing_captions_warning() is None
    for caption in sorted((tmp_path / "plain").glob("*.txt"))[:2]:
        caption.unlink()
    bare = scan_dataset(tmp_path / "plain").missing_captions_warning()
    assert bare == {
        "kind": "missing_captions",
        "message": "2 of 3 images have no caption file (caption_extension '.txt'); "
        "they train with an empty caption",
        "missing": 2,
        "images": 3,
        "caption_extension": ".txt",
    }
    with_trigger = scan_dataset(tmp_path / "plain", trigger_word="sks").missing_captions_warning()
    assert with_trigger["message"].endswith(
        "they train with only their folder's class tokens or the trigger word"
    )
    # Captions saved as .caption while the config looks for .txt: none is found.
    draw_dataset(tmp_path / "mixed" / "5_sks dog", 2)
    draw_dataset(tmp_path / "mixed", 2)
    for caption in (tmp_path / "mixed").rglob("*.txt"):
        caption.rename(caption.with_suffix(".caption"))
    found = scan_dataset(tmp_path / "mixed")
    assert found.missing_captions_warning()["message"] == (
        "4 of 4 images have no caption file (caption_extension '.txt'); 2 of them train with an empty "
        "caption, the rest with only their folder's class tokens or the trigger word"
    )
    fixed = scan_dataset(tmp_path / "mixed", caption_extension=".caption")
    assert fixed.missing_captions_warning() is None
