"""Question cases for advisor/rulebook_threads_d.toml (issue 21, thirteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # AUTOMATIC1111 / Forge built-ins
    "webui.blip_interrogate_caption": "What does the Interrogate CLIP button in A1111 img2img do, is that BLIP?",
    # Civitai Helper
    "webui.civitai_helper_scan_info": "시비타이 헬퍼 스캔 후에 몇몇 로라는 정보 파일이 비어 있고 썸네일도 없어요, 어떻게 채우나요?",
    "webui.civitai_helper_download": "Civitai Helper download of a LoRA by URL says subfolder string is None, what folder do I pick?",
    # training inside the webui
    "webui.training_extensions": "Is TrainTrain a good way to train a LoRA inside Forge, or should I use train-tools?",
    # ComfyUI core
    "comfy.dynamic_vram_disk_reads": "Since updating, ComfyUI hits my HDD again every time I change the LoRA. How do I keep it in RAM?",
    # SwarmUI
    "swarm.lora_prompt_metadata": "Why does SwarmUI leave only commas where my LoRA tags were in the saved image metadata?",
}
