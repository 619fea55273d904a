"""Question cases for advisor/rulebook_craft.toml (merged into test_advisor_rules.QUESTION_CASES): rule id ->
a question, written fresh (not taken from the question bank), that must reach the rule."""

from __future__ import annotations

CRAFT_CASES: dict[str, str] = {
    # captions
    "captions.keep_tokens_separator": "How do I keep the first two tags fixed with keep_tokens_separator?",
    "captions.dropout_schedule": "캡션 tag dropout이랑 caption_dropout_every_n_epochs 차이가 뭔가요?",
    "captions.max_token_length": "My natural language captions are long, does kohya cut them after 75 tokens?",
    # augmentation
    "aug.cache_latents_conflict": "Can I use random_crop together with cache_latents?",
    # noise
    "noise.multires": "multires_noise_discount 값은 얼마로 하나요?",
    "noise.ip_gamma_adaptive": "What does adaptive_noise_scale do with noise offset?",
    # loss
    "loss.huber": "Is smooth_l1 loss better than the default l2 for a LoRA?",
    "loss.debiased_estimation": "debiased_estimation_loss 켜면 좋아지나요?",
    "loss.vpred_scale": "Should I enable scale_v_pred_loss_like_noise_pred for a v-pred SDXL model?",
    "reg.prior_loss_weight": "정규화 이미지 가중치(prior_loss_weight)를 낮추면 어떻게 되나요?",
    # schedulers
    "scheduler.warmup_cycles": "What does lr_scheduler_num_cycles do, and is lr_warmup_steps a ratio?",
    # optimizers
    "optimizer.prodigy_args": "Which optimizer_args do people use with Prodigy, safeguard_warmup and so on?",
    "optimizer.dadaptation": "DAdaptAdam이랑 DAdaptation 차이가 뭐예요?",
    "optimizer.adafactor_modes": "What is the difference between relative_step True and False for Adafactor?",
    "optimizer.came": "CAME optimizer를 kohya에서 쓰려면 optimizer_type을 뭐라고 적어요?",
    "optimizer.schedule_free": "Do I need a warmup with AdamWScheduleFree?",
    # network
    "network.loraplus": "LoRA+ 쓰면 학습이 빨라지나요?",
    "network.conv_dim": "Do I need conv_dim for a style LoRA?",
    "network.dropout": "rank_dropout 이랑 module_dropout 값 얼마가 좋아요?",
    "network.weights_mismatch": "I continue from an old LoRA and get size mismatch, what is dim_from_weights?",
    # text encoder
    "te.train_parts": "What does network_train_text_encoder_only do?",
    # precision and memory
    "precision.full_half": "Does full_bf16 save much VRAM compared to normal mixed precision?",
    "memory.fp8_base": "fp8_base_unet 켜면 VRAM 얼마나 줄어요?",
    "memory.cache_to_disk": "Why does cache_text_encoder_outputs turn off shuffle_caption?",
    "dataloader.workers": "persistent_data_loader_workers 켜면 뭐가 좋아요?",
    # SD2
    "sd2.flags": "Training on a 512-base SD2 model, should v_parameterization be on?",
    # runs
    "train.seed": "학습 시드를 고정하면 결과가 재현되나요?",
    "save.options": "What does save_last_n_epochs do?",
    "loss.validation": "How do I use validation_split in the dataset toml?",
    "loss.masked": "alpha_mask 옵션은 어떻게 써요?",
    "train.speed": "Is 1.5 s/it normal for SDXL LoRA on a 12GB card?",
    "bucket.settings": "What bucket_reso_steps should I use for SDXL?",
    # more options
    "memory.gradient_checkpointing": "Is gradient_checkpointing worth it, does it make training worse?",
    "vae.options": "SDXL fp16 학습인데 no_half_vae 대신 fp16-fix VAE 써도 되나요?",
    "train.max_grad_norm": "Should gradient clipping (max_grad_norm) stay at 1.0?",
    "train.timestep_range": "min_timestep을 500으로 올리면 뭐가 달라져요?",
    "network.block_lr": "How do I use up_lr_weight and block_dims in network_args?",
    "captions.weighted": "Do parentheses in captions like (smile:1.3) do anything during training?",
    "train.multi_gpu": "멀티 GPU로 학습하면 스텝 수가 어떻게 바뀌나요?",
    "sdxl.script": "Do I need sdxl_train_network.py for a Pony LoRA?",
    "train.logging": "How do I turn on wandb logging in sd-scripts?",
    "dataset.config_precedence": "I get voluptuous extra keys not allowed for num_repeats in my dataset config",
    "attention.mem_eff_attn": "mem_eff_attn이랑 sdpa 중에 뭐 써요?",
}
