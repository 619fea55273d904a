"""Question cases for advisor/rulebook_webext.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "webext.addnet_extra_paths": "The Additional Networks panel only shows None in Model 1 even though my loras are in models/Lora, what folder does it want?",
    "webext.addnet_weight_limits": "애드넷 가중치 슬라이더가 2까지밖에 안 올라가요. 슬라이더 로라를 -5로 쓰고 싶은데 한계를 바꿀 수 있나요?",
    "webext.addnet_hash_metadata": "What is the number in brackets after the model name in additional networks, and does editing metadata change that hash?",
    "webext.addnet_mask_limits": "Is the additional networks extension still worth installing? Does it load SDXL or LoHa files?",
    "webext.locon_hijack_message": "콘솔에 'Additional Network extension not installed, Only hijack built-in lora'라고 뜨는데 문제 있는 건가요?",
    "webext.lbw_presets_file": "Where are my custom lora block weight presets saved? They disappeared after I reinstalled the extension",
    "webext.lbw_in_adetailer": "My lbw=FACE block weights work in txt2img but ADetailer seems to ignore them in the face pass",
    "webext.adetailer_lora_pass": "When I write my own ADetailer prompt the face stops looking like my character lora, do I need the lora tag in the ad prompt too?",
    "webext.regional_locon_loha": "리전 프롬프터 latent 모드에서 로콘(LoCon) 파일이 적용이 안 돼요. 일반 로라는 되는데요",
    "webext.agent_scheduler_lora": "Can agent scheduler queue different lora prompts overnight and run each one on all my checkpoints?",
    "webext.inpaint_anything_lora": "Inpaint Anything 탭에서 프롬프트에 로라 태그를 넣었는데 전혀 반영이 안 돼요",
    "webext.inpaint_only_masked_lora": "When I inpaint a face with only masked, what width/height and padding should I use so the lora face isn't blurry?",
    "webext.lora_hashes_infotext": "What does the Lora hashes line in my png info mean, and why doesn't it match the AutoV2 hash on civitai?",
    "webext.sd_lora_add_network": "A lora is added to every image even though there's no tag in my prompt, where is that coming from?",
    "webext.forge_patching_loras": "Every time I change a lora weight Forge shows Patching LoRAs for KModel and it takes over a minute, is that normal?",
    "webext.forge_lora_version_mismatch": "포지에서 [LORA] LoRA version mismatch for KModel 이라고 뜨면서 로라가 안 먹어요",
    "webext.forge_lowbit_lora_check": "My flux lora does nothing on the nf4 checkpoint in Forge but works in ComfyUI, what should I check?",
    "webext.reforge_lora_differences": "Is reForge better than Forge for using loras with A1111 extensions like block weight?",
    "webext.share_lora_folder": "I have A1111 and Forge installed, how can Forge use the same Lora folder without copying everything?",
    "webext.img2img_batch_pnginfo": "img2img 배치로 폴더 이미지 전부에 로라 그림체를 입히고 싶은데, 원래 프롬프트도 같이 쓸 수 있나요?",
    "webext.supermerger_lora_issues": "I merged an SDXL lora into my checkpoint with supermerger but the merged model gives the same image as before, no effect",
    "webext.loractl_lbw_conflict": "After installing loractl my lbw= block weights stopped doing anything, do they conflict?",
    "webext.lbw_lycoris_26": "How many block weights does a LoCon need in lbw? My 17 value preset seems to kill part of the locon",
    "webext.adetailer_api_lora": "API로 txt2img 호출할 때 adetailer에 얼굴 로라를 넣으려면 alwayson_scripts args를 어떻게 써야 하나요?",
    "webext.controlnet_hires_option": "With openpose controlnet and hires fix my character lora details get stiff in the upscale, can controlnet apply only to the first pass?",
    "webext.regional_prompter_api": "How do I call regional prompter in latent mode from the API with a different lora in each region? What goes in alwayson_scripts args?",
    "webext.model_toolkit_report": "모델 툴킷 리포트에서 metric이랑 'Fix broken CLIP position IDs'는 뭔가요? 병합 모델에 로라 학습하기 전에 확인하고 싶어요",
}
