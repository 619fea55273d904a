"""Issue 21, Korean users' wordings, part korean_a (training: datasets, captions, settings, memory, trainers).

Questions written the way Korean users write on DC Inside, Arca.live and Discord (음슴체, 반말, 해요체,
transliterations, slang), each with a rule that must be in the answer and one that must not be (or None).
The first group is the probe's 70 questions (61 answered right before the fixes, all 70 after); the second
holds short Hangul spellings of options and terms probed afterwards (로하, 딤, 오버핏, 스탭, 셔플캡션, ...);
the third words the fixed topics apart from the probe, in Korean and English, so that each fix holds for
everyone who asks that way. The log of the probe is /work/korean_a_log.md in the session that wrote it.
"""

import pytest

PROBE = [
    # datasets
    ("캐릭터 로라 구울려면 짤 몇장 정도 있어야됨?", "dataset.too_few", None),
    ("그림체 로라 학습 돌릴건데 이미지 몇 장이 적당해요?", "recipe.style", None),
    ("짤이 8장밖에 없는데 로라 구울수 있음?", "dataset.too_few", None),
    ("학습용 이미지 크롭 해야됨? 아님 그냥 넣어도 되나", "dataset.prepare_steps", None),
    ("데이터셋 리사이즈 미리 해야돼? 1024로 맞춰야함?", "train.resolution_family", None),
    ("저해상도 짤 업스케일해서 학습에 넣어도 되나요?", "dataset.upscale_first", None),
    ("AI로 뽑은 짤로 로라 학습해도 됨?", "dataset.synthetic", None),
    ("데이터셋에 같은 옷 같은 포즈만 있으면 안 좋음?", "dataset.variety", None),
    ("배경 지워야돼? 흰배경으로 바꾸는게 나음?", "dataprep.background_removal", None),
    ("학습 이미지에 워터마크 있는데 괜찮음?", "symptom.watermarks", None),
    # captions and trigger words
    ("캡션 꼭 달아야 함? 태그 없이 학습하면 어케됨", "captions.trained_without", None),
    ("WD14 태거 쓰는게 나음 BLIP 쓰는게 나음?", "dataprep.caption_style_by_base", "captions.wd14_threshold"),
    ("트리거 워드 어떻게 정해야돼요?", "dataprep.trigger_choice", None),
    ("캡션에서 캐릭터 특징(머리색, 눈색) 태그 지워야함?", "dataprep.prune_character_tags", None),
    ("keep_tokens 1 은 뭐하는거임?", "captions.shuffle_dropout", None),
    ("셔플 캡션 켜야되나", "captions.shuffle_dropout", None),
    ("태그식 캡션이랑 문장식 캡션 뭐가 나음?", "dataprep.caption_style_by_base", None),
    ("캡션 확장자 txt 말고 caption으로 돼있는데 상관있음?", "gui.kohya_caption_fields", None),
    ("트리거 워드 넣었는데 안먹음ㅠ 프롬에 써도 캐릭터 안나옴", "symptom.trigger_weak", None),
    # settings
    ("스텝 계산 어떻게 함? 이미지 20장 반복 10 에폭 10 배치 2면 몇스텝임?", "train.steps_math", None),
    ("반복(repeats) 이랑 에폭 차이가 뭐임", "train.repeats_or_epochs", None),
    ("로라 총 스텝 몇 정도가 적당함?", "train.steps_range", None),
    ("러닝레이트 얼마로 해야돼요?", "train.lr_range", None),
    ("학습률 1e-3 으로 했는데 너무 높음?", "train.lr_by_context", None),
    ("옵티마이저 뭐 씀? adamw8bit vs prodigy", "optimizer.choose", None),
    ("프로디지 쓰면 lr 몇으로 해?", "optimizer.prodigy_lr", None),
    ("랭크(딤) 몇으로 해야됨? 128 해도 됨?", "train.rank_range", None),
    ("알파는 딤이랑 똑같이 해야함? 절반?", "train.alpha", None),
    ("스케줄러 cosine이랑 constant 뭐가 나음?", "train.lr_scheduler", None),
    ("포니 로라 해상도 몇으로 학습함?", "families.pony_training", None),
    ("SD1.5 로라 768로 학습해도 됨?", "train.resolution_family", None),
    ("일러스트리어스 로라 구울때 베이스 모델 뭐로 함?", "train.base_model", None),
    ("누비로 학습한 로라 일러에서 써도 되나요?", "models.anime_cross_use", None),
    ("포니 로라를 일반 SDXL 체크포인트에 쓰면 됨?", "models.anime_cross_use", None),
    ("배치사이즈 키우면 러닝레이트도 올려야돼?", "train.batch_lr", None),
    ("텍스트 인코더도 학습시켜야 함?", "te.train_parts", None),
    ("노이즈 오프셋 얼마로 줌?", "train.noise_offset", None),
    ("min snr gamma 5 켜는게 좋음?", "train.min_snr_gamma", None),
    ("정규화 이미지 꼭 넣어야됨? 레귤러 이미지", "reg.by_goal", None),
    ("샘플 이미지 학습 중에 뽑게 하는 법?", "sample.prompts", None),
    # overfitting and underfitting
    ("로라 과적합 된거 같은데 어케 앎? 그림이 타버림", "symptom.burned", None),
    ("에폭 올라갈수록 얼굴 뭉개지고 색 탐", "overfit.too_many_views", None),
    ("로라 적용해도 캐릭터 안닮음 언더핏인듯", "recipe.likeness", None),
    ("로라 가중치 1로 하면 그림 깨지고 0.6 하면 괜찮은데 이거 과학습임?", "ui.lora_weight", None),
    # memory
    ("3060 12기가로 SDXL 로라 학습 가능함?", "vram.sdxl_tiers", None),
    ("8기가 그래픽카드로 로라 구울수 있나요?", "hardware.vram_minimum", None),
    ("학습 돌리면 OOM 뜸 메모리 터짐 4070 12기가임", "oom.detected", None),
    ("gradient checkpointing 켜면 뭐가 좋아짐?", "memory.gradient_checkpointing", None),
    ("cache latents 켜는게 좋음? 켜면 뭐가 달라져", "gui.kohya_cache_latents", None),
    ("fp8 base 옵션 켜도 품질 괜찮음?", "memory.fp8_base", None),
    ("16기가인데 배치 몇까지 가능? SDXL", "vram.sdxl_tiers", None),
    ("4090인데 학습 느림 뭔가 이상함", "vram.spill", None),
    ("bf16 fp16 뭐로 해야됨? 3060임", "precision.choose", None),
    ("학습중에 샘플 뽑을때만 OOM 남", "oom.sample_generation", None),
    # trainers and services
    ("코햐 GUI 설치 어케함?", "setup.kohya_install_update", None),
    ("코햐에서 폴더 구조 어떻게 해야돼? 10_이름 이런거", "dataset.kohya_folders", None),
    ("코랩에서 로라 학습 가능함?", "env.colab_kaggle", None),
    ("런팟에서 학습할때 어떤 GPU 빌리는게 좋음?", "setup.cloud_gpu", None),
    ("원트레이너 vs 코햐 뭐가 나음?", "tuners.choose_trainer", None),
    ("sd-scripts 로 학습 명령어 어떻게 씀?", "setup.sd_scripts_cli", None),
    ("라이코리스 로콘 로하 로크르 차이 뭐임?", "lycoris.choose", "lyco.kohya_vs_lycoris_locon"),
    ("학습 끊겼는데 이어서 학습 가능?", "train.resume", None),
    ("로라 용량 너무 큼 줄이는 방법?", "lora.file_size", None),
    # training errors
    ("학습하는데 loss nan 뜸", "nan.learning_rate", None),
    ("학습 다 했는데 샘플이 검은색으로만 나옴", "nan.fp16_vae", None),
    ("bitsandbytes 오류남 adamw8bit 안됨", "trouble.bitsandbytes_cuda_setup", None),
    ("코햐에서 No data found 에러 뜸", "symptom.zero_images", None),
    ("로스가 계속 오르락내리락 하는데 정상임?", "loss.noisy_flat", None),
    ("학습한 로라 웹UI에 안뜸", "ui.lora_not_listed", None),
    ("학습 시작하자마자 프로세스가 그냥 꺼짐 Killed 뜸", "killed.system_ram", None),
]

