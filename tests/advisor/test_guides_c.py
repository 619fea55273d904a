"""Issue 21, guides part c (the tools' own documentation, option by option): questions written from
sd-scripts' docs (train_network_advanced.md, sdxl_train_network.md, config_README-en.md, validation.md,
masked_loss_README.md), the kohya_ss GUI's docs/LoRA/options.md and ComfyUI's LoRA node docs, in both languages,
each with a rule that must be in the answer. The log of the probe is /work/guides_c_log.md in the session that
wrote it.
"""

import pytest


@pytest.mark.parametrize(
    "text,wanted",
    [
        # sd-scripts docs/train_network_advanced.md and sdxl_train_network.md (SDXL options)
        ("Do I need --no_half_vae when I train an SDXL LoRA in bf16?", "vae.options"),
        ("SDXL bf16으로 학습할 때도 no_half_vae 켜야 됨?", "vae.options"),
        (
            "How do I keep only the last few epoch saves so my disk doesn't fill up with LoRA files in sd-scripts?",
            "args.save_windows",
        ),
        (
            "sd-scripts에서 에폭마다 저장하니까 파일 너무 많이 쌓이는데 최근 몇 개만 남기는 옵션 있음?",
            "kohya.save_file_naming",
        ),
        ("What does network_dropout do, and does it help against overfitting?", "network.dropout"),
        ("network_dropout 이거 과적합 막는 용도임? 얼마로 줌?", "network.dropout"),
        ("What is loraplus_lr_ratio and what value should I use?", "network.loraplus"),
        ("LoRA+ loraplus_lr_ratio 몇으로 설정해야 됨?", "network.loraplus"),
        (
            "I turned on cache_text_encoder_outputs for SDXL and now it complains about the text encoder, what do I need?",
            "memory.cache_to_disk",
        ),
        (
            "SDXL cache_text_encoder_outputs 켜니까 셔플 캡션이 안 먹는 것 같은데 정상임?",
            "memory.cache_to_disk",
        ),
        ("Why can't I use random_crop together with cache_latents?", "aug.cache_latents_conflict"),
        ("cache_latents 켜면 color_aug랑 random crop 못 씀?", "aug.cache_latents_conflict"),
        (
            "Can lr_warmup_steps be given as a fraction of the total steps, like 0.1?",
            "scheduler.warmup_cycles",
        ),
        ("lr_warmup_steps 0.1 처럼 비율로 넣어도 됨?", "scheduler.warmup_cycles"),
        ("Which lr_scheduler should I use with Prodigy?", "train.lr_scheduler"),
        ("프로디지 쓸 때 스케줄러 뭐로 해야됨? cosine 써도 됨?", "train.lr_scheduler"),
        (
            "What is max_grad_norm's default in sd-scripts and what happens if I set it to 0?",
            "train.max_grad_norm",
        ),
        ("max_grad_norm 기본값 얼마고 0으로 하면 어떻게 됨?", "train.max_grad_norm"),
        (
            "Can I use fused_backward_pass with AdamW8bit or with gradient accumulation?",
            "args.fused_backward_pass",
        ),
        ("fused_backward_pass 옵션 AdamW8bit이랑 같이 써도 돼?", "args.fused_backward_pass"),
        (
            "The negative prompt (--n) in my sample prompts file does nothing when training Flux, why?",
            "gui.kohya_sample_images",
        ),
        ("플럭스 학습 샘플 프롬프트에 --n 네거티브 넣었는데 반영이 안 됨", "infer.flux_lora_use"),
        ("What noise_offset value should I use for SDXL?", "train.noise_offset"),
        ("SDXL 학습할 때 노이즈 오프셋 얼마가 적당함?", "train.noise_offset"),
        (
            "What values should I use for multires_noise_iterations and multires_noise_discount?",
            "noise.multires",
        ),
        ("multires noise iterations랑 discount 값 몇으로 줘야 돼?", "noise.multires"),
        ("What is ip_noise_gamma and what value should I use?", "noise.ip_gamma_adaptive"),
        ("ip_noise_gamma 옵션 뭐임? 값은 얼마?", "noise.ip_gamma_adaptive"),
        ("Should I switch loss_type to huber, and which huber_schedule?", "loss.huber"),
        ("loss_type huber로 바꾸면 뭐가 좋음? huber_schedule은 뭐로?", "loss.huber"),
        (
            "My captions are longer than 75 tokens, do they get cut off during training?",
            "captions.max_token_length",
        ),
        ("캡션이 75토큰 넘는데 학습할 때 잘리나요?", "captions.max_token_length"),
        ("What is the --lowram option in sd-scripts for?", "dataloader.workers"),
        ("sd-scripts lowram 옵션은 언제 씀?", "dataloader.workers"),
        (
            "I restarted with network_weights and --initial_epoch, but the learning rate schedule started over from the beginning, why?",
            "args.initial_step",
        ),
        (
            "initial_epoch 넣고 다시 시작했는데 학습률 스케줄러가 처음부터 다시 시작함 왜 이럼?",
            "args.initial_step",
        ),
        (
            "Can I merge an existing LoRA into the base model before training a new LoRA on top, to learn only the difference?",
            "args.base_weights",
        ),
        ("기존 로라를 베이스 모델에 병합한 상태에서 차이만 학습하는 방법 있음?", "args.base_weights"),
        ("What does scale_weight_norms do and what value should I use?", "args.scale_weight_norms"),
        ("scale_weight_norms 값 몇이 좋음? 뭐 하는 옵션임?", "args.scale_weight_norms"),
        (
            "Loading the checkpoint takes forever in WSL with sd-scripts, is there an option for that?",
            "args.disable_mmap",
        ),
        ("WSL에서 sd-scripts 모델 로딩이 엄청 느린데 해결 옵션 있음?", "args.disable_mmap"),
        (
            "How do I give SDXL's two text encoders separate learning rates in sd-scripts?",
            "trouble.sdxl_lora_te_lr",
        ),
        ("SDXL 텍스트 인코더 두 개 학습률 따로 주는 법?", "trouble.sdxl_lora_te_lr"),
        (
            "Training pauses for a long time at the start of every epoch in kohya, how do I fix it?",
            "dataloader.workers",
        ),
        ("kohya에서 에폭 넘어갈 때마다 한참 멈췄다가 다시 시작함 왜 그럼?", "dataloader.workers"),
        (
            "What is debiased_estimation_loss and should I use it with min_snr_gamma?",
            "loss.debiased_estimation",
        ),
        ("debiased_estimation_loss 옵션이 뭐임? min snr이랑 같이 씀?", "loss.debiased_estimation"),
        ("What are scale_v_pred_loss_like_noise_pred and v_pred_like_loss for?", "loss.debiased_estimation"),
        ("scale_v_pred_loss_like_noise_pred 옵션 언제 씀?", "loss.vpred_scale"),
        ("How do I resume a kohya training run exactly where it stopped, optimizer and all?", "train.resume"),
        ("kohya 학습 중간에 끊겼는데 옵티마이저 상태까지 그대로 이어서 하는 법?", "gui.kohya_save_resume"),
        (
            "Can sd-scripts generate sample images before training starts, as a baseline?",
            "kohya.sample_sampler_names",
        ),
        ("학습 시작 전에 샘플 이미지 먼저 뽑아볼 수 있음?", "kohya.sample_sampler_names"),
        # sd-scripts dataset and bucket options
        ("Does kohya upscale my small images to the training resolution?", "train.resolution_family"),
        ("작은 이미지를 kohya가 학습 해상도로 업스케일함?", "train.resolution_family"),
        ("What should min_bucket_reso and max_bucket_reso be for SDXL?", "bucket.settings"),
        ("SDXL에서 min_bucket_reso, max_bucket_reso 몇으로 둬?", "bucket.settings"),
        ("What does face_crop_aug_range do?", "aug.cache_latents_conflict"),
        ("face_crop_aug_range 옵션 뭐임?", "aug.cache_latents_conflict"),
        (
            "What's the difference between caption_dropout_rate and caption_tag_dropout_rate?",
            "captions.dropout_schedule",
        ),
        ("caption_dropout_rate랑 caption_tag_dropout_rate 차이?", "captions.dropout_schedule"),
        # sd-scripts docs/config_README-en.md (dataset config)
        (
            "I use a dataset_config toml and the repeats in my folder name (10_name) seem to be ignored, why?",
            "dsconfig.image_dir",
        ),
        ("dataset config toml 쓰는데 폴더명 10_ 반복 수가 적용 안 되는 듯?", "dsconfig.image_dir"),
        (
            "Does class_tokens get added to my captions when I already have .txt caption files?",
            "kohya.folder_name_vs_caption",
        ),
        ("class_tokens 지정하면 캡션 파일이 있어도 붙음?", "kohya.folder_name_vs_caption"),
        (
            "If I pass both --train_data_dir and --dataset_config, which one is used?",
            "dataset.config_precedence",
        ),
        ("train_data_dir이랑 dataset_config 같이 주면 뭐가 적용됨?", "dataset.config_precedence"),
        (
            "I set --resolution 1024 on the command line but it trains at 512; I also pass a dataset toml. Which one wins?",
            "dataset.config_precedence",
        ),
        (
            "커맨드라인에 resolution 1024 줬는데 toml에 있는 512로 학습됨. 뭐가 우선임?",
            "dataset.config_precedence",
        ),
        (
            "How do I keep several tags fixed at the front while shuffling the rest of the caption?",
            "captions.keep_tokens_separator",
        ),
        ("셔플 캡션 쓸 때 앞쪽 태그 여러 개 고정하는 법? 구분자로 되나?", "captions.keep_tokens_separator"),
        (
            "How do I add my trigger word to every caption without editing the txt files?",
            "dsconfig.caption_prefix",
        ),
        ("캡션 파일 안 건드리고 모든 캡션 앞에 트리거 단어 붙이는 옵션 있음?", "dsconfig.caption_prefix"),
        (
            "Can I write several captions for one image and have the trainer pick one at random?",
            "captions.several_per_image",
        ),
        (
            "이미지 하나에 캡션 여러 줄 써두고 랜덤으로 하나씩 쓰게 할 수 있음?",
            "dsconfig.wildcards_multiline",
        ),
        (
            "How do I train the same images at both 512 and 1024 resolution in one run?",
            "dsconfig.multi_resolution",
        ),
        ("같은 이미지 폴더를 해상도 두 개로 동시에 학습시키는 법?", "dsconfig.multi_resolution"),
        (
            "voluptuous.error.MultipleInvalid: extra keys not allowed @ data['datasets'][0]['subsets'][0]['repeats'] what does it mean?",
            "dataset.config_precedence",
        ),
        ("데이터셋 toml 돌리니까 extra keys not allowed 에러 뜸 이거 뭐임?", "dataset.config_precedence"),
        (
            "Can I set a different batch size for each subset in the dataset toml?",
            "dsconfig.multi_resolution",
        ),
        ("데이터셋 toml에서 서브셋마다 배치 사이즈 다르게 줄 수 있음?", "dataset.config_precedence"),
        (
            "Which interpolation does sd-scripts use when it resizes my images, and can I change it?",
            "bucket.resolution_area",
        ),
        ("sd-scripts가 이미지 리사이즈할 때 보간 방식 뭐 씀? 바꿀 수 있음?", "args.resize_interpolation"),
        # sd-scripts docs/validation.md
        ("How do I get a validation loss curve in sd-scripts?", "loss.validation"),
        ("kohya sd-scripts에서 validation loss 보는 법?", "loss.validation"),
        (
            "How often does sd-scripts compute validation loss and can I make it every N steps?",
            "loss.validation",
        ),
        ("sd-scripts 검증 로스 몇 스텝마다 계산하게 바꿀 수 있음?", "loss.validation"),
        ("sd-scripts validation loss가 train loss보다 훨씬 매끈한 이유?", "loss.validation"),
        (
            "Why is the validation loss in sd-scripts so much smoother than the training loss?",
            "loss.validation",
        ),
        # sd-scripts docs/masked_loss_README.md
        ("How do I train only the character and ignore the background using masks in kohya?", "loss.masked"),
        ("kohya에서 마스크로 배경 무시하고 캐릭터만 학습시키는 법?", "loss.masked"),
        ("Can I use transparent PNGs as loss masks in sd-scripts?", "dataset.masked_loss"),
        ("투명 png 알파 채널을 마스크로 써서 학습할 수 있음?", "loss.masked"),
        ("With masked loss, small details like earrings don't get learned, why?", "loss.masked"),
        ("masked loss 쓰니까 귀걸이 같은 작은 디테일이 학습이 안 됨", "loss.masked"),
        ("With masked loss, should I still tag the background in my captions?", "loss.masked"),
        ("masked loss 쓰면 캡션에 배경 태그 빼도 됨?", "loss.masked"),
        # kohya_ss docs/LoRA/options.md
        ("What does 'Stop text encoder training' do in kohya_ss?", "results.te_balance"),
        ("kohya_ss stop text encoder training 옵션 뭐임?", "args.unrecognized"),
        ("Is 'LR warmup' in the kohya GUI a number of steps or a percentage?", "scheduler.warmup_cycles"),
        ("kohya gui LR warmup 10이면 10스텝이라는 거임?", "scheduler.warmup_cycles"),
        (
            "I left Caption extension empty in the kohya GUI and my .txt captions seem to be ignored",
            "captions.extension_mismatch",
        ),
        ("kohya gui에서 캡션 확장자 비워뒀더니 txt 캡션이 안 읽히는 듯", "gui.kohya_caption_fields"),
        ("What does 'DIM from weights' do in kohya_ss?", "network.weights_mismatch"),
        ("kohya DIM from weights 체크하면 뭐가 됨?", "network.weights_mismatch"),
        ("What does prior loss weight do and should I lower it?", "reg.prior_loss_weight"),
        ("prior loss weight 낮추면 어떻게 됨?", "reg.prior_loss_weight"),
        ("What does 'LR number of cycles' do with cosine_with_restarts?", "scheduler.warmup_cycles"),
        ("cosine with restarts 쓸 때 사이클 수 몇으로 함?", "scheduler.warmup_cycles"),
        ("Can I use (word:1.2) emphasis in my training captions?", "captions.weighted"),
        ("학습 캡션에 (태그:1.2) 같은 가중치 문법 써도 됨?", "captions.weighted"),
        ("Does gradient checkpointing lower the quality of the LoRA?", "memory.gradient_checkpointing"),
        ("gradient checkpointing 켜면 로라 결과 품질 떨어짐?", "memory.gradient_checkpointing"),
        ("What does random crop do in kohya and when should I use it?", "aug.cache_latents_conflict"),
        ("kohya random crop 옵션 뭐임? 언제 켜?", "aug.cache_latents_conflict"),
        ("What is 'No token padding' in kohya_ss, should I turn it on?", "args.unrecognized"),
        ("kohya no token padding 켜야 됨?", "args.unrecognized"),
        ("I trained twice with the same seed and got different LoRAs, why?", "train.seed"),
        ("시드 똑같이 두고 두 번 학습했는데 결과가 다름 왜?", "train.seed"),
        ("What should Save precision be in kohya, fp16 or float?", "save.options"),
        ("kohya save precision fp16이랑 float 뭐로 저장함?", "save.options"),
        ("What does LR power do for the polynomial scheduler?", "scheduler.warmup_cycles"),
        ("polynomial 스케줄러 LR power 값 뭐 의미함?", "scheduler.warmup_cycles"),
        ("What is 'Blocks LR zero threshold' in kohya_ss?", "network.block_lr"),
        ("kohya block lr zero threshold 이거 뭐임?", "network.block_lr"),
        (
            "How do I set different learning rates per U-Net block in kohya (Down/Mid/Up LR weights)?",
            "network.block_lr",
        ),
        ("kohya에서 유넷 블록별로 학습률 다르게 주는 법? down lr weights", "network.block_lr"),
        ("What do Conv dims and Conv alphas do in kohya_ss?", "network.conv_dim"),
        ("kohya conv dim, conv alpha 는 뭐하는 거임?", "network.conv_dim"),
        # docs.comfy.org, LoraLoader and LoraLoaderModelOnly
        ("What does a negative strength_model do in ComfyUI's LoraLoader?", "ui.comfy_strengths"),
        ("컴피 로라 로더 strength 마이너스로 주면 어떻게 됨?", "infer.negative_weight_sliders"),
        ("What's the difference between strength_model and strength_clip in ComfyUI?", "ui.comfy_strengths"),
        ("컴피UI strength_model이랑 strength_clip 차이가 뭐임?", "ui.comfy_strengths"),
        ("How do I use two LoRAs at once in ComfyUI?", "symptom.loras_conflict"),
        ("컴피에서 로라 두 개 동시에 쓰려면 어떻게 함?", "symptom.loras_conflict"),
        ("When should I use LoraLoaderModelOnly instead of the normal LoRA loader?", "ui.comfy_strengths"),
        ("LoraLoaderModelOnly 는 언제 쓰는 거임?", "ui.comfy_strengths"),
        ("How do I make ComfyUI use the LoRAs that are in my A1111 folder?", "uiuse.organize_lora_library"),
        ("a1111 로라 폴더를 컴피에서 같이 쓰는 법?", "nodes.extra_model_paths"),
        ("My Flux LoRA in ComfyUI: do I need the CLIP input on the LoRA loader?", "infer.flux_lora_use"),
        # routed by intent (Comfy named before Flux) to the rule that says LoraLoaderModelOnly suffices
        ("컴피에서 플럭스 로라 쓸 때 로라 로더에 clip 연결해야 됨?", "infer.flux_lora_use"),
        ("In ComfyUI my Flux LoRA: does the LoRA loader need the CLIP input?", "infer.flux_lora_use"),
        ("I put a new LoRA file into models/loras but ComfyUI doesn't list it", "ui.lora_folders"),
        ("models/loras에 로라 넣었는데 컴피 목록에 안 뜸", "ui.lora_folders"),
    ],
)
def test_guides_c_questions_reach_the_rule_that_answers_them(advisor, text, wanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids, ids
