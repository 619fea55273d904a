"""Question cases for advisor/rulebook_install.toml (issue 21, twelfth session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "install.antivirus": "Windows Defender quarantined a file while I was installing OneTrainer",
    "install.build_tools": "pip install fails with error: Microsoft Visual C++ 14.0 or greater is required",
    "install.window_closes": "setup.bat 실행하면 창이 바로 꺼져요",
    "install.first_start": "kohya gui 처음 켜면 어디로 접속해요? 127.0.0.1:7860 맞나",
    "install.rollback": "How do I roll back OneTrainer to an older version after an update broke it?",
    "install.docker_images": "도커로 kohya 돌리는법",
    "install.fluxgym": "How do I install fluxgym manually, do I need to clone sd-scripts inside it?",
}
