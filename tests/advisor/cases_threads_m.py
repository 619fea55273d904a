"""Question cases for advisor/rulebook_threads_m.toml (issue 21, sixteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # datasets
    "dataset.same_shot_bias": "Most of my training pictures are the same front-facing angle; will the LoRA only draw that angle?",
    # stacking LoRAs
    "infer.style_lora_blend": "포즈 말고 화풍 로라 두 개를 섞어서 새 그림체를 만들고 싶은데 가중치는 어떻게 나눠요?",
    # diffusion-pipe
    "diffpipe.steps_per_epoch": "diffusion-pipe 에포크당 스텝 수가 이미지 수보다 적은 게 gradient_accumulation_steps 때문인가요?",
    # D-Adaptation
    "optimizer.dadapt_lion_args": "Which optimizer_args work with DAdaptLion in kohya?",
    # kohya_ss GUI
    "gui.kohya_no_queue": "Can kohya_ss run my saved configs back to back overnight?",
}
