"""Question cases for advisor/rulebook_webui.toml (issue 21, ninth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "webui.batch_count_size": "In A1111 should I raise batch count or batch size to get 8 pictures on a 8GB card?",
    "webui.seeds_variation": "베리에이션 시드는 어떻게 쓰나요? 마음에 드는 그림을 살짝만 바꾸고 싶어요",
    "webui.hires_fix_fields": "Which upscaler and denoising strength should I use for hires fix with an anime LoRA?",
    "webui.prompt_chunks_break": "프롬프트가 75 토큰을 넘으면 뒤쪽은 무시되나요? BREAK는 뭐예요?",
    "webui.emphasis_mode": "What does (blue eyes:1.3) do, and how far can I push prompt weights in brackets?",
    "webui.pnginfo_infotext": "civitai에서 받은 이미지에서 프롬프트랑 설정을 가져오려면 어떻게 해요? PNG Info 쓰면 되나요",
    "webui.styles": "Can I save my quality tags and negative prompt as a style preset in Forge?",
    "webui.sampler_parameters": "Where did DPM++ 2M Karras go in A1111 1.9? I only see a separate schedule type",
    "webui.precision_flags": "--no-half-vae랑 --no-half는 언제 써야 하나요?",
    "webui.vram_flags": "Should I add --medvram or --xformers to COMMANDLINE_ARGS for SDXL on a 8GB card?",
    "webui.vae_select": "How do I put the SD VAE dropdown at the top of the page next to the checkpoint?",
    "webui.checkpoint_cache": "체크포인트 바꿀 때마다 로딩이 너무 오래 걸려요. 여러 모델을 메모리에 올려둘 수 있나요?",
    "webui.lora_settings": "Which LoRA options in the Extra Networks settings of A1111 are worth changing, like refer to Lora by filename?",
    "webui.extra_networks_cards": "로라 카드에 미리보기 이미지랑 선호 가중치를 저장하려면 어떻게 해요?",
    "webui.adetailer_settings": "What ADetailer confidence threshold and inpaint denoising should I use so it keeps my character LoRA face?",
    "webui.regional_prompter": "리전 프롬프터로 왼쪽은 A 캐릭터 로라, 오른쪽은 B 캐릭터 로라를 쓰려면 어떻게 설정해요?",
    "webui.dynamic_thresholding": "How do mimic scale and CFG scale work together in Dynamic Thresholding?",
    "webui.controlnet_unit_settings": "컨트롤넷 control weight랑 ending control step을 어떻게 두면 로라 화풍이 덜 죽나요?",
    "webui.tiled_vae_diffusion": "Tiled VAE settings for upscaling to 4k on an 8GB card without running out of memory?",
    "webui.img2img_noise": "What does the noise multiplier for img2img do, should I lower it for inpainting?",
    "webui.dynamic_prompts": "와일드카드로 이미지마다 다른 의상 프롬프트를 넣고 싶은데 어떻게 해요?",
    "webui.civitai_helper": "Is there a way to download previews and trigger words from civitai for all my LoRAs at once, like Civitai Helper?",
    "webui.forge_gpu_weights": "포지에서 GPU weights 슬라이더는 몇으로 둬야 하나요? 12GB 카드예요",
    "webui.forge_ui_presets": "In Forge where do t5xxl and clip_l go, and what do I pick in the VAE / Text Encoder box for a GGUF Flux model?",
    "webui.forge_variants": "Should I switch from A1111 to Forge or reForge for SDXL LoRAs?",
    "webui.face_restoration": "Should I turn on restore faces with CodeFormer when I use my anime character LoRA?",
    "webui.supermerger_lora": "슈퍼머저로 로라 두 개를 하나로 합치거나 체크포인트에 넣을 수 있나요?",
    "webui.tagger_dataset_editor": "How do I caption a whole training folder with the WD14 tagger extension in A1111 and add my trigger word to every file?",
    "webui.extensions_manage": "업데이트 후에 webui가 안 켜져요. 확장을 전부 비활성화하려면 어떻게 하나요?",
    "webui.ultimate_sd_upscale": "울티메이트 SD 업스케일로 4K 만들 때 타일 크기랑 패딩, seams fix는 어떻게 해요?",
}
