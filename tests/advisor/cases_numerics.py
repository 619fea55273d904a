"""Question cases for advisor/rulebook_numerics.toml (issue 21, ninth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "numerics.unscale_fp16_grads": "Training on a T4 in Colab crashes with ValueError: Attempting to unscale FP16 gradients, what does it mean?",
    "numerics.grad_scaler": "fp16 학습에서 loss scale이 뭐고 왜 스텝을 건너뛴다고 나오나요?",
    "numerics.half_weights_rounding": "Why would full_bf16 make my LoRA learn less than normal mixed precision?",
    "numerics.adam_eps_fp16": "Does the Adam epsilon of 1e-8 cause problems in pure fp16 training?",
    "numerics.nan_at_start": "처음부터 loss가 nan이 나와요. 첫 스텝부터 그러는데 왜죠?",
    "numerics.nan_mid_run": "My loss was fine but became nan suddenly after about 1500 steps, what happened?",
    "numerics.nan_in_latents": "RuntimeError: NaN detected in latents while caching on SDXL, how do I fix it?",
    "numerics.find_nan_source": "How can I figure out where the NaNs come from in my training?",
    "numerics.attention_same_math": "xformers랑 sdpa 중에 뭐가 결과 품질이 더 좋아요? 차이가 있나요?",
    "numerics.flash_attention_warning": "I keep seeing 'Torch was not compiled with flash attention' in the console, should I worry?",
    "numerics.vram_budget": "What actually takes up the VRAM when training a LoRA on SDXL?",
    "numerics.rank_memory": "rank를 32에서 128로 올리면 VRAM이 얼마나 더 드나요?",
    "numerics.resolution_memory": "Why does training at 1024 use so much more memory than 512?",
    "numerics.oom_message": "The error says 3 GiB is reserved by PyTorch but unallocated, what should I do?",
    "numerics.memory_over_time": "VRAM usage keeps growing during training and I get OOM after a few hundred steps, is it a memory leak?",
    "numerics.steps_full_formula": "정규화 이미지를 넣었더니 총 스텝 수가 두 배가 됐어요. 스텝 수는 어떻게 계산되나요?",
    "numerics.prodigy_dlr": "Prodigy의 실제 학습률은 텐서보드에서 어떻게 보나요? lr은 계속 1.0으로 나와요",
    "numerics.avr_loss_reading": "What does avr_loss mean and why is it stuck at nan even though samples look fine?",
    "numerics.run_variance": "I trained twice with the same seed and settings but got different results, why isn't it reproducible?",
    "numerics.noise_offset_mechanics": "How does noise offset actually work, and why can't SD make really dark images without it?",
    "numerics.vpred_loss_scale": "Why is the loss of my v-pred training higher than with epsilon models, how are the timesteps weighted?",
    "numerics.lr_schedule_values": "코사인 스케줄이면 학습률이 절반 지점에서 얼마나 줄어드나요?",
    "numerics.grad_accumulation": "Is gradient accumulation exactly the same as a bigger batch size?",
    "numerics.optimizer_memory": "Why does Prodigy use more VRAM than AdamW8bit on my SDXL LoRA?",
    "numerics.batch_throughput": "배치를 4로 늘렸더니 스텝당 훨씬 느려졌어요. 배치 키우면 원래 느려지나요?",
    "numerics.fp32_cost": "Is training in full fp32 better quality, or just slower? What about TF32?",
}
