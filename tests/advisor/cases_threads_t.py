"""Question cases for advisor/rulebook_threads_t.toml (issue 21, eighteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # fast-DreamBooth
    "notebooks.tlb_long_runs": "패스트 드림부스 학습을 일시정지했다가 내일 이어서 할 방법이 있나요? 세션이 자꾸 끊겨요",
    # OneTrainer
    "onetrainer.concept_files": "My unzipped dataset has a __MACOSX folder and OneTrainer crashes on it, what should the prompt source be for .txt captions?",
    # LoRA_Easy_Training_Scripts
    "trainers.lets_no_finetune": "Can Easy Training Scripts do a full fine-tune of a Pony checkpoint instead of a LoRA?",
    # EasyPhoto
    "webext.easyphoto_sdxl": "이지포토로 SDXL 얼굴 로라 학습하려면 VRAM 얼마나 필요해요?",
    # AUTOMATIC1111
    "webui.api_scripting": "I want to batch-generate from Python without the browser and get the same images as Automatic1111, how?",
    "webui.lora_basics": "I grabbed a LoRA file off civitai, how do I use it in Forge and what is the number after the last colon in the tag?",
}
