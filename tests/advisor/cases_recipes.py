"""Question cases for advisor/rulebook_recipes.toml (issue 21, eighth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "recipe.style": "I want to capture a watercolor artist's style, what dim and how many steps for a style LoRA?",
    "recipe.anime_character": "일러스트리어스에서 오리지널 캐릭터 로라 만들 때 학습률이랑 dim 어떻게 해요?",
    "recipe.real_person": "How do I train a LoRA of my wife from about 30 photos so the face looks right?",
    "recipe.outfit": "교복 의상 로라를 만들고 싶은데 캡션은 어떻게 달아야 하나요?",
    "recipe.object": "Making a product LoRA of our company's sneaker, how many photos and what settings?",
    "recipe.pose_concept": "What's the best way to train a pose LoRA so it works on any character?",
    "recipe.background": "배경 로라 학습할 때 사람이 안 나오게 되는 문제 어떻게 피하나요?",
    "recipe.slider": "How do I make a slider LoRA for age that goes both ways?",
}
CASES.update(
    {
        "family.sd15": "좋은 SD1.5 설정값 알려주세요, dim이랑 학습률이요",
        "family.sdxl": "What parameters do people use for an SDXL LoRA, which optimizer and rank?",
        "family.anime_xl": "For Illustrious what learning rate and alpha do you use with Prodigy?",
        "family.sd15_to_sdxl": "I'm moving from SD 1.5 to SDXL, can I keep the same settings?",
        "vram.sdxl_8gb": "Is it possible to train SDXL on an 8GB RTX 3070?",
        "vram.sdxl_tiers": "SDXL 로라를 16기가 카드에서 돌리면 batch는 몇으로 하나요?",
        "recipe.sdxl_character_starter": "Give me a safe starter config for my first SDXL character LoRA",
    }
)
CASES.update(
    {
        "alpha.conventions": "Some recipes use alpha 1 and others alpha equal to dim, which should I copy?",
        "recipe.flexible": "내 캐릭터 로라가 너무 경직돼서 옷을 바꿔도 안 바뀌어요. 유연하게 만들려면?",
        "recipe.likeness": "How can I get better likeness of my subject without overfitting?",
        "dataset.tiny": "Can I train a LoRA with only 3 pictures of my cat?",
        "dataset.large": "I have 800 images of an artist, how many repeats and epochs should I use?",
        "dataset.balance_repeats": "캐릭터마다 이미지 수가 다른데 폴더별 리피트를 어떻게 맞춰야 하나요?",
        "finetune.dreambooth": "Should I do a full fine-tune instead of a LoRA, and what learning rate does dreambooth need?",
        "method.textual_inversion": "텍스추얼 인버전으로 임베딩 학습할 때 벡터 수랑 학습률은?",
        "method.pivotal_tuning": "What is pivotal tuning and can kohya do it?",
    }
)
CASES.update(
    {
        "reg.by_goal": "Do I need regularization images for a style LoRA, or only for people?",
        "recipe.pet": "우리 집 강아지 로라 만들고 싶은데 사진 몇 장이면 되고 설정은 어떻게 해요?",
    }
)
CASES["recipe.from_metadata"] = (
    "How can I see which dim and learning rate a downloaded LoRA was trained with?"
)
CASES["lycoris.by_goal"] = (
    "My LoRA misses fine details of a complex outfit, would LoHa or LoKr be better for that character?"
)
CASES["train.repeats_or_epochs"] = "리피트를 늘리는 거랑 에포크를 늘리는 거랑 뭐가 달라요?"
CASES["train.lr_by_context"] = (
    "Every guide gives a different learning rate, from 1e-6 to 3e-4. Which learning rate is right?"
)
