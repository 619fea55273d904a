"""Question cases for advisor/rulebook_threads_i.toml (issue 21, fourteenth round, part "threads_i"), merged
into test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "method.ti_original_config": "What do progressive_words and initializer_words do in the original textual inversion YAML?",
    "genapps.photoshop_plugin_loras": "포토샵 SD 플러그인에서 LoRA 드롭다운에 아무것도 안 떠요, 어디를 확인해야 하나요?",
    "families.sdxl_derivatives_supported": "Does my SDXL-only generator need an update to support Illustrious checkpoints?",
}
