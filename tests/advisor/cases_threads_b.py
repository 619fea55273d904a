"""Question cases for advisor/rulebook_threads_b.toml (issue 21, thirteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "threads_b.train_tools_steps": "How does the Train Tools extension in A1111 decide the number of steps per epoch?",
    "threads_b.adevolved_lora_hooks": "애니메이트디프 Evolved에서 Register LoRA Hook 노드를 달았는데 로라가 적용이 안 돼요",
    "threads_b.webui_hypernetwork_lr": "What learning rate should I use to train a hypernetwork in the webui Train tab?",
    "threads_b.comfy_ljre_training": "Where do I set data_path for the LJRE LoRA training node in ComfyUI?",
    "threads_b.subject_medium_to_style": "My figurine LoRA always looks like a plastic toy; how do I get the same character as a cartoon drawing?",
}
