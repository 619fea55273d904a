"""A zip with one oversized member keeps its good images; size messages never read as equal numbers."""

from dataset_corpus import PHOTOS, encode, photo, zip_bytes

from trainer.dataset.decode import Reason
from trainer.dataset.intake import DatasetIntake, IntakeLimits
from trainer.dataset.limits import MIB, mib_pair


def test_one_oversized_member_is_skipped_with_its_reason_and_the_good_ones_are_kept(tmp_path):
    # 3 MB of zeros: over the 1 MB per-file cap, and (counted in) over the 2 MB total the zip may expand to.
    limits = IntakeLimits(max_upload_bytes=1_000_000, max_zip_expanded_bytes=2_000_000, max_zip_ratio=1e6)
    good = [(f"set/{name}.png", encode(photo(name), "PNG")) for name in PHOTOS[:2]]
    upload = zip_bytes([*good, ("set/huge.png", b"\x00" * 3_000_000), ("set/chelsea.txt", "sks, cat")])
    result = DatasetIntake(tmp_path / "ds", limits).add_upload("photos.zip", upload)
    assert sorted(a.name for a in result.accepted) == sorted(f"photos.zip:{n}" for n, _ in good)
    [refused] = result.rejected
    assert (refused.name, refused.reason) == ("photos.zip:set/huge.png", Reason.TOO_LARGE)
    assert "2.86 MiB uncompressed is over the 0.95 MiB limit per file" in refused.message
    assert "the other files were kept" in refused.message


def test_a_zip_whose_good_members_are_too_much_together_is_still_refused_whole(tmp_path):
    limits = IntakeLimits(max_zip_expanded_bytes=2 * MIB, max_zip_ratio=1e6)
    upload = zip_bytes([(f"{i}.png", b"\x00" * (MIB // 2 + 1)) for i in range(4)])
    [refused] = DatasetIntake(tmp_path / "ds", limits).add_upload("many.zip", upload).rejected
    assert refused.reason == Reason.ZIP_TOO_LARGE
    assert "would expand to 2.00 MiB, over the 2.00 MiB" not in refused.message
    assert "expand to 2.000004 MiB, over the 2.000000 MiB limit" in refused.message


def test_sizes_over_a_limit_never_read_as_equal():
    assert mib_pair(3 * MIB, 2 * MIB) == ("3", "2")
    assert mib_pair(2048 * MIB + 5000, 2048 * MIB) == ("2048.005", "2048.000")
    assert mib_pair(2048 * MIB + 1, 2048 * MIB)[0] != mib_pair(2048 * MIB + 1, 2048 * MIB)[1]
    assert mib_pair(MIB, 2 * MIB) == ("1", "2")
    assert mib_pair(1_098_216, 1_000_000) == ("1.05", "0.95")  # was "1.0 MiB is over the 1 MiB"
