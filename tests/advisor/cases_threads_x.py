"""Question cases for advisor/rulebook_threads_x.toml (issue 21, nineteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # the Dreambooth extension
    "ext.dbext_class_images": "Can I use my own downloaded photos as class images in the dreambooth extension instead of letting it generate them?",
    "ext.dbext_steps_per_image": "드림부스 확장에서 Max Training Steps랑 이미지당 스텝 중에 뭘 설정해야 돼요?",
    "ext.dbext_existing_prompt": "What does Class Token + Description mean in the dreambooth extension settings?",
    "ext.dbext_save_frequency": "드림부스 확장에서 라이프타임 에폭 옵션은 뭐고, 저장 주기는 에폭 기준이에요 스텝 기준이에요?",
    "ext.dbext_auto_captions": "Can the dreambooth extension caption my dataset automatically with BLIP before training?",
    "ext.dbext_sample_prompts": "What is the Sanity Sample Seed for, and why can't it be -1?",
    # EveryDream2
    "tuners.ed2_save_every_n_epochs": "에브리드림2로 학습하는데 save_every_n_epochs를 줘도 체크포인트가 끝에만 생겨요.",
    # TheLastBen's notebooks
    "notebooks.tlb_a1111_sdxl": "Where do I switch TheLastBen's webui notebook from 1.5 to SDXL?",
    "notebooks.tlb_gpu_high_res": "라스트벤 드림부스 코랩 돌릴 때 A100 프리미엄이 꼭 필요해요?",
    # textual inversion
    "method.ti_embedding_name": "If I rename an embedding file, does the embedding name change how it works?",
}
