"""Question cases for advisor/rulebook_trainerrors.toml (issue 21, twelfth session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "trainerrors.empty_param_list": "Log says NO LR skipping! and then ValueError: optimizer got an empty parameter list, what did I set wrong?",
    "trainerrors.unexpected_kwarg": "학습 누르면 TypeError: forward() got an unexpected keyword argument 떠요. 뭘 다시 깔아야 됨?",
    "trainerrors.oom_epoch_end": "Every time the first epoch finishes and it saves the LoRA I get CUDA out of memory",
    "trainerrors.access_violation": "코햐 학습 중에 returned non-zero exit status 3221225477 뜨고 멈춰요",
    "trainerrors.flux_wrong_script": "Ran sdxl_train_network.py on flux1-dev and got Missing key(s) in state_dict for every block",
}
