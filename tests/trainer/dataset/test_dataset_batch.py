from trainer.dataset.batch import Manifest, run_batch
from trainer.dataset.report import format_summary


def test_interrupt_keeps_finished_items_and_rerun_skips_them(tmp_path):
    path = tmp_path / "m.jsonl"
    interrupt = {"at": "c"}

    def work(item):
        if item == interrupt.get("at"):
            interrupt.clear()
            raise KeyboardInterrupt  # Ctrl-C while "c" is being worked on
        return None if item != "e" else "e: cannot be read"

    first = run_batch(list("abcde"), str, work, Manifest(path, "sig"), progress=False)
    assert first.interrupted and first.done == ["a", "b"]
    with path.open("a") as fh:
        fh.write('{"key": "c", "sig')  # a line cut off by a crash while writing
    second = run_batch(list("abcde"), str, work, Manifest(path, "sig"), progress=False)
    assert second.skipped == ["a", "b"] and second.done == ["c", "d"]
    assert second.failed == {"e": "e: cannot be read"} and not second.interrupted
    other = run_batch(list("ab"), str, lambda i: None, Manifest(path, "other settings"), progress=False)
    assert other.done == ["a", "b"]  # different settings: nothing is skipped


def test_chat_summary_fits_a_discord_message():
    rejected = [
        {"name": f"f{i}.png", "reason": "corrupt", "message": f"f{i}.png: " + "x" * 80} for i in range(60)
    ]
    summary = {
        "count_verdict": "3 images: fewer than the guide's 20-100.",
        "resolution": {"target": 512, "too_small": ["a.png"]},
        "blurry": [],
        "poor_quality": [],
        "near_duplicate_clusters": [["a.png", "b.png"]],
    }
    text = format_summary({"summary": summary, "intake": {"rejected": rejected}})
    assert len(text) <= 1900 and text.endswith("(see report.json)")
    assert "- 1 smaller than 512 px" in text and "- 2 near-duplicates" in text and "Refused 60:" in text
