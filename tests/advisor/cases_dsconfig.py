"""Question cases for advisor/rulebook_dsconfig.toml (issue 21, ninth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "dsconfig.key_levels": "Which keys go in [general] and which in [[datasets.subsets]] of the dataset toml?",
    "dsconfig.image_dir": "toml 서브셋에 폴더 이름을 10_char로 했는데 반복 수가 무시되는 것 같아요",
    "dsconfig.toml_syntax": "My dataset toml with a Windows path fails with Reserved escape sequence used, what's wrong?",
    "dsconfig.multi_resolution": "같은 이미지를 1024랑 768 해상도로 동시에 학습하려면 데이터셋 설정을 어떻게 하나요?",
    "dsconfig.finetune_style": "What's the difference between a subset with metadata_file and a normal one with txt captions?",
    "dsconfig.finetune_pipeline": "prepare_buckets_latents.py 실행 순서랑 meta_lat.json 만드는 법 알려주세요",
    "dsconfig.blip_captions": "How do I use make_captions.py with beam search and get .txt files instead of .caption?",
    "dsconfig.wd14_options": "wd14 태거 스크립트에서 --onnx랑 repo_id는 어떻게 쓰고 undesired_tags는 뭐예요?",
}
CASES.update(
    {
        "dsconfig.wildcards_multiline": "Can a caption file have two lines, one with tags and one sentence, and kohya picks one at random?",
        "dsconfig.caption_prefix": "태거로 만든 모든 캡션 앞에 트리거 단어를 일괄로 넣을 수 있나요? 파일 수정 없이요",
        "dsconfig.controlnet_lllite": "How do I train my own ControlNet for SDXL with sd-scripts, what dataset does it need?",
        "dsconfig.which_script": "train_db.py랑 train_network.py 차이가 뭐고 어떤 스크립트를 써야 하나요?",
        "dsconfig.merge_lora_concat": "How can I merge two LoRAs of different ranks into one LoRA file?",
        "dsconfig.resize_dynamic": "resize_lora.py에서 sv_fro랑 sv_ratio 값은 각각 어떻게 정하나요?",
        "dsconfig.inspect_tools": "How do I check from the command line whether my LoRA file trained the text encoder or only the unet?",
    }
)
CASES.update(
    {
        "dsconfig.gen_img": "Can I test my LoRA from the command line with a script, without any web UI?",
        "dsconfig.resize_images_tool": "학습 전에 이미지를 미리 줄여야 하나요? 카메라 사진이라 6000픽셀이 넘어요",
        "dsconfig.extract_options": "The extracted LoRA has no text encoder part and the log says Text encoder is same, why?",
        "dsconfig.merge_models": "sd-scripts로 체크포인트 두 개를 7:3으로 합치는 방법이 있나요?",
        "dsconfig.caption_file_empty": "Training stops with AssertionError: caption file is empty, what do I do?",
    }
)
CASES.update(
    {
        "dsconfig.bucket_log": "What does mean ar error in the kohya log mean, mine says 0.12?",
        "dsconfig.sdxl_full_finetune": "sdxl_train.py로 텍스트 인코더까지 학습할 때 learning_rate_te1, te2는 얼마로 하나요?",
        "dsconfig.face_crop_tool": "Is there a script that can automatically crop anime faces out of all my dataset images?",
    }
)
CASES["dsconfig.ti_dataset"] = (
    "텍스추얼 인버전 학습할 때 캡션에 token_string을 꼭 넣어야 하나요? 템플릿 옵션도 있던데요"
)
CASES["dsconfig.svd_merge_options"] = (
    "Can I bake the block weights I tuned in the webui into the LoRA file with svd_merge_lora?"
)
CASES["dsconfig.gen_img_batch"] = "정규화 이미지 200장을 스크립트로 한꺼번에 생성하려면 어떻게 하나요?"
