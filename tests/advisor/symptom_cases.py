"""Question cases for advisor/rulebook_symptoms.toml (merged into test_advisor_rules.QUESTION_CASES): rule id ->
a question, written fresh (not taken from the question bank), that must reach the rule."""

from __future__ import annotations

SYMPTOM_CASES: dict[str, str] = {
    # what the images look like
    "symptom.burned": "Why do my generations look deep fried with crazy contrast when the LoRA is on?",
    "symptom.washed_out": "제 LoRA로 뽑으면 색이 물빠진 것처럼 회색빛이 돌아요",
    "symptom.color_cast": "Every image has a yellow tint with my new LoRA, how do I get rid of it?",
    "symptom.blurry": "SDXL 로라를 적용하면 결과물이 흐릿하고 디테일이 없어요",
    "symptom.grainy": "The skin looks grainy and speckled with my realistic LoRA",
    "symptom.face_distorted": "캐릭터 로라 쓰면 얼굴이 뭉개지고 눈이 짝짝이로 나와요",
    "symptom.style_sameface": "My style LoRA gives every girl the same face, why?",
    "symptom.hands_anatomy": "With my LoRA the fingers and anatomy get much worse than the base model",
    "symptom.style_leak": "캐릭터만 학습했는데 로라를 쓰면 그림체까지 원작 작화로 바뀌어요",
    "symptom.outfit_baked": "Her school uniform comes along in every picture, I can't swap the outfit",
    "symptom.background_baked": "학습 사진 배경이 항상 같이 나와요. 배경을 바꾸려면요?",
    "symptom.rigid_pose": "The pose is always the same front view no matter what I prompt",
}
SYMPTOM_CASES.update(
    {
        "symptom.too_dark": "After training with noise offset all my outputs are way too dark",
        "symptom.trigger_weak": "트리거를 두세 번 반복해서 써야 겨우 캐릭터가 나와요",
        "symptom.no_trigger_needed": "Why does my LoRA change the picture even when I don't type the trigger?",
        "symptom.loras_conflict": "스타일 로라랑 캐릭터 로라를 같이 쓰면 서로 충돌해요",
        "symptom.same_image": "No matter what prompt I use I get the same picture every time with this LoRA",
        "symptom.watermarks": "My LoRA adds a signature and random text in the corner of every image",
        "symptom.grey_noise": "I only get grey images with brown blobs when I load my LoRA",
        "symptom.duplicate_subjects": "At 1024x1536 I get two heads stacked on top of each other",
        "symptom.samples_bad": "학습 중 샘플 이미지가 처음부터 노이즈 범벅이에요",
        "symptom.small_details": "The tattoo on her arm comes out different every time",
        "symptom.trait_wrong": "캐릭터 눈색이 자꾸 다르게 나와요. 원래 빨간 눈인데요",
    }
)
SYMPTOM_CASES.update(
    {
        "symptom.loss_rising": "avr_loss keeps climbing after epoch 6, is my training broken?",
        "symptom.loss_no_change": "Loss goes down but the samples don't change at all between epochs",
        "symptom.plateau": "로라가 5에폭 이후로 더 나아지지 않아요. 더 돌려도 그대로예요",
        "symptom.first_epoch_slow": "Why is caching latents taking forever before training starts?",
        "symptom.gpu_busy_slow": "My GPU usage is 100% but I only get 1.2 it/s on SD1.5",
        "symptom.gpu_idle": "학습 중인데 작업 관리자에서 GPU 사용률이 거의 0%예요",
        "symptom.zero_images": "kohya says 0 train images and the epoch ends instantly",
        "symptom.slows_down": "Training gets much slower after the first two epochs, why?",
    }
)
SYMPTOM_CASES.update(
    {
        "symptom.content_bias": "My character LoRA makes everything nsfw even when I don't ask for it",
        "symptom.realism_shift": "실사 인물 로라인데 피부가 플라스틱처럼 매끈하게 나와요",
        "symptom.extra_people": "It should be solo but a second girl keeps appearing in the background",
        "symptom.cropped_subject": "Heads are always cut off at the top of my generations",
    }
)
SYMPTOM_CASES.update(
    {
        "symptom.distilled_models": "My LoRA gets fried on a DMD2 model at 8 steps, fine on the normal checkpoint",
        "symptom.hires_fix_breaks": "하이레스 픽스를 켜면 로라 얼굴이 다른 사람처럼 바뀌어요",
        "symptom.prompt_ignored_te": "With my SD1.5 LoRA the colour tags stop working, everything comes out red",
    }
)
SYMPTOM_CASES.update(
    {
        "symptom.inconsistent_likeness": "시드마다 닮았다 안 닮았다 해요. 복불복이에요",
    }
)
