"""Question cases for advisor/rulebook_results.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "results.weak_needs_over_1": "My character LoRA only shows the character when I set the weight to 1.6, at 1.0 it barely does anything. What should I change?",
    "results.strong_only_low": "가중치 0.5 정도로만 괜찮고 1.0으로 하면 그림이 다 망가져요. 뭘 바꿔야 하나요?",
    "results.cfg_burn_test": "With my LoRA the images look burned and oversaturated at CFG 7, is it the LoRA or the CFG?",
    "results.fix_without_retrain": "Can I tone down an overtrained LoRA without retraining it, like baking a lower weight into the file?",
    "results.epoch_drift": "The likeness keeps flip-flopping between epochs, epoch 6 looks like her, epoch 8 doesn't, epoch 10 does again. Why?",
    "results.closeup_vs_fullbody": "클로즈업은 잘 닮았는데 전신샷에서는 얼굴이 뭉개지고 안 닮아요",
    "results.resolution_artifacts": "With my LoRA I get weird noise patterns and melted textures at higher resolutions, without the LoRA it's fine.",
    "results.other_checkpoints": "My LoRA works fine on the base model but on other merged checkpoints it looks weak and different",
    "results.fair_test": "What's the proper way to test a LoRA I trained, so I can compare it fairly with my next run?",
    "results.under_vs_over": "How can I tell if my LoRA is overtrained or undertrained just from the images?",
    "results.lr_vs_steps": "제 로라가 과하게 익었는데 학습률 때문인지 아니면 스텝이 너무 많아서인지 어떻게 구분하나요?",
    "results.loss_reading": "My loss doesn't go down at all during LoRA training, it just bounces around 0.1. Is something wrong?",
    "results.steps_budget": "화풍 로라는 몇 스텝 정도 돌려야 하나요? 캐릭터랑 다른가요?",
    "results.prodigy_results": "My Prodigy LoRA comes out overtrained and fried, how do I calm it down?",
    "results.adamw_ranges": "AdamW8bit에서 unet_lr은 얼마가 적당해요? 1e-4 아니면 5e-4?",
    "results.scheduler_results": "With cosine_with_restarts, which epoch should I pick, the last one or one in the middle?",
    "results.reg_hurts": "정규화 이미지를 넣었더니 오히려 캐릭터가 안 닮고 약해졌어요",
    "results.dim_capacity": "Will a higher network_dim give my character LoRA more detail, or does it just overfit?",
    "results.te_balance": "텍스트 인코더 학습률을 너무 높이면 결과에 어떤 영향이 있어요?",
    "results.caption_diagnosis": "The same outfit keeps showing up in every image, is that because of my captions?",
    "results.recipe_transfer": "I used the exact same settings as my last LoRA but this time with a different dataset and it came out overtrained. Why?",
    "results.quality_drop": "로라를 켜면 캐릭터는 맞는데 전체적으로 화질이 떨어지고 디테일이 뭉개져요",
    "results.style_not_captured": "My style LoRA only changes the colors a bit, the line art and brush strokes of the artist don't come through. What's wrong?",
    "results.concept_not_learned": "포즈 로라를 학습했는데 에러는 없는데 그 포즈가 전혀 안 나와요",
}
