"""trainer.run.exit_without_teardown: a finished training process ends at once, yet keeps what matters."""

import subprocess
import sys
import textwrap


def test_exit_without_teardown_keeps_the_status_the_output_and_the_atexit_handlers(tmp_path):
    marker = tmp_path / "atexit-ran"
    script = textwrap.dedent(
        f"""
        import atexit, logging, sys
        from pathlib import Path
        from trainer.run import exit_without_teardown

        atexit.register(lambda: Path({str(marker)!r}).write_text("yes"))
        logging.basicConfig(stream=sys.stderr, level=logging.INFO)
        logging.getLogger("t").info("logged before the end")
        sys.stdout.write("unflushed line without newline")
        exit_without_teardown(3)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3
    assert done.stdout == "unflushed line without newline"
    assert "logged before the end" in done.stderr
    assert marker.read_text() == "yes"


def test_the_console_script_ends_a_failed_train_with_its_status_and_message(tmp_path):
    """`loracord train` through the console entry point (run()): a bad config is still a clean exit 2."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "train",
            "--data",
            str(tmp_path / "missing"),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "loracord train:" in done.stderr
