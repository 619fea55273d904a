"""Question cases for advisor/rulebook_gui.toml (issue 21, eighth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "gui.kohya_epochs_steps": "In kohya_ss I put Epoch 10 but the run always stops at 1600 steps, why is my epoch ignored?",
    "gui.kohya_lr_warmup": "kohya 가이에서 LR warmup 10%로 되어 있는데 이게 뭐고 얼마로 해야 하나요?",
    "gui.kohya_lr_fields": "kohya LoRA tab has Unet learning rate and Text Encoder learning rate boxes besides Learning rate, which one is used?",
    "gui.kohya_optimizer_fields": "옵티마이저 추가 인자 칸(Optimizer extra arguments)에는 어떤 형식으로 적어야 하나요?",
    "gui.kohya_rank_alpha": "What should I put for Network Rank (Dimension) and Network Alpha? The sliders start at 8 and 1.",
    "gui.kohya_lora_type": "kohya에서 LoRA type을 뭘 골라야 하나요? Standard, LyCORIS/LoCon, LoHa 이런 게 있던데",
    "gui.kohya_resolution_buckets": "For SDXL what do I write in Max resolution, and what are Minimum bucket resolution and Maximum bucket resolution?",
    "gui.kohya_batch_accum": "Gradient accumulate steps랑 Train batch size 차이가 뭔가요? 배치 올리니까 스텝 수가 반으로 줄었어요",
    "gui.kohya_caption_fields": "kohya에서 Keep n tokens는 몇으로 해야 하나요? 셔플 캡션 켰어요",
    "gui.kohya_cache_latents": "Should I tick Cache latents to disk in kohya_ss, and why is Cache latents greyed out when I enable Color augmentation?",
    "gui.kohya_precision_fields": "Mixed precision이랑 Save precision 차이가 뭔가요? 둘 다 fp16으로 되어 있어요",
    "gui.kohya_attention_memory": "What's the CrossAttention dropdown in kohya_ss, should I pick sdpa or xformers, and what is Memory efficient attention?",
    "gui.kohya_noise_offset": "노이즈 오프셋 타입에서 Original이랑 Multires 중 뭘 골라야 하고 값은 얼마로 하나요?",
    "gui.kohya_sample_images": "How do I fill Sample every n epochs and Sample prompts in kohya so I get preview images while training?",
    "gui.kohya_additional_parameters": "kohya GUI에 없는 옵션은 Additional parameters 칸에 어떻게 적나요?",
    "gui.kohya_tensorboard": "I pressed Start tensorboard in kohya_ss but nothing shows up, where do I see the loss graph?",
    "gui.kohya_source_model": "로컬 Illustrious 체크포인트로 학습하는데 SDXL 체크박스랑 v_param 체크를 해야 하나요?",
    "gui.kohya_folders": "Which folder goes into Image folder in kohya, the one with the pictures or its parent? I get does not contain an underscore",
    "gui.kohya_save_resume": "학습이 중간에 끊겼는데 Save training state랑 Resume from saved training state는 어떻게 쓰나요?",
    "gui.kohya_accelerate_launch": "I have two GPUs, what do I set for Number of processes and GPU IDs in kohya's Accelerate launch section?",
    "gui.kohya_captioning_tools": "WD14 Captioning에서 Prefix to add to WD14 caption에 트리거 넣으면 되나요? threshold는 얼마로?",
    "gui.kohya_lora_tools": "How do I use Resize LoRA in kohya, what do Desired LoRA rank and Dynamic method sv_fro mean?",
    "gui.ot_training_basics": "OneTrainer의 Learning Rate Warmup Steps 기본값이 200인데 이건 스텝인가요 비율인가요?",
    "gui.ot_ema_dtypes": "Should I turn EMA on in OneTrainer? With EMA GPU and decay 0.999 my LoRA seems to learn nothing",
    "gui.ot_text_encoder": "원트레이너에서 Clip Skip을 1로 하면 A1111의 clip skip 2랑 같은 건가요? 텍스트 인코더도 학습해야 하나요?",
    "gui.ot_noise_timestep": "What does Timestep Distribution do in OneTrainer and should I change it from UNIFORM to LOGIT_NORMAL?",
    "gui.ot_masked_training": "Masked Training에서 Unmasked Probability와 Unmasked Weight는 얼마로 하고 마스크 파일 이름은 어떻게 하나요?",
    "gui.ot_concept_settings": "In the OneTrainer concept window, what is Balancing with REPEATS vs SAMPLES, and what are Image Variations?",
    "gui.ot_concept_text": "원트레이너 concept에서 Keep Tag Count랑 Tag Dropout 설정은 어디서 어떻게 하나요?",
    "gui.ot_lora_types": "Should I enable Decompose Weights (DoRA) in OneTrainer, and what does Layer Filter attn-mlp mean?",
    "gui.ot_backup_save_sampling": "OneTrainer 백업이 30분마다 생기는데 Save Every랑 Backup After 차이가 뭔가요?",
    "gui.ot_general_data": "OneTrainer: what is the Workspace Directory for, and should I turn off Clear cache before training?",
    "gui.ot_presets_model_tab": "원트레이너에서 Load Preset 목록의 #으로 시작하는 프리셋은 뭐고, Model Output Destination은 뭘로 바꿔야 하나요?",
    "gui.aitk_job_training": "In ai-toolkit's UI what should Linear Rank, Save Every and Max Step Saves to Keep be for a Flux character LoRA?",
    "gui.aitk_dataset_sample": "ai-toolkit에서 Cache Text Embeddings 켜니까 캡션이 안 먹는 것 같은데, Unload TE랑 차이가 뭔가요?",
}
