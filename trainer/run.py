"""`python -m trainer.run JOB_DIR`: train the run described by JOB_DIR/config.toml.

This is the child process the worker starts for every job, and the code `loracord train` runs too.
It always resumes from the newest complete checkpoint in JOB_DIR/checkpoints/. Exit status
(docs/contracts.md): 0 done, 1 failed (an `error` event was written), 3 stopped by JOB_DIR/STOP.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from config.training import ConfigError, load_train_config
from trainer.job_paths import JobPaths

EXIT_DONE, EXIT_FAILED, EXIT_STOPPED = 0, 1, 3

log = logging.getLogger("trainer.run")


def report_failure(
    events,  # noqa: ANN001 - EventWriter
    kind: str,
    message: str,
    field: str | None = None,
    *,
    what: str = "training",
) -> int:
    """Write the `error` event (and the same line to stderr, i.e. train.log); returns EXIT_FAILED."""
    fields = {"kind": kind, "message": message}
    if field:
        fields["field"] = field
    print(f"{what} failed ({kind}): {message}", file=sys.stderr)
    try:
        events.emit("error", **fields)
    except OSError as exc:  # a full disk can refuse the error event too; stderr (train.log) has it
        print(f"could not write the error event: {exc}", file=sys.stderr)
    return EXIT_FAILED


def job_dir_main(job_dir: Path, *, progress: bool | None = None) -> int:
    """Train JOB_DIR from its config.toml; returns the exit status."""
    import torch

    from trainer.engine.errors import TrainingError
    from trainer.engine.events import EventWriter
    from trainer.engine.train import train

    job_dir = Path(job_dir).resolve()
    try:
        events = EventWriter(job_dir, progress=progress)
    except OSError as exc:
        # Without a writable run folder there is nowhere to put the error event: say it on stderr.
        print(f"training failed (disk): cannot use the run folder {job_dir}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        cfg = load_train_config(JobPaths(job_dir).config)
        # The run folder is where it is now, whatever the frozen config said when it was written.
        cfg = cfg.replace(output_dir=str(job_dir))
        result = train(cfg, job_dir, events=events)
    except ConfigError as exc:
        return report_failure(events, "config", str(exc), exc.field)
    except TrainingError as exc:
        return report_failure(events, exc.kind, str(exc), exc.field)
    except torch.OutOfMemoryError as exc:
        return report_failure(
            events,
            "oom",
            f"out of memory ({exc}); lower train_batch_size or resolution, or turn on gradient_checkpointing",
            "train_batch_size",
        )
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return report_failure(
                events, "disk", f"the disk is full: {exc}; free space or lower keep_checkpoints"
            )
        log.error("training failed:\n%s", traceback.format_exc())
        return report_failure(events, "internal", f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - the child's last word: every failure must reach the worker as an event
        log.error("training failed:\n%s", traceback.format_exc())
        return report_failure(events, "internal", f"{type(exc).__name__}: {exc}")
    finally:
        events.close()
    return EXIT_DONE if result.status == "done" else EXIT_STOPPED


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer.run", description=__doc__.split("\n")[0])
    parser.add_argument("job_dir", type=Path, help="run folder holding config.toml")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return job_dir_main(args.job_dir)


if __name__ == "__main__":
    sys.exit(main())
