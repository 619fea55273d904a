"""`python -m trainer.run JOB_DIR`: train the run described by JOB_DIR/config.toml.

This is the child process the worker starts for every job, and the code `loracord train` runs too.
It always resumes from the newest complete checkpoint in JOB_DIR/checkpoints/. Exit status
(docs/contracts.md): 0 done, 1 failed (an `error` event was written), 3 stopped by JOB_DIR/STOP.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

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

    from trainer.engine import ddp
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
        if cfg.num_processes > 1 and not ddp.launched():
            return _run_ranks(job_dir, cfg.num_processes, events)
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


def _run_ranks(job_dir: Path, num_processes: int, events) -> int:  # noqa: ANN001 - EventWriter
    """Train with `num_processes` ranks (trainer/engine/ddp.py); the exit status follows the main
    rank's last event (done 0, stopped 3, error 1)."""
    from trainer.engine import ddp

    shortfall = ddp.gpu_shortfall(num_processes)
    if shortfall:
        return report_failure(events, "config", shortfall, "num_processes")
    path = JobPaths(job_dir).events
    start = path.stat().st_size if path.exists() else 0
    code = ddp.launch_ranks(job_dir, num_processes)
    ended = None
    with path.open("rb") as fh:
        fh.seek(start)
        for line in fh.read().splitlines():
            with contextlib.suppress(ValueError):
                kind = json.loads(line).get("type")
                ended = kind if kind in ("done", "stopped", "error") else ended
    if ended == "done":
        return EXIT_DONE
    if ended == "stopped":
        return EXIT_STOPPED
    if ended == "error":
        return EXIT_FAILED
    return report_failure(
        events, "internal", f"the {num_processes} training processes ended (status {code}) without a result"
    )


def exit_without_teardown(code: int) -> NoReturn:
    """End a one-shot training process whose files are written and closed.

    The atexit handlers still run (logging flushes, temporary folders go) and stdout/stderr are
    flushed; what is skipped is Python's module teardown, which after a training run frees torch,
    diffusers and transformers object by object for about a second (measured on the 2-core machine,
    docs/benchmarks.md) and does nothing a finished run needs. Only for process entry points: never
    from code that tests or the bot call in-process.
    """
    import atexit

    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer.run", description=__doc__.split("\n")[0])
    parser.add_argument("job_dir", type=Path, help="run folder holding config.toml")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return job_dir_main(args.job_dir)


if __name__ == "__main__":
    exit_without_teardown(main())
