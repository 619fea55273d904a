"""Question cases for advisor/rulebook_threads_r.toml (issue 21, seventeenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # Krita AI Diffusion
    "apps.krita_face_files": "크리타에서 얼굴 참조(Face) 레이어를 쓰면 IP-Adapter model 'face' for SD 1.5 not found가 떠요. 어떤 파일이 필요해요?",
    # ComfyUI LoRA Manager
    "nodes.lora_manager_recipes": "Does a LoRA Manager recipe also apply the prompt, or only the LoRAs? And which node saves images it can import?",
    # ComfyUI's Nodes 2.0
    "nodes.nodes2_custom_widgets": "I turned on Nodes 2.0 and now my custom node's widgets overlap and the buttons don't respond. How do I go back?",
    # Old web UIs without built-in LoRA
    "webui.no_builtin_lora": "코랩 노트북 웹UI에 로라를 models/Lora에 넣었는데 인식이 안 돼요. 새로고침해도 목록에 없어요.",
    # Making LoRAs that combine
    "recipe.outfit_combinable": "My uniform LoRA ruins the face whenever I use it together with a character LoRA. How should I build its dataset?",
    # Speed LoRAs and the look
    "infer.speed_lora_look": "가속 로라(DMD2) 쓰면 색감이 진해지고 그림체가 바뀌는 것 같은데 원래 그런가요?",
    # Swapping a LoRA in ComfyUI
    "comfylora.swap_lora_in_place": "In ComfyUI, can I change the lora in the existing loader node instead of adding a new one and rewiring everything?",
    # Character LoRAs that carry their style
    "lora.character_style_blocks": "캐릭터 로라가 학습한 화풍을 계속 끌고 와서 다른 화풍 로라를 써도 안 바뀌어요. 캐릭터만 남길 수 없나요?",
}
