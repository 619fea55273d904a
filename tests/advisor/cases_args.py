"""Question cases for advisor/rulebook_args.toml (issue 21, eighth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "args.scale_weight_norms": "What does --scale_weight_norms do and what value should I use for an SDXL character LoRA?",
    "args.base_weights": "base_weights랑 base_weights_multiplier 옵션은 network_weights랑 뭐가 달라요?",
    "args.metadata": "How do I put my trigger word and a note into the LoRA file with training_comment?",
    "args.config_file": "Can I turn my long train_network.py command into a toml with --output_config?",
    "args.lr_scheduler_extra": "cosine_with_min_lr 스케줄러 쓸 때 lr_scheduler_min_lr_ratio는 몇으로 하나요?",
    "args.defaults": "If I leave learning_rate out of the sd-scripts command, what default value does train_network use?",
    "args.legacy_flags": "An old guide says --use_8bit_adam, but now it errors with optimizer_type. Which is right?",
    "args.initial_step": "state 폴더가 없는데 1200 스텝부터 이어서 학습하려면 initial_step 쓰면 되나요?",
    "args.huggingface_upload": "How do I make sd-scripts push each epoch to my Hugging Face repo with huggingface_repo_id while it trains on Colab?",
    "args.debug_dataset": "Is there a way to preview what images and captions the trainer actually uses, like debug_dataset?",
    "args.cache_checks": "With 20k images the start takes ages checking the latent cache. Does skip_cache_check help?",
    "args.disable_mmap": "WSL에서 SDXL 체크포인트 로딩이 몇 분씩 걸려요. disable_mmap_load_safetensors 켜면 빨라지나요?",
    "args.fused_backward_pass": "Will --fused_backward_pass lower VRAM for my SDXL LoRA on a 12 GB card?",
    "args.resize_interpolation": "Which resize_interpolation should I set, lanczos or bicubic, for my training images?",
    "args.wandb": "How do I set the wandb project and run name when training with sd-scripts, wandb_run_name?",
    "args.console_log": "console_log_file 옵션으로 학습 로그를 파일로 저장할 수 있나요?",
    "args.ddp_options": "Two GPUs with gradient checkpointing crash with 'Expected to mark a variable ready only once'. What flag fixes it?",
    "args.deepspeed": "Should I enable deepspeed with zero_stage 2 to train a LoRA on one 16 GB GPU?",
    "args.save_windows": "save_last_n_steps 300으로 했더니 파일이 3개만 남는데 save_last_n_epochs랑 어떻게 달라요?",
    "args.kv_list_syntax": "How do I write several optimizer_args in a toml config, and why does decouple=true give malformed node or string?",
    "args.cli_syntax": "I wrote --gradient_checkpointing True and got unrecognized arguments: True. How are flags written?",
    "args.unrecognized": "sdxl_train_network.py says error: unrecognized arguments: --learning_rate_te1. Why?",
    "args.network_modules": "DyLoRA로 학습하면 unit은 어떻게 정하고 rank별로 어떻게 뽑아요?",
    "args.accelerate_launch": "Why does the guide use accelerate launch --num_cpu_threads_per_process 1 instead of plain python?",
    "args.lycoris_network_args": "How do I write use_tucker and the preset for LoKr with lycoris.kohya on the command line?",
    "args.output_naming": "학습 끝나니까 mychar-000004.safetensors 같은 번호 붙은 파일이 여러 개 생겼어요. output_name이랑 무슨 관계예요?",
    "args.adamw_args": "What weight_decay and betas should I give AdamW8bit for a character LoRA?",
    "args.torch_compile": "torch_compile 옵션 켜면 LoRA 학습이 빨라지나요? dynamo_backend는 뭘로 해요?",
    "args.block_dims": "How many values does block_dims need for SDXL, and what does block_alphas do?",
    "args.sample_prompt_formats": "Can the sample_prompts file be a .toml instead of a txt, and what size do samples use if I leave out --w?",
    "args.caption_separator": "자연어 캡션인데 shuffle_caption 쓰면 쉼표에서 잘려요. caption_separator를 바꾸면 되나요?",
    "args.precache_tools": "Can I run tools/cache_latents.py before training so every experiment reuses the latents?",
}
