"""The progress message shows the validation loss and the advisor's overfitting warning."""

import json

from bot.validation_text import validation_lines
from trainer.job_paths import JobPaths


def test_progress_lines_from_the_validation_file(tmp_path):
    assert validation_lines(tmp_path, "en-US") == []
    paths = JobPaths(tmp_path)
    paths.validation_curve.write_text(json.dumps({"curve": [[10, 0.2], [20, 0.1]], "checkpoints": []}))
    assert validation_lines(tmp_path, "en-US") == ["validation loss 0.1000 (lowest 0.1000 at step 20)"]
    paths.validation_curve.write_text(
        json.dumps({"curve": [[10, 0.2], [20, 0.1], [30, 0.12], [40, 0.15]], "checkpoints": []})
    )
    paths.checkpoint(20).mkdir(parents=True)
    lines = validation_lines(tmp_path, "en-US")
    assert lines[1] == "⚠️ overfitting since step 20: use checkpoint 20"
    paths.validation_curve.write_text("{half")
    assert validation_lines(tmp_path, "en-US") == []