HANGUL_SPELLINGS = [
    ("로하랑 로크르 뭐가 나음?", "lycoris.choose", None),
    ("딤 몇으로 줘야됨", "train.rank_range", None),
    ("오버핏 된듯 어캄", "overfit.too_many_views", None),
    ("언더핏이면 뭐 올려야돼", "underfit.too_few_views", None),
    ("스탭 몇으로 해야함", "train.steps_range", None),
    ("태깅 뭐로 함?", "dataprep.caption_style_by_base", None),
    ("셔플캡션 켜?", "captions.shuffle_dropout", None),
    ("그라디언트 체크포인팅 켜야됨?", "memory.gradient_checkpointing", None),
    ("캐시 레이턴트 켜면 뭐가 좋아?", "oom.cache_latents", None),
    ("아담8비트 vs 프로디지", "optimizer.choose", None),
    ("워밍업 스텝 얼마", "scheduler.warmup_cycles", None),
    ("로라 구웠는데 탔음", "overfit.too_many_views", None),
    ("크롭은 어케함", "dataset.prepare_steps", None),
    ("로콘 쓰면 뭐가 좋음?", "lycoris.choose", None),
]

REWORDED = [
    ("AI 그림으로 로라 구워도 되나요", "dataset.synthetic", None),
    ("Can I train a LoRA on AI generated images?", "dataset.synthetic", None),
    ("데이터셋 짤들이 전부 같은 배경뿐인데 문제 있음?", "dataset.variety", None),
    ("All my training images have the same outfit, is that a problem?", "dataset.variety", None),
    ("태그 다는거 뭘로 해요? 블립이랑 wd14 중에", "dataprep.caption_style_by_base", None),
    (
        "Is WD14 tagger or BLIP better for captioning?",
        "dataprep.caption_style_by_base",
        "captions.wd14_threshold",
    ),
    ("wd14 태거 임계값 몇?", "captions.wd14_threshold", None),
    ("배치 4로 올렸는데 학습률 그대로 둬도 됨?", "train.batch_lr", None),
    ("If I increase batch size should I raise the learning rate too?", "train.batch_lr", None),
    ("Can I train an SD1.5 LoRA at 768?", "train.resolution_family", None),
    ("1024로 학습했는데 OOM 떠요 12기가", "oom.detected", "numerics.resolution_memory"),
    ("일러 로라 그냥 sdxl 모델에 써도 됨?", "models.anime_cross_use", None),
    ("Can I use a Pony LoRA on a regular SDXL checkpoint?", "models.anime_cross_use", None),
    ("에폭마다 샘플 이미지 나오게 하려면?", "sample.prompts", None),
    ("How do I make it generate sample images during training?", "sample.prompts", None),
    ("아담8비트 오류뜸 bitsandbytes 어케 고침", "trouble.bitsandbytes_cuda_setup", None),
    ("bitsandbytes error, adamw8bit doesn't work", "trouble.bitsandbytes_cuda_setup", None),
    ("What is the difference between LoCon, LoHa and LoKr?", "lycoris.choose", None),
    ("오버피팅 막으려면?", "overfit.too_many_views", None),
    ("언더피팅 같은데 에폭 늘려?", "underfit.too_few_views", None),
    ("그래디언트 체크포인팅이랑 캐시 레이턴트 둘다 켜야됨?", "oom.cache_latents", None),
]


