"""Question cases for advisor/rulebook_diffusers.toml (issue 21, eleventh round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "diffusers.load_file_formats": "How do I load a civitai lora safetensors from a local folder into diffusers, what is weight_name?",
    "diffusers.peft_backend_required": "pipe.load_lora_weights 하면 PEFT backend is required for this method 에러가 나요",
    "diffusers.fuse_unfuse": "After fuse_lora can I still change the strength, and when should I call unfuse_lora?",
    "diffusers.merge_methods": "peft add_weighted_adapter로 로라 두 개를 dare_linear로 병합하려면 어떻게 해요?",
    "diffusers.adapter_bookkeeping": "I get ValueError: adapter name default_0 already in use when loading a second lora",
    "diffusers.text_encoder_parts": "diffusers 경고: No LoRA keys associated to CLIPTextModel found with the prefix text_encoder 무시해도 돼요?",
    "diffusers.shape_errors": "load_lora_weights fails: Target modules {'to_k', 'to_q'} not found in the base model",
    "diffusers.ip_adapter_lora": "Using set_ip_adapter_scale together with my character lora, the face gets replaced by the reference",
    "diffusers.other_pipelines": "diffusers에서 로라 불러온 파이프라인을 from_pipe로 인페인팅에 써도 로라가 유지되나요?",
    "diffusers.sdxl_refiner": "With denoising_end 0.8 and the refiner my lora likeness disappears in diffusers",
    "diffusers.offload_memory": "로라 불러온 다음 enable_model_cpu_offload 쓰면 Expected all tensors to be on the same device 에러가 나요",
    "diffusers.save_trained_lora": "How do I save my peft-trained unet with save_lora_weights so ComfyUI can read it?",
    "diffusers.peft_training_setup": "ValueError: Attempting to unscale FP16 gradients in my own LoRA training loop with LoraConfig",
    "diffusers.lcm_lora": "LCM 로라를 diffusers에서 쓸 때 LCMScheduler 스텝이랑 guidance_scale은 얼마로 해요?",
    "diffusers.hyper_lightning": "What scheduler and timestep_spacing for an SDXL Lightning lora in diffusers? images look noisy",
}
CASES.update(
    {
        "diffusers.a1111_samplers": "How do I get DPM++ 2M Karras in diffusers? Is it DPMSolverMultistepScheduler with use_karras_sigmas?",
        "diffusers.seeds_reproduce": "diffusers에서 같은 시드인데 A1111과 결과가 달라요. torch.Generator는 cpu로 해야 하나요?",
        "diffusers.prompt_weighting": "In diffusers my long prompt gets truncated at 77 tokens and (word:1.2) weights do nothing",
        "diffusers.clip_skip": "애니 로라가 clip skip 2 권장인데 diffusers에서는 clip_skip 값을 얼마로 줘야 해요?",
        "diffusers.vpred_zsnr": "My NoobAI v-pred model gives grey foggy images in diffusers, do I need rescale_betas_zero_snr?",
        "diffusers.offset_noise_inference": "Does the diffusers pipeline use offset noise at inference for SDXL, or do I have to set noise_offset when generating?",
        "diffusers.dtype_precision": "RuntimeError: mat1 and mat2 must have the same dtype when I run my fp16 pipeline with a lora",
        "diffusers.lora_load_speed": "diffusers 서버에서 요청마다 로라 교체가 너무 느려요. low_cpu_mem_usage 쓰면 빨라지나요?",
    }
)
CASES.update(
    {
        "diffusers.textual_inversion": "How do I load the negativeXL embedding with load_textual_inversion for an SDXL pipeline with my lora?",
        "diffusers.flux_quantized": "diffusers에서 nf4로 양자화한 flux 모델에 로라를 load_lora_weights로 불러올 수 있나요?",
    }
)
CASES.update(
    {
        "diffusers.dora_files": "Loading my kohya DoRA in diffusers warns that keys associated to dora_scale are filtered out, is it still working?",
    }
)
