"""Question cases for advisor/rulebook_kohya.toml (issue 21, eleventh round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "kohya.reg_draw_order": "I have 2000 regularization images but only 30 training pics, does kohya pick the reg images randomly each epoch?",
    "kohya.console_training_header": "콘솔에 num batches per epoch 랑 total optimization steps 가 뜨는데 각각 무슨 뜻이에요?",
    "kohya.multi_folder_balance": "I have two concept folders with different numbers of images, how do I balance them so one doesn't dominate?",
    "kohya.sdxl_finetune_te_lr": "sdxl_train.py로 풀 파인튜닝할 때 learning_rate_te1을 안 적으면 텍스트 인코더 학습률은 얼마로 들어가요?",
    "kohya.lora_lr_precedence": "If I set unet_lr and also learning_rate in kohya, which one is actually used for the text encoder?",
    "kohya.bucket_steps_assert": "SD1.5 lora training stops with bucket_reso_steps is 32. it must be divisible by 64, but my SDXL run with 32 worked?",
    "kohya.bucket_no_upscale_detail": "bucket_no_upscale 켜면 작은 이미지는 어떤 해상도로 학습되나요? min_bucket_reso는 왜 무시돼요?",
    "kohya.latent_npz_reuse": "I replaced some images with cleaner versions under the same file names, will kohya reuse the old npz latent cache?",
    "kohya.te_cache_limits": "cache_text_encoder_outputs_to_disk 켰는데 캡션 고친 다음에도 예전 캡션으로 학습되는 것 같아요",
    "kohya.v_pred_like_loss": "What does v_pred_like_loss actually do to the loss, and what value is sane for an SDXL lora?",
    "kohya.ip_noise_mechanics": "ip_noise_gamma 0.1 넣으면 정확히 뭐가 바뀌어요? 과적합 줄이는 데 도움 돼요?",
    "kohya.sample_sampler_names": "Which sampler names can I put in sample_sampler? dpmpp_2m gives invalid choice",
    "kohya.resume_state_details": "My run crashed at epoch 6, I have the -state folder from save_state. How do I resume and will it continue from epoch 6?",
    "kohya.save_file_naming": "I trained 10 epochs but there is no mylora-000010 file, only up to 000009 and mylora.safetensors. Which is the last epoch?",
    "kohya.sdxl_vs_sd15_flags": "SD1.5 로라 학습 설정을 SDXL로 옮기려는데 clip_skip will be unexpected 경고가 떠요. 뭘 바꿔야 하나요?",
    "kohya.dreambooth_naming": "My LoRA metadata says is_dreambooth true but I trained a normal lora, why?",
    "kohya.stack_size_mismatch": "Training crashes with stack expects each tensor to be equal size, but got [4, 96, 128] at entry 0 and [4, 128, 96] at entry 1, using a metadata json",
    "kohya.gui_folder_pattern_error": "kohya GUI에서 Not all images folders have proper name patterns 에러가 나요. 폴더 이름은 10_girl로 했는데요",
    "kohya.folder_name_vs_caption": "Does the trigger word in my folder name 10_ohwx woman get added to my txt captions automatically?",
    "kohya.loss_weighting_numbers": "min_snr_gamma 5 vs debiased_estimation: which timesteps does each one actually weight down or up?",
    "kohya.max_token_length_chunks": "캡션이 225 토큰 넘으면 kohya가 경고 없이 잘라버리나요? max_token_length 225는 어떻게 동작해요?",
    "kohya.multires_noise_math": "Does raising multires_noise_iterations above 10 do anything, and what does the discount change?",
    "kohya.fused_optimizer_groups": "What does --fused_optimizer_groups 10 do in sdxl_train.py and how many groups should I use?",
}
