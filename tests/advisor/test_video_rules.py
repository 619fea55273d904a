"""Issue 21, part video (eleventh session): questions about LoRAs for the video models (Wan 2.1 / 2.2,
HunyuanVideo, LTX-Video) and the newest image models (Qwen-Image, HiDream, Chroma, Flux Kontext, Lumina 2)
reach the rules of advisor/rulebook_video.toml, first where the question is about that topic; SD1.5 / SDXL /
Flux questions and look-alike words (chroma key, 완전, Qwen2.5-VL captioning) do not. The questions are
written fresh for this test, not taken from any question bank."""

import pytest


@pytest.mark.parametrize(
    "text,first",
    [
        (
            "Is it worth using diffusion-pipe or ai-toolkit for a HunyuanVideo or Wan LoRA, what is the best trainer?",
            "video.trainer_choice",
        ),
        ("Can a 3060 with 12GB handle training a Wan 2.1 14B LoRA?", "video.wan_vram"),
        ("wan 2.2 로라 16기가 vram으로 돌릴 수 있나요?", "video.wan_vram"),
        ("musubi에서 fp8_scaled 켜면 화질이 좋아져요?", "video.musubi_memory_flags"),
        ("Should I train my Wan motion LoRA on T2V or I2V?", "video.wan_t2v_i2v"),
        ("i2v 학습에 clip vision 모델 꼭 필요해요?", "video.wan_t2v_i2v"),
        ("What resolution should training clips be for a Wan 14B LoRA?", "video.wan_sizes"),
        (
            "What min_timestep and max_timestep do I use for the Wan 2.2 low noise LoRA?",
            "video.wan22_experts",
        ),
        ("wan 2.2 high noise 로라만 학습해도 돼요?", "video.wan22_experts"),
        ("Is there LoRA training for the TI2V 5B model?", "video.wan22_5b"),
        ("Can I use my 1.3B LoRA on the 14B model?", "video.lora_compat"),
        ("훈위안 비디오 로라 학습률 얼마로 해요?", "video.hunyuan"),
        # fifteenth fix (blind set 15 read)
        ("플럭스 데브 로라 콘텍스트에서도 써져요?", "newimg.kontext_dev_loras"),
        ("Will Kontext accept the Flux LoRAs I trained on dev?", "newimg.kontext_dev_loras"),
        ("Wan 2.1 clips shot at 60fps, does musubi resample them?", "video.frames_4n1"),
        ("Before the training script in musubi, what do I need to prepare?", "video.musubi_cache_first"),
        ("무수비에서 학습 전에 먼저 실행해야 하는 스크립트가 뭐예요?", "video.musubi_cache_first"),
        ("완 로라 학습률이랑 랭크 몇으로 해요?", "video.lr_rank_steps"),
        ("How many frames can an LTX-Video clip have?", "video.ltx"),
        ("What fps should clips be for a HunyuanVideo LoRA, and how many frames?", "video.hunyuan"),
        ("What is frame_extraction chunk vs slide in the dataset toml?", "video.frames_4n1"),
        ("클립 캡션은 어떻게 써야 돼요? 영상마다 txt?", "video.dataset_mix_captions"),
        (
            "Do I need to rerun wan_cache_text_encoder_outputs.py after I edit captions?",
            "video.musubi_cache_first",
        ),
        ("Is networks.lora_wan the right network_module for Wan 2.2?", "video.musubi_network_module"),
        ("What rank and learning rate for a HunyuanVideo style LoRA?", "video.hunyuan"),
        ("Best learning rate and steps for a Wan 2.2 character LoRA?", "video.lr_rank_steps"),
        ("causvid 강도 얼마로 해야 움직임이 살아요?", "video.speed_loras"),
        ("Wan2.2 lightning LoRA steps and cfg?", "video.speed_loras"),
        ("Qwen-Image LoRA on a 16GB card, possible?", "newimg.qwen_image"),
        ("큐웬 이미지 로라 fp8 파일로 학습해도 돼요?", "newimg.qwen_image"),
        ("HiDream Dev or Full, which one should I train on?", "newimg.hidream"),
        ("크로마 로라 학습할 때 cfg랑 네거티브 써야 해요?", "newimg.chroma"),
        ("How many image pairs do I need for a Kontext editing LoRA?", "newimg.kontext_pairs"),
        ("Qwen-Image-Edit LoRA: how do I set up the control images in the dataset?", "newimg.kontext_pairs"),
        ("Do I need the system prompt prefix when training a Lumina 2 LoRA?", "newimg.lumina"),
    ],
)
def test_video_topics_come_first(advisor, text, first):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert ids and ids[0] == first, ids


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # loading stays with the ComfyUI rules (the video rules may follow)
        ("How do I load the high and low noise LoRAs in ComfyUI for Wan 2.2?", "nodes.wanvideo_lora", None),
        ("컴피에서 wan 로라 넣었는데 효과가 없어요", "nodes.wanvideo_lora", None),
        # SD1.5 / SDXL / Flux questions are not video or new-model questions
        ("How much VRAM do I need for an SDXL LoRA?", None, "video.wan_vram"),
        ("What learning rate and rank for a Flux character LoRA?", None, "video.lr_rank_steps"),
        ("SDXL 로라 학습률이랑 랭크 얼마로 해요?", None, "video.lr_rank_steps"),
        (
            "fp8_base on SDXL with kohya, does it lower quality?",
            "memory.fp8_base",
            "video.musubi_memory_flags",
        ),
        ("Which trainer is best for an SDXL LoRA, kohya or OneTrainer?", None, "video.trainer_choice"),
        ("Can I train SD1.5 and SDXL LoRAs with ai-toolkit?", None, "newimg.qwen_image"),
        # look-alike words
        ("My dataset photos have a chroma key green background, should I remove it?", None, "newimg.chroma"),
        ("크로마키 배경 사진도 데이터셋에 넣어도 돼요?", None, "newimg.chroma"),
        ("완전 처음인데 로라 학습 어떻게 시작해요?", None, "video.trainer_choice"),
        ("Is Qwen2.5-VL good for captioning my SDXL dataset?", "captions.vlm_tools", "newimg.qwen_image"),
        # frames pulled from an anime episode for an image LoRA are not video-model clips
        (
            "How many frames should I extract from an anime episode for a character LoRA?",
            None,
            "video.frames_4n1",
        ),
        ("애니 에피소드에서 프레임 몇 장 추출해야 돼요?", None, "video.frames_4n1"),
    ],
)
def test_video_routes_stay_specific(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert (wanted is None or wanted in ids) and (unwanted is None or unwanted not in ids), ids


@pytest.mark.parametrize(
    "text,images",
    [
        ("18 clips, repeats 3, 10 epochs, batch 1", 18),
        ("클립 12개로 에폭 8 돌리면 몇 스텝이에요?", 12),
        ("40 images and 10 clips at num_repeats 2", 40),
    ],
)
def test_a_clip_count_is_read_when_no_image_count_is_stated(text, images):
    from advisor.question_facts import read_question

    assert read_question(text).num_images == images
