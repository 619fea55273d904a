"""Issue 21, part generation (eleventh session): questions about GENERATING images (samplers, CFG, prompt
syntax, inpainting, upscaling, ControlNet...) are answered by the rules about generating, and the rules about a
training run do not lead them (advisor/intents_generation.toml, planner.DRAWING_INTENT_PREFIX). The questions
are written fresh for this test, not taken from any bank."""

import pytest

LEADS = [
    # samplers and schedules (the training lr_scheduler rule led "sampler and scheduler" questions)
    ("What's the best sampler for a Pony checkpoint?", "gen.sampler_choice"),
    ("Euler a vs DPM++ 2M Karras for anime, which one?", "gen.sampler_choice"),
    ("포니 체크포인트는 어떤 샘플러가 좋아요?", "gen.sampler_choice"),
    ("What does the SGM Uniform schedule type do?", "gen.schedule_types"),
    ("카라스랑 노멀 스케줄 타입 차이가 뭐예요?", "gen.schedule_types"),
    ("Which sampler and how many steps should I use for Flux?", "infer.flux_lora_use"),
    # steps and CFG, fast models
    ("What CFG should I use for Illustrious checkpoints?", "gen.steps_cfg"),
    ("일러스트리어스 cfg 몇으로 뽑아요?", "gen.steps_cfg"),
    ("What sampler and steps for a DMD2 checkpoint?", "families.distilled_checkpoints"),
    ("Lightning LoRA images look burnt, which CFG and sampler?", "infer.speed_lora_settings"),
    # prompt syntax (the weak-trigger rule led "(word:1.3)")
    ("Is (masterpiece:1.2) stronger than ((masterpiece))? what's the difference", "webui.emphasis_mode"),
    ("What does [dog:cat:10] do in a prompt?", "gen.prompt_editing"),
    ("[red|blue] hair 이렇게 쓰면 뭐가 나와요?", "gen.prompt_editing"),
    ("My prompt is over 75 tokens, does the rest get ignored?", "webui.prompt_chunks_break"),
    ("네거티브에 easynegative 임베딩 넣는 법", "infer.negative_embeddings"),
    # seeds, clip skip
    ("How do I use variation strength to make small changes?", "webui.seeds_variation"),
    ("When generating with an anime SD1.5 model, clip skip 1 or 2?", "infer.clip_skip_use"),
    # hires fix, img2img, inpainting, outpainting
    ("Which upscaler is good for hires fix on anime pictures?", "webui.hires_fix_fields"),
    ("How much denoise in img2img to change the style but keep the pose?", "gen.img2img_denoise"),
    ("Masked content latent noise gives me a colorful mess, why?", "gen.inpaint_masked_content"),
    ("인페인트 only masked 패딩 값 얼마가 좋아요?", "gen.inpaint_area_padding"),
    ("Can I inpaint with a regular checkpoint or do I need an inpainting model?", "gen.inpaint_models"),
    ("How can I extend the background of my image to the left?", "gen.outpainting"),
    ("아웃페인팅 하는 법 알려주세요", "gen.outpainting"),
    # upscalers, refiner, resolutions
    ("Is R-ESRGAN 4x+ Anime6B or 4x-UltraSharp better for anime art?", "gen.upscaler_models"),
    ("Do I need the refiner for Juggernaut XL?", "gen.sdxl_refiner"),
    ("What resolution should I generate at with Illustrious?", "gen.resolutions"),
    # ControlNet, IP-Adapter, X/Y/Z plot, ENSD, launch flags
    ("Which ControlNet preprocessor should I use for line art?", "gen.controlnet_preprocessors"),
    ("컨트롤넷 control mode 'My prompt is more important' 이거 뭐에요?", "webui.controlnet_unit_settings"),
    ("How do I transfer the style of a painting with IPAdapter?", "gen.ipadapter_style"),
    ("How to make an X/Y/Z plot comparing CFG and steps?", "gen.xyz_plot_settings"),
    ("Should I set ENSD to 31337?", "webui.sampler_parameters"),
    ("Is --medvram-sdxl needed on a 12GB card in A1111?", "webui.vram_flags"),
    # negative prompts, CFG itself, inpaint denoise and seams, batch count, Ultimate SD Upscale settings
    ("Which negative prompt works for Illustrious?", "gen.negative_prompt"),
    ("네거티브 프롬프트에 뭐 써야 해요?", "gen.negative_prompt"),
    ("CFG가 뭐하는 거예요?", "infer.cfg_burn"),
    ("How much denoising when I inpaint a hand?", "gen.inpaint_masked_content"),
    # a visible seam: padding and mask blur, stated by both inpaint-area rules (the A1111 extension's leads
    # since the first-place model, 2026-12-08: it also names soft inpainting)
    ("인페인트한 부분 경계가 티나요", ("gen.inpaint_area_padding", "webext.inpaint_only_masked_lora")),
    ("How many steps does DPM++ 2M Karras need?", "gen.steps_cfg"),
    ("울티메이트 업스케일 디노이즈 설정 추천해 주세요", "webui.ultimate_sd_upscale"),
]


