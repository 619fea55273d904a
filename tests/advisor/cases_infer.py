"""Question cases for advisor/rulebook_infer.toml (issue 21, eighth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "infer.inpaint_lora": "How do I inpaint just the face with my character lora without changing the rest?",
    "infer.img2img_style": "사진을 제 화풍 로라 그림체로 바꾸고 싶은데 img2img 디노이즈는 얼마로 해야 하나요?",
    "infer.controlnet_lora": "When I add openpose controlnet my character lora stops looking like the character",
    "infer.face_adapters": "Should I use IP-Adapter FaceID or InstantID instead of training a lora of my friend's face?",
    "infer.speed_lora_settings": "라이트닝 로라 쓸 때 샘플러랑 스텝, CFG는 어떻게 맞춰야 해요?",
    "infer.cfg1_negative": "With a Hyper-SD lora at cfg 1 my negative prompt seems to be ignored, why?",
    "infer.negative_weight_sliders": "디테일 슬라이더 로라는 음수 가중치로 써도 되나요?",
    "infer.lora_scheduling": "Can I apply a lora only on the hires pass, or start it after step 10?",
    "infer.a1111_vs_comfy": "Same seed and same lora but ComfyUI gives a different image than Forge, how do I match them?",
    "infer.clip_skip_use": "컴피UI에서 clip skip 2는 어디서 설정해요? 애니 로라 쓰는 중이에요",
    "infer.cfg_burn": "My images look burned and oversaturated whenever I use this lora at cfg 9",
    "infer.lora_not_found": "The console says couldn't find Lora with name mychar_v2 but the file is in models/Lora",
    "infer.legacy_extensions": "Do I still need the LyCORIS extension or Additional Networks to use a LoHa in A1111?",
    "infer.lora_persists": "로라를 프롬프트에서 지웠는데도 효과가 계속 남아 있어요",
    "infer.lora_slow": "Image generation gets much slower when I add two loras to a GGUF Q8 flux model",
    "infer.forge_low_bits": "Forge에서 nf4 모델에 로라를 걸면 효과가 약한데 Diffusion in Low Bits를 뭘로 해야 하나요?",
    "infer.comfy_lora_stack": "How do I stack three loras in ComfyUI, and where does the lora go with a GGUF unet loader?",
    "infer.diffusers_adapters": "diffusers에서 로라 두 개 강도를 따로 주려면 set_adapters를 어떻게 써요?",
    "infer.negative_embeddings": "Where do I put EasyNegative and how do I use it in ComfyUI with my lora?",
    "infer.fooocus_lora": "Fooocus에서 로라 적용하는 법 알려주세요. 가중치를 2 이상 올릴 수 있나요?",
    "infer.other_checkpoint": "My lora trained on Pony looks much weaker on a different checkpoint, why?",
    "infer.lycoris_support": "Can I load a LoKr lycoris in diffusers or ComfyUI?",
    "infer.generation_oom": "컴피UI에서 SDXL로 1536 사이즈 이미지 생성하면 VAE 단계에서 메모리 부족 에러가 나요. 8기가예요",
    "infer.civitai_generator": "How do I generate with my lora on the civitai on-site generator and how much buzz does it cost?",
    "infer.tiled_upscale": "울티밋 SD 업스케일을 쓰면 타일마다 캐릭터 얼굴이 생겨요. 로라 강도랑 디노이즈는?",
    "infer.api_lora": "How do I use a lora through the A1111 API from my discord bot?",
    "infer.invokeai_lora": "InvokeAI 5에서 로라를 어떻게 적용하나요? 목록에 안 떠요",
    "infer.flux_lora_use": "What cfg and guidance should I use when generating with a flux lora in ComfyUI?",
    "infer.comfy_lora_mask": "In ComfyUI can I apply a lora only to the background region with a mask?",
    "infer.lora_order": "로라 여러 개 쓸 때 순서가 중요한가요? 스타일 로라를 앞에 둬야 하나요?",
    "infer.sdnext_lora": "How do loras work in SD.Next, and what does the alternative loading method setting do?",
}