@pytest.mark.parametrize("text,wanted,unwanted", PROBE + HANGUL_SPELLINGS + REWORDED)
def test_korean_a_questions_reach_the_rule_that_answers_them(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids and unwanted not in ids, ids


@pytest.mark.parametrize(
    "text,first",
    [
        ("AI로 뽑은 짤로 로라 학습해도 됨?", "dataset.synthetic"),
        ("데이터셋에 같은 옷 같은 포즈만 있으면 안 좋음?", "dataset.variety"),
        ("WD14 태거 쓰는게 나음 BLIP 쓰는게 나음?", "dataprep.caption_style_by_base"),
        ("포니 로라를 일반 SDXL 체크포인트에 쓰면 됨?", "models.anime_cross_use"),
        ("배치사이즈 키우면 러닝레이트도 올려야돼?", "train.batch_lr"),
        ("샘플 이미지 학습 중에 뽑게 하는 법?", "sample.prompts"),
        ("라이코리스 로콘 로하 로크르 차이 뭐임?", "lycoris.choose"),
        ("bitsandbytes 오류남 adamw8bit 안됨", "trouble.bitsandbytes_cuda_setup"),
    ],
)
def test_korean_a_fixed_questions_lead_with_the_answer(advisor, text, first):
    assert advisor.ask(text, use_llm=False).rule_ids[0] == first
