"""Question cases for advisor/rulebook_ext.toml (issue 21, tenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "ext.lbw_block_counts": "How many numbers does the lbw list need for an SDXL lora? My SD1.5 preset does weird things",
    "ext.lbw_start_stop": "캐릭터 로라를 10스텝 이후에 끄고 싶어요. stop=10 같은 거 어떻게 써요?",
    "ext.lbw_xyz_analyzer": "Is there a way to make an xyz plot of the blocks of my lora to see which block changes the face?",
    "ext.additional_networks": "옛날 애드넷(Additional Networks) 폴더에 넣은 로라가 Lora 탭에 안 보여요",
    "ext.composable_lora_latent_couple": "Does Composable LoRA with Latent Couple still work on A1111 1.9?",
    "ext.regional_latent_lora": "In regional prompter latent mode my second character lora turns the region green, what do I set?",
    "ext.forge_couple": "포지 커플로 두 캐릭터를 좌우에 나눴는데 로라가 양쪽에 다 묻어요",
    "ext.loractl_syntax": "How do I write <lora:style:0@0,1@0.5> with loractl, and can I set a different hr= weight?",
    "ext.wildcards_lora_batch": "My wildcard picks a different lora per image but with batch size 4 they all use the same lora",
    "ext.supermerger_lora_merge": "수퍼머저로 로라 두 개 병합했더니 프롬프트에서 쓸 때보다 약해요. same to strength가 뭐예요?",
    "ext.supermerger_calcmode": "What is the difference between cosineA and trainDifference calcmode in supermerger?",
    "ext.model_toolkit": "My checkpoint is 7.5 GB with EMA, can I prune it and bake the VAE in from inside A1111?",
    "ext.animatediff_lora": "애니메이트디프에서 모션 로라 PanLeft를 넣었는데 움직임이 안 바뀌어요",
    "ext.control_lora_files": "I downloaded sai_xl_depth_256lora, do I put it in the Lora folder?",
    "ext.faceid_lora": "Using ip-adapter faceid plusv2 in the A1111 controlnet, do I also need the faceid lora in my prompt?",
    "ext.tag_autocomplete": "태그 자동완성 확장에서 로라 이름만 나오게 하려면 뭘 쳐야 해요?",
    "ext.forge_never_oom": "Forge keeps giving out of memory at 1536px on my 6GB card even with one lora, what can I turn on?",
    "ext.tagger_errors": "The wd14 tagger extension fails with ONNXRuntimeError opset 18 is under development, how do I fix it?",
    "ext.lora_queue_helper": "폴더에 있는 모든 로라에 같은 프롬프트와 시드로 한 장씩 뽑아서 비교하고 싶어요",
    "ext.civitai_browser_plus": "Civitai Browser+ downloads get stuck at 0% every time, is there a setting for that?",
    "ext.adetailer_per_face_lora": "Two girls in one image, how do I make adetailer use a different lora for each face?",
    "ext.kohya_deep_shrink": "포지에서 Kohya HRFix integrated(딥 슈링크) 값은 어떻게 설정해요? 2048로 바로 뽑고 싶어요",
    "ext.dataset_tag_editor_batch": "In dataset tag editor how do I remove one tag from all captions and put my trigger first?",
    "ext.lbw_loractl_forge": "LoRA block weight does nothing on Forge Classic, the lbw presets are ignored. Is it broken there?",
    "ext.reactor_vs_lora": "리액터로 얼굴만 바꾸는 거랑 인물 로라를 학습하는 거랑 뭐가 나아요? 리액터는 얼굴이 흐릿해요",
    "ext.lbw_api": "When I call the txt2img api with <lora:x:1:lbw=OUTD> the block weights are ignored, what goes in alwayson_scripts?",
    "ext.lora_tag_te_unet_dyn": "What do the extra numbers mean in <lora:name:1:0.5:13>, and does the old lyco tag still work?",
    "ext.lbw_elemental": "How can I apply a lora only to the attention layers with lbwe in lora block weight?",
    "ext.regional_mask_prompt_modes": "리전 프롬프터 마스크 모드에서 영역을 그렸는데 적용이 안 돼요. 마스크 업로드도 실패해요",
    "ext.train_inside_webui": "Can I train a lora inside automatic1111 with the Train tab, or do I need the dreambooth extension?",
}
