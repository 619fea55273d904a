"""Question cases for advisor/rulebook_uierrors.toml (issue 21, twelfth session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "uierrors.message_map": "로라 쓸 때 콘솔에 뜨는 경고들 무슨 뜻이에요? 무시해도 되는 거 있음?",
    "uierrors.a1111_module_type": "A1111 throws AssertionError: Could not find a module type that would accept those keys for one LoRA",
    "uierrors.diffusers_invalid_checkpoint": "pipe.load_lora_weights on a civitai file gives ValueError: Invalid LoRA checkpoint.",
    "uierrors.tensor_size_numbers": "로라 넣고 돌리면 The size of tensor a (768) must match the size of tensor b (2048) 에러가 떠요",
}
