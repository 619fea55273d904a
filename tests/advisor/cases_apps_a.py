"""Question cases for advisor/rulebook_apps_a.toml (issue 21, fifteenth round, part a), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "apps.drawthings_lora_import": "드로우띵스에서 시비타이에서 받은 로라 파일은 어떻게 넣고 가중치는 어디서 조절해요?",
    "apps.easydiffusion_lora": "Easy Diffusion에서 로라를 두 개 같이 쓰려면 어떻게 하나요? 프롬프트에 <lora:> 써도 되나요?",
    "apps.nmkd_lora": "NMKD Stable Diffusion GUI does not list my LoRA, the file is called my-char v2.safetensors",
    "apps.sdcpp_lora": "stable-diffusion.cpp ignores my <lora:style:0.8>, the log says can not find style.safetensors",
    "apps.stabilitymatrix_lora_folders": "스태빌리티 매트릭스에서 로라는 어느 폴더에 넣어야 ComfyUI랑 Forge 둘 다 보여요?",
    "apps.mochi_coreml_lora": "How do I load a LoRA in Mochi Diffusion on my MacBook?",
    "apps.amuse_lora": "Where do I add LoRA files in Amuse? I have an RX 7900 and can't find a lora folder",
    "apps.ruinedfooocus_lora": "루인드 푸커스 로라 목록이 비어 있어요. 원래 Fooocus 폴더의 로라를 쓰고 싶어요",
    "apps.civitai_onsite_lora": "Why can't I find some LoRAs when I add resources in the Civitai generator?",
    "apps.online_generators_lora": "노벨AI에서 내가 학습한 로라를 쓸 수 있나요? 아니면 텐서아트로 가야 하나요?",
    "apps.a1111_mac_mps_lora": "On my M2 MacBook A1111 gives black images as soon as I add an SDXL LoRA",
    "apps.a1111_amd_lora": "라데온 RX 6800에서 webui directml로 돌리는데 로라 적용하면 너무 느려요. ZLUDA가 나은가요?",
    "apps.krita_required_loras_cloud": "Krita AI plugin with my own ComfyUI: LCM LoRA model not found for SD XL when I start Live mode",
    "apps.invokeai_workflow_lora_nodes": "In the InvokeAI workflow editor my graph fails to run when an Apply LoRA node is empty, how do I wire several LoRAs?",
    "apps.drawthings_lora_training": "드로우씽스에서 로라 학습할 때 rank랑 learning rate, steps는 얼마로 해요?",
    "apps.invokeai_legacy_lora_names": "InvokeAI withLora doesn't apply my LoRA when the file name has spaces",
}