@pytest.mark.parametrize("text,wanted", LEADS)
def test_generation_question_leads_with_its_rule(advisor, text, wanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert ids and ids[0] in ((wanted,) if isinstance(wanted, str) else wanted), ids


TRAINING_ONLY = ("train.", "captions.", "dataset.", "kohya.", "args.", "optimizer.", "scheduler.")


@pytest.mark.parametrize(
    "text",
    [
        "Which sampler and scheduler should I use with an Illustrious model?",
        "SDXL 모델로 뽑을 때 샘플러랑 스케줄러 뭐 써요?",
        "What hires fix upscaler and denoise for SDXL?",
        "What does (cat:1.4) mean in a prompt?",
    ],
)
def test_generation_question_gets_no_training_rule(advisor, text):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert not any(rule_id.startswith(TRAINING_ONLY) for rule_id in ids), ids


@pytest.mark.parametrize(
    "text,wanted",
    [
        # training words keep a question with the training rules
        ("Which lr_scheduler should I use when training my LoRA, cosine or constant?", "train.lr_scheduler"),
        ("학습할 때 스케줄러 cosine이랑 constant 중에 뭐가 좋아요?", "train.lr_scheduler"),
        ("What sampler does kohya use for the sample images during training?", "kohya.sample_sampler_names"),
    ],
)
def test_training_question_keeps_training_rules(advisor, text, wanted):
    assert wanted in advisor.ask(text, use_llm=False).rule_ids


@pytest.mark.parametrize(
    "text,wanted",
    [
        (
            "How can I make a few slight variations of this render but keep the same layout?",
            "webui.seeds_variation",
        ),
        ("이 그림 포즈는 그대로 두고 조금씩 다른 버전 몇 장 더 뽑고 싶어요", "webui.seeds_variation"),
        ("Can the prompt switch from 'sunny' to 'rainy' halfway through the steps?", "gen.prompt_editing"),
        ("스텝 초반에는 cat으로 그리다가 나머지는 dog로 바꾸고 싶어요", "gen.prompt_editing"),
        (
            "Without training a LoRA, how do I copy the style of a single reference image?",
            "gen.ipadapter_style",
        ),
        ("학습 없이 사진 한 장 얼굴로 새 이미지 뽑을 수 있음?", "gen.ipadapter_style"),
        ("Rendering SD1.5 at 1536x1536 gives me clones and two heads, any fix?", "ext.kohya_deep_shrink"),
        ("SDXL로 3072 해상도 한 번에 뽑으면 사람이 여러 명 복사돼요", "ext.kohya_deep_shrink"),
        ("Which command line options help A1111 on a small 4GB card with little VRAM?", "webui.vram_flags"),
        (
            "Three women with different outfit colors in one image keep getting the colors mixed, how do I keep them apart?",
            "webui.regional_prompter",
        ),
        ("남자 두 명 그리는데 옷 색이 자꾸 섞여요. 각각 따로 주려면?", "webui.regional_prompter"),
    ],
)
def test_generation_fix1416_routes_among_shown(advisor, text, wanted):
    # issue 21, blind sets 14 and 16 read (fix1416): topics asked in everyday words, in both languages
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids, ids
