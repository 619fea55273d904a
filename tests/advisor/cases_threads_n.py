"""Question cases for advisor/rulebook_threads_n.toml (issue 21, sixteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # diffusion-pipe
    "diffpipe.caption_shuffle": "What does cache_shuffle_num do in a diffusion-pipe dataset config?",
    # Prodigy + Schedule-Free
    "optimizer.prodigy_plus_schedulefree": "프로디지 플러스 스케줄프리 쓸 때 d_coef랑 prodigy_steps는 어떻게 잡아요?",
    # B-LoRA
    "trainers.blora": "Which blocks does a B-LoRA train, and how many steps does it need?",
    # AUTOMATIC1111 / Forge files and launcher
    "webui.lora_filename_chars": "로라 파일 이름에 아포스트로피가 들어가 있으면 문제가 생기나요?",
    "webui.bat_multiline_args": "My COMMANDLINE_ARGS in webui-user.bat are split over several lines, is that allowed?",
    # ComfyUI LoRA Manager
    "nodes.lora_manager_civitai_fetch": "Can LoRA Manager show my LoKr and LoHa files next to the normal LoRAs?",
    "nodes.lora_manager_recipe_relink": "로라 매니저 레시피에 내가 학습한 로라를 연결하려면 어떻게 해요?",
    # LyCORIS / LoRA extraction
    "lora.extract_one_concept": "Is it possible to extract just one character concept from a merged checkpoint as a LoRA?",
}
