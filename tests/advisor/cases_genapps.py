"""Question cases for advisor/rulebook_genapps.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "genapps.fooocus_performance_presets": "What does Extreme Speed change in Fooocus compared to Speed, does it load some LoRA?",
    "genapps.fooocus_refiner_loras": "푸커스에서 리파이너를 켜면 내 로라가 약해지는 것 같아요. 리파이너에도 로라가 적용되나요?",
    "genapps.fooocus_inline_tags": "I put <lora:mystyle:0.7> inside a Fooocus wildcard file and it does nothing",
    "genapps.fooocus_api_loras": "How do I pass a LoRA to Fooocus-API text-to-image, what fields does the loras list need?",
    "genapps.fooocus_api_performance": "Fooocus API에서 performance_selection을 Lightning으로 보내면 guidance_scale은 무시되나요?",
    "genapps.fooocus_config_loras": "Can Fooocus use my Forge Lora folder? How do I set path_loras in config.txt?",
    "genapps.sdnext_trigger_words": "SD.Next 에서 로라 트리거 단어는 어디서 넣어요? A1111처럼 activation text 칸이 안 보여요",
    "genapps.sdnext_lora_methods": "In SD.Next what does 'LoRA load using Diffusers method' do, should I turn fuse off?",
    "genapps.swarm_paths_restart": "I changed SDLoraFolder in SwarmUI server configuration but my loras still don't show",
    "genapps.swarm_trigger_phrase": "스웜UI에서 로라 트리거 단어가 자동으로 안 들어가요. 어떻게 넣어요?",
    "genapps.invoke_trigger_phrases": "Where do I add trigger words for a LoRA in InvokeAI so I can insert them into the prompt?",
    "genapps.efficiency_xy_lora": "Efficiency nodes XY plot with XY Input: LoRA gives nothing, how do I wire it to the KSampler?",
    "genapps.efficiency_lora_plot": "컴피 efficiency 노드로 에폭 파일들과 가중치를 한 그리드로 비교하고 싶어요",
    "genapps.power_prompt_double_lora": "I wrote the same <lora:> tag in prompt_g and prompt_l of SDXL Power Prompt, is it loaded twice?",
    "genapps.dynprompts_lora_syntax": "Can I randomize lora weight with dynamic prompts like <lora:style:{0.4|0.7}>?",
    "genapps.civitai_helper_triggers": "The Civitai Helper lightbulb button adds nothing for my own trained LoRA, how can I store trigger words?",
    "genapps.tagcomplete_model_keyword": "콘솔에 Could not locate model-keyword extension 이라고 뜨는데 문제 있는 건가요?",
    "genapps.xyz_prompt_sr_rules": "X/Y/Z plot says Prompt S/R did not find my value in prompt or negative prompt, what am I doing wrong?",
    "genapps.xyz_lora_two_axes": "How do I make an xyz plot with lora epochs on X and lora weight on Y in Forge?",
    "genapps.comfy_speed_lora_nodes": "What KSampler settings do I need for the SDXL Lightning 4 step LoRA in ComfyUI, and do I need ModelSamplingDiscrete?",
    "genapps.webui_speed_lora_settings": "A1111 에서 LCM 로라를 쓰려는데 LCM 샘플러가 목록에 없어요",
    "genapps.speed_lora_partial_strength": "My images with the DMD2 lora look washed out and grey, should I lower its strength or raise cfg?",
    "genapps.comfy_dynprompts_lora_tags": "In ComfyUI my wildcard node outputs <lora:xyz:0.8> but the lora is not applied",
    "genapps.efficiency_loader_lora": "I typed <lora:char:0.8> in the positive box of the Efficient Loader and nothing changes",
    "genapps.prompt_control_lora": "comfyui-prompt-control 으로 로라를 절반 스텝까지만 적용하려면 문법이 어떻게 돼요?",
    "genapps.sdnext_xyz_lora": "How do I compare several LoRA files and strengths in the SD.Next XYZ grid?",
    "genapps.prompts_from_file_lora": "Can I put a different lora on each line with Prompts from file or textbox in Forge?",
}
