"""Question cases for advisor/rulebook_threads_j.toml (issue 21, fourteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # HCP-Diffusion
    "scripts.diffusers_hcp_lora_plus_embedding": "hcpdiff로 임베딩이랑 LoRA를 한 번에 같이 학습시키는 yaml 예시 있나요?",
    # Dreambooth-GUI
    "scripts.diffusers_dbgui_prior_preservation": "In Dreambooth-GUI, how many class images does it make and which folder are they saved in?",
}
