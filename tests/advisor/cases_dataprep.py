"""Question cases for advisor/rulebook_dataprep.toml (issue 21, twelfth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "dataprep.tagger_models": "Should I use wd-eva02-large-tagger-v3 or the swinv2 one? The eva02 gives me way fewer tags at 0.35",
    "dataprep.tag_order": "캡션에서 태그 순서는 어떻게 해야 하나요? 트리거 다음에 1girl을 두는 게 맞나요?",
    "dataprep.caption_style_by_base": "For a Flux LoRA should my captions be booru tags or natural language sentences?",
    "dataprep.florence2": "플로렌스2로 캡션 달 때 MORE_DETAILED_CAPTION이랑 PromptGen 중에 뭐가 나아요?",
    "dataprep.joycaption": "How much VRAM does JoyCaption need and which caption type should I pick for an SDXL LoRA dataset?",
    "dataprep.vlm_prompting": "Qwen2.5-VL로 캡션을 만들면 문장이 너무 길고 The image shows로 시작해요. 프롬프트를 어떻게 줘야 하나요?",
    "dataprep.taggui": "In taggui how do I make every generated caption begin with my trigger word?",
    "dataprep.booru_manager": "BooruDatasetTagManager에서 Interrogate 버튼을 눌러도 아무것도 안 돼요",
    "dataprep.image_formats": "My iPhone HEIC photos are not found by kohya and some jpgs seem to train rotated sideways",
    "dataprep.trigger_choice": "트리거 단어를 어떻게 정해야 하나요? sks 쓰라는 글이 많던데 괜찮나요?",
    "dataprep.caption_language": "Can I write my captions in Korean instead of English for an SDXL LoRA?",
    "dataprep.prune_character_tags": "캐릭터 로라인데 WD14가 붙인 태그 중에 어떤 태그를 지워야 해요? 머리색 태그도 지우나요?",
    "dataprep.caption_review": "The tagger keeps putting 1boy and multiple girls on my solo female character, how do I check the captions before training?",
    "dataprep.crop_resize_tools": "Do I have to crop all my training images to 1024x1024 squares with birme before training SDXL?",
    "dataprep.background_removal": "제품 로라 만들 때 rembg로 배경 제거해서 투명 png로 넣어도 되나요?",
    "dataprep.dedup": "How do I find and remove near-duplicate frames from my dataset? I have a lot of similar screenshots",
    "dataprep.batch_upscale": "학습 이미지 300장을 한꺼번에 업스케일하려면 어떤 도구랑 업스케일러 모델을 써야 하나요?",
    "dataprep.text_in_images": "My manhwa screenshots have Korean text and speech bubbles everywhere, how do I clean them for a LoRA?",
    "dataprep.hybrid_captions": "Can I combine a BLIP sentence and WD14 tags in the same caption file for an Illustrious LoRA?",
    "dataprep.style_tags": "화풍 로라 만들 때 태그는 어떻게 정리해요? anime coloring 같은 태그는 지워야 하나요?",
    "dataprep.anime_screencaps": "Is it fine to make a character LoRA only from anime screencaps, or should I add official art and fanart?",
    "dataprep.person_photos": "내 얼굴 로라 만들 건데 셀카랑 선글라스 쓴 사진도 넣어도 돼요?",
    "dataprep.reg_images_make": "How should I generate regularization images for a woman LoRA, which checkpoint, prompt and resolution?",
    "dataprep.dataset_checklist": "학습 전에 데이터셋을 어떻게 점검해야 하나요? 한 번 돌리는 데 몇 시간이 걸려서 실수하고 싶지 않아요",
    "dataprep.concept_captions": "How do I tag the images for a pose LoRA, should the pose itself be in the captions?",
    "dataprep.tagger_gpu": "The WD14 tagger takes 2 seconds per image and my GPU stays idle, onnxruntime only shows CPUExecutionProvider",
    "dataprep.censored_images": "데이터셋에 모자이크 처리된 이미지가 몇 장 있는데 그대로 학습해도 되나요?",
    "dataprep.photo_face_crop": "Is there a tool to automatically crop 200 photos of my wife around her face for a LoRA?",
    "dataprep.scrape_booru": "gallery-dl로 단부루에서 캐릭터 이미지를 받았는데 태그를 캡션으로 그대로 써도 되나요?",
}
