"""Question cases for advisor/rulebook_generation.toml (issue 21, eleventh session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # samplers, schedules, steps and CFG
    "gen.sampler_choice": "Which sampler and scheduler should I use for SDXL anime checkpoints?",
    "gen.schedule_types": "스케줄 타입 Karras랑 Exponential 차이가 뭐임?",
    "gen.steps_cfg": "What CFG scale is normal for Pony Diffusion?",
    # prompt syntax
    "gen.prompt_editing": "프롬프트 에디팅 [A:B:0.5] 문법 어떻게 쓰는거임?",
    # img2img, inpainting, outpainting
    "gen.img2img_denoise": "What denoising strength should I use in img2img to keep the composition?",
    "gen.inpaint_masked_content": "인페인트 masked content에서 fill, original, latent noise, latent nothing 차이가 뭐에요?",
    "gen.inpaint_area_padding": "What do mask blur and only masked padding pixels do in inpainting?",
    "gen.inpaint_models": "인페인트 전용 모델 꼭 써야 돼요? 일반 체크포인트로 인페인팅하면 안됨?",
    "gen.outpainting": "How do I outpaint an image to make it wider in A1111 or Forge?",
    # upscaling, refiner, resolutions
    "gen.upscaler_models": "업스케일러 4x-UltraSharp랑 애니샤프 중에 뭐가 좋아요?",
    "gen.sdxl_refiner": "Should I use the SDXL refiner, and at what switch point?",
    "gen.resolutions": "SDXL 해상도 몇으로 뽑아야 돼요? 1.5는 512였는데",
    # ControlNet, IP-Adapter, X/Y/Z plot
    "gen.controlnet_preprocessors": "Which ControlNet preprocessor and model do I pick to copy a pose?",
    "gen.ipadapter_style": "IP-Adapter로 레퍼런스 그림 화풍 따라하게 하는 법",
    "gen.xyz_plot_settings": "How do I compare samplers and CFG values with the X/Y/Z plot?",
    # negative prompts
    "gen.negative_prompt": "What's a good negative prompt for anime images?",
}
