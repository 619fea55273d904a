"""Question cases for advisor/rulebook_uiuse.toml (issue 21, eleventh round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "uiuse.lora_negative_prompt": "Does putting <lora:ugly:1> in the negative prompt work in Forge?",
    "uiuse.hidden_folders": "로라를 .archive 폴더로 옮겼더니 Lora 탭에서 사라졌어요, 숨김 폴더 설정이 있나요?",
    "uiuse.lycoris_folder": "Do LyCORIS files still go in models/LyCORIS on A1111 1.9, and do I write <lyco:> or <lora:>?",
    "uiuse.hires_fix_lora": "Can I use a different LoRA only in the hires fix pass?",
    "uiuse.dora_files": "DoRA 파일은 A1111에서 그냥 로라처럼 쓰면 되나요?",
    "uiuse.comfy_refresh_list": "I copied a new lora into ComfyUI but it is not showing in the Load LoRA dropdown",
    "uiuse.fooocus_lora_slots": "푸커스에서 로라를 5개보다 더 쓰고 싶은데 슬롯을 늘릴 수 있나요?",
    "uiuse.sd_version_filter": "My Pony LoRA from OneTrainer is shown as SD1 and hidden when an SDXL model is loaded",
    "uiuse.networks_with_errors": "이미지 밑에 Networks with errors: mylora (264) 라고 뜨는데 무슨 뜻이에요?",
    "uiuse.swarm_presets_lora": "SwarmUI warns input has 1 loras but 0 weights when I load my preset, why?",
    "uiuse.comfy_clipskip_lora_order": "In ComfyUI should CLIP Set Last Layer go before or after the LoRA loader?",
    "uiuse.duplicate_names": "I have two LoRAs with the same file name in different subfolders and A1111 loads the wrong one",
    "uiuse.fooocus_lora_no_effect": "Fooocus 에서 로라를 골랐는데 아무 효과가 없어요. 에러도 안 나요",
    "uiuse.comfy_civitai_resources": "When I upload ComfyUI images civitai does not detect the loras I used, how do I fix it?",
    "uiuse.tag_weight_order": "I copied <lora:style:1:0.3> from an A1111 prompt into ComfyUI, does the second number mean the same thing?",
    "uiuse.lora_tab_location": "A1111 에서 로라 탭이 어디 있나요? 설치했는데 로라 카드가 안 보여요",
    "uiuse.weight_vs_trigger_emphasis": "My character is weak, should I raise the lora weight or put the trigger word in brackets like (trigger:1.2)?",
    "uiuse.organize_lora_library": "로라가 수백 개라 찾기가 힘들어요. 폴더를 어떻게 정리하는 게 좋아요?",
    "uiuse.check_lora_applied": "How can I tell if my LoRA is actually loaded in Forge? The console shows skipped 264 keys",
    "uiuse.civitai_pick_version": "The civitai page of a LoRA has several versions, which file should I download for my Illustrious checkpoint?",
    "uiuse.swarm_lora_stages": "In SwarmUI my character lora seems applied twice when I add <segment:face>, the face gets overcooked",
}
