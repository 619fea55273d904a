"""A stand-in for `python -m trainer.run JOB_DIR` that follows docs/contracts.md, for fast tests of the
worker's mechanics (timeouts, crashes, kills, retries). The real engine is exercised by
test_queue_acceptance.py; this one only needs no torch and runs in milliseconds.

Invoked as `fake_trainer.py -m trainer.run JOB_DIR`. JOB_DIR/fake.json says what to do:
steps, step_s, crash_at (os._exit(70) at that step, first attempt only), error (write an error event
of that kind and exit 1), ignore_stop (keep going after STOP), checkpoint_every. It writes the GPU it
was given (CUDA_VISIBLE_DEVICES) to JOB_DIR/gpu.txt.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main() -> int:
    job_dir = Path(sys.argv[-1])
    plan_file = job_dir / "fake.json"
    plan = json.loads(plan_file.read_text()) if plan_file.exists() else {"steps": 5, "step_s": 0.6}
    (job_dir / "gpu.txt").write_text(os.environ.get("CUDA_VISIBLE_DEVICES", "unset"))
    events = job_dir / "events.jsonl"

    def emit(event_type, **fields):
        with events.open("a") as fh:
            fh.write(json.dumps({"type": event_type, "time": time.time(), **fields}) + "\n")

    state = job_dir / "checkpoints" / "state.json"
    step = json.loads(state.read_text())["step"] if state.exists() else 0
    attempt_file = job_dir / "attempts"
    attempt = int(attempt_file.read_text()) + 1 if attempt_file.exists() else 1
    attempt_file.write_text(str(attempt))
    total = plan.get("steps", 5)
    emit("start", total=total, arch="sd15", num_images=1, num_reg_images=0, resumed_from=step)
    if plan.get("error"):
        emit("error", kind=plan["error"], message=f"fake {plan['error']} failure")
        print("Traceback: fake failure", file=sys.stderr)
        return 1
    while step < total:
        time.sleep(plan.get("step_s", 0.02))
        step += 1
        emit("step", step=step, total=total, loss=0.1, lr=1e-4, eta_s=(total - step) * 0.02, s_per_step=0.02)
        if step % plan.get("checkpoint_every", 1) == 0:
            state.parent.mkdir(exist_ok=True)
            state.write_text(json.dumps({"step": step}))
            emit("checkpoint", step=step, path="checkpoints")
        if plan.get("crash_at") == step and attempt == 1:
            os._exit(70)
        if (job_dir / "STOP").exists() and not plan.get("ignore_stop"):
            emit("stopped", step=step)
            return 3
    (job_dir / "output").mkdir(exist_ok=True)
    (job_dir / "output" / "fake.safetensors").write_bytes(b"weights")
    emit("done", step=step, output="output/fake.safetensors", files=["output/fake.safetensors"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
