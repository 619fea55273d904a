"""Question cases for advisor/rulebook_threads_u.toml (issue 21, eighteenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # Fooocus styles
    "genapps.fooocus_styles": "Fooocus의 Fooocus V2랑 Sharp 스타일은 뭘 하는 거예요? 내 스타일을 추가할 수도 있나요?",
    # A1111 extensions through the web API
    "webext.extension_api_args": "How do I pass an extension's arguments in a /sdapi/v1/txt2img request? The script panel has an Enabled checkbox.",
    # rgthree's muters and switches
    "nodes.rgthree_muter_switch": "In ComfyUI I want to choose between two LoRA stacks with a Fast Bypasser. What node picks the active one?",
    # tinyterra (ttN) pipe nodes
    "nodes.ttn_pipe_loras": "ttN pipeLoraStack로 로라를 추가했는데 트리거 단어가 안 먹는 것 같아요. 연결을 어디에 해야 해요?",
    # LCM in A1111
    "genapps.lcm_webui_setup": "With an LCM checkpoint at CFG 7 every image comes out almost black. What settings does LCM need?",
    "genapps.lcm_quality": "LCM 모델로 뽑으면 빠르긴 한데 퀄리티가 많이 떨어져요. 샘플러랑 CFG를 어떻게 잡으면 나아져요?",
    # LoadLoraWithTags
    "nodes.load_lora_with_tags": "What is the opt_prompt input of LoraLoaderTagsQuery for, and where does its string output go?",
    # AI Horde
    "genapps.ai_horde_loras": "스테이블 호드 API로 요청 보낼 때 로라는 어떻게 지정해요? inject_trigger는 뭐예요?",
    # FastSD CPU
    "genapps.fastsd_cpu_lora": "Where do LoRA files go in fastsdcpu, and do they work with the OpenVINO models?",
}
