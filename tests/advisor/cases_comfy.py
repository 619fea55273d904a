"""Question cases for advisor/rulebook_comfy.toml (issue 21, ninth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "comfy.lora_key_not_loaded": "ComfyUI prints hundreds of 'lora key not loaded: lora_te1_text_model...' lines, is my LoRA broken?",
    "comfy.ksampler_fields": "컴피에서 KSampler 기본값이 cfg 8인데 LoRA 쓸 때 steps랑 cfg, denoise 어떻게 두나요?",
    "comfy.ksampler_advanced": "How do I set start_at_step and end_at_step to run the SDXL base and the refiner in ComfyUI?",
    "comfy.sampler_names": "What is DPM++ 2M Karras called in ComfyUI? I only see sampler_name and scheduler.",
    "comfy.prompt_concat_break": "컴피유아이에서 BREAK가 안 먹는 것 같은데 대신 뭘 써야 하나요?",
    "comfy.empty_latent_sizes": "Which width and height should I put in the Empty Latent Image for an Illustrious LoRA?",
    "comfy.vae_black_images": "ComfyUI 결과가 검은 이미지로 나오고 invalid value encountered in cast 경고가 떠요",
    "comfy.tiled_vae": "My 4GB card runs out of memory at VAE Decode after upscaling to 2048, what can I do?",
    "comfy.failed_validation": "Prompt outputs failed validation: LoraLoader - Value not in list: lora_name, how do I fix it?",
    "comfy.family_mismatch_error": "Error occurred when executing KSampler: mat1 and mat2 shapes cannot be multiplied (154x2048 and 768x320) with an openpose controlnet",
    "comfy.launch_flags": "컴피유아이를 폰에서 접속하고 싶은데 --listen 옵션은 어디에 넣나요?",
    "comfy.lora_extract": "Can I extract a LoRA from a merged SDXL checkpoint inside ComfyUI with the LoraSave node?",
    "comfy.model_merge_nodes": "In ModelMergeSimple, does ratio 0.7 mean 70% of model1 or of model2?",
    "comfy.inpaint_nodes": "What is the difference between VAE Encode (for Inpainting) and Set Latent Noise Mask?",
    "comfy.hires_fix_workflow": "컴피에서 하이레스 픽스처럼 두 번째 패스로 업스케일하려면 노드를 어떻게 연결하나요?",
    "comfy.controlnet_nodes": "How strong should Apply ControlNet be with a character LoRA in ComfyUI, and what end_percent?",
    "comfy.ipadapter_plus": "IPAdapter Unified Loader says ClipVision model not found, where do the files go?",
    "comfy.facedetailer": "페이스 디테일러 denoise랑 guide_size는 얼마로 하나요? 로라 캐릭터 얼굴이 뭉개져요",
    "comfy.manager_missing_nodes": "I loaded a workflow from civitai and half the nodes are red, how do I install the missing nodes?",
    "comfy.workflow_in_png": "Can I drag a PNG into ComfyUI to get the workflow and LoRAs that made it?",
    "comfy.split_loaders_lora": "Where does the LoraLoader go when I use Load Diffusion Model and DualCLIPLoader for Flux?",
    "comfy.model_folders": "ComfyUI: which folder do the t5xxl and clip_l files go in, and where do upscale models go?",
    "comfy.lora_tags_in_prompt": "컴피유아이 프롬프트에 <lora:이름:0.8> 이렇게 쓰면 적용이 안 되나요?",
    "comfy.sampler_custom_advanced": "What do BasicGuider and CFGGuider do in a SamplerCustomAdvanced workflow, and where does the LoRA go?",
    "comfy.quality_nodes": "Should I use FreeU_V2 or RescaleCFG with my LoRA, and what values?",
    "comfy.xy_plot_loras": "컴피에서 XY 플롯으로 로라 에포크 비교하는 방법 있나요?",
    "comfy.update_frontend": "ComfyUI says Installed frontend version is lower than the recommended version, what do I run?",
    "comfy.bypass_mute": "What's the difference between Ctrl+B and Ctrl+M on a LoRA loader node?",
    "comfy.clip_text_encode_sdxl": "Do I need CLIPTextEncodeSDXL with text_g and text_l for an SDXL LoRA, or is the normal encode fine?",
    "comfy.save_image_output": "컴피유아이에서 생성한 이미지는 어디에 저장되나요? 저장 폴더를 바꾸고 싶어요",
}
