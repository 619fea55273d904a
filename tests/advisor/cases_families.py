"""Question cases for advisor/rulebook_families.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "families.sd15_anime_bases": "For an SD1.5 anime LoRA that should work on Anything V5 and Counterfeit, which checkpoint do I train on?",
    "families.sd15_realistic_bases": "실사 SD1.5 인물 로라를 Realistic Vision으로 학습할까요, 기본 1.5로 할까요?",
    "families.sd2_history": "Why does almost nobody use SD 2.1 for LoRAs anymore?",
    "families.pony_prompt_tags": "포니 모델에서 source_anime 이랑 rating 태그는 어떻게 써요?",
    "families.pony_training": "Should my captions include score tags when training on Pony?",
    "families.illustrious_versions": "Illustrious 0.1 vs 2.0, which one should I train my character LoRA on?",
    "families.noobai_versions": "누비 eps 1.1이랑 v-pred 1.0 중에 어떤 버전으로 로라 학습해요?",
    "families.vpred_generation": "My NoobAI v-pred checkpoint gives grey oversaturated images in Forge, what settings?",
    "families.animagine": "What is the right tag order and quality tags for Animagine XL 4.0?",
    "families.distilled_checkpoints": "My character LoRA looks burned on Juggernaut XL Lightning, what CFG and steps should I use?",
    "families.refiner_lora": "SDXL 리파이너용 로라도 학습할 수 있나요?",
    "families.playground_v25": "Do SDXL LoRAs work on Playground v2.5 and how do I train one for it?",
    "families.segmind_distilled": "Can I use my SDXL LoRA with SSD-1B?",
    "families.sd3_variants": "SD3.5 라지용 로라를 미디엄에서 써도 되나요? 포지에서 돌아가요?",
    "families.other_architectures": "How do I use a LoRA with Kolors or PixArt Sigma?",
    "families.sdxl_inpaint_models": "How do I make an inpainting version of my Illustrious checkpoint?",
    "families.modelspec_metadata": "What does modelspec.architecture in my checkpoint's header mean, can I change it?",
    "families.cross_family_errors": "A1111 shows 'Networks with errors' under the image when I use this LoRA, why?",
    "families.sdxl_realistic_bases": "저거너트 XL로 인물 로라를 학습할까요, SDXL base로 할까요?",
    "families.civitai_base_labels": "On civitai what is the difference between the SDXL 1.0 and Pony base model labels?",
    "families.train_on_merge": "머지 모델로 학습해도 돼요? 이 머지가 어떤 베이스 기반인지는 어떻게 알아요?",
    "families.embeddings_by_family": "Does EasyNegative work with Illustrious, and why does A1111 say embeddings skipped?",
    "families.vae_by_family": "포니 모델에는 어떤 VAE를 써야 해요? 1.5용 VAE를 써도 되나요?",
    "families.controlnet_by_family": "Which ControlNet models work with Pony and Illustrious checkpoints?",
    "families.port_lora_across_families": "예전 SD1.5 로라를 일러스트리어스용으로 변환하는 방법이 있나요?",
}
