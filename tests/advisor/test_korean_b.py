"""Issue 21, Korean users' wordings, part korean_b (using and judging LoRAs): questions written the way Korean
users ask on DC Inside, Arca.live and Discord (반말, 음슴체, slang: 복붙, 타다, 뽑다, 젤, 어케; '에폭', '에디테일러',
'컴피', '포지'), with other wordings and the English of each fixed topic. Each case is (question, a rule that must
be in the answer, a rule that must not be, or None). The probe's log is /work/korean_b_log.md in the session that
wrote it.
"""

import pytest

from advisor import korean


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # wrong or partly right before this part, fixed
        (
            "프롬프트에 <lora:파일이름:0.8> 이렇게 쓰는거 맞음? 뒤에 숫자는 뭐임",
            "webui.lora_basics",
            "args.output_naming",
        ),
        ("로라 적용했는데 아무 변화도 없음 ㅋㅋ 뭐가 문제임", "lora.no_effect", None),
        ("로라 태그 넣었는데 결과가 로라 뺀거랑 똑같아요", "lora.no_effect", None),
        (
            "에디테일러 켜면 얼굴이 로라 캐릭 얼굴이 아니게 됨",
            "webext.adetailer_lora_pass",
            "recipe.real_person",
        ),
        ("트리거 워드 꼭 넣어야 돼? 안넣으면 어케됨", "symptom.no_trigger_needed", None),
        ("컴피 로라로더 연결했는데 효과가 없어요", "ui.comfy_lora_wiring", "uiuse.comfy_refresh_list"),
        ("과적합 된거 같은데 몇 에폭꺼 써야 함?", "sample.pick_checkpoint", None),
        (
            "로라가 학습 이미지를 그대로 복붙함 포즈까지 똑같이 나옴",
            "overfit.too_many_views",
            None,
        ),
        ("그림에 나오는 사람 얼굴이 전부 내 캐릭터 얼굴로 나옴", "lora.bleeds_into_others", None),
        ("에폭 여러개 저장했는데 어떤게 젤 좋은지 어케 고름", "sample.pick_checkpoint", None),
        ("로라 저장할때 fp16이랑 float 차이 있음? 용량만 다른거?", "models.lora_precision_convert", None),
        ("로라 메타데이터에 학습 설정 다 남는데 지울수 있음?", "models.lora_metadata_privacy", None),
        ("트리거 워드는 프롬프트 맨 앞에 써야됨?", "infer.lora_order", None),
        ("로라 쓸때 학습할때 태그 다 적어야 돼요?", "results.caption_diagnosis", None),
        ("에디테일러 프롬프트에도 로라 넣어야 됨?", "webext.adetailer_lora_pass", "nodes.detailer_lora"),
        (
            "3060 12기가인데 로라 여러개 쓰고 하이레스 돌리면 메모리 터짐",
            "infer.generation_oom",
            "train.multi_gpu",
        ),
        ("6에폭부터 얼굴 일그러지던데 그럼 5에폭꺼 쓰면 되는거임?", "sample.pick_checkpoint", None),
        ("로라 병합하면 가중치 조절 못하는거 맞음?", "lora.merge_into_checkpoint", None),
        ("컴피에서 트리거 워드 어디다 써야 함? 로라로더엔 칸이 없던데", "ui.comfy_lora_wiring", None),
        ("로라 가중치 0.4 넘기면 바로 타는데 이거 로라 문제임?", "results.strong_only_low", None),
        ("라이코리스 로크르로 뽑았더니 파일이 엄청 작은데 정상임?", "lycoris.choose", "lyco.extract_tool"),
        # right before this part, kept right
        ("로라 파일 어디다 넣어야 됨? 웹UI 처음 써봄", "ui.lora_not_listed", None),
        ("포지는 로라 폴더 어디임??", "ui.lora_folders", None),
        ("컴피 로라 어디 넣고 어케 불러와요", "ui.comfy_lora_wiring", None),
        ("로라 넣엇는데 목록에 안뜸 ㅠ 새로고침 눌러도 안보여요", "ui.lora_not_listed", None),
        ("sdxl 로라가 로라탭에 안보이는데 1.5 모델 켜놔서 그런건가여", "ui.lora_not_listed", None),
        ("로라 가중치 몇으로 놓는게 적당함? 1 넣으면 그림 깨짐", "ui.lora_weight", None),
        ("라이코리스(로콘, 로하) 파일도 로라 폴더에 넣으면 되나요? 확장 깔아야 함?", "lycoris.usage", None),
        ("로라랑 라이코리스 차이가 뭐에요", "lycoris.choose", None),
        ("블록 가중치 어케 씀? lbw 확장 깔았는데 모르겠음", "ui.block_weights", None),
        ("로라 블록 가중치로 그림체만 빼고 얼굴만 적용하는거 가능?", "ui.block_weights", None),
        ("로라 여러개 같이쓰면 그림 타버림 어케함", "symptom.loras_conflict", None),
        ("캐릭터 로라 2개 넣으니까 얼굴이 섞여서 나와요", "ui.multiple_loras", None),
        ("하이레스 픽스 켜면 로라 느낌이 없어지는데 왜그럼", "symptom.hires_fix_breaks", None),
        ("남이 만든 로라 트리거 뭔지 어떻게 알아냄? 시비타이 페이지 지워짐", "lora.find_trigger", None),
        ("컴피 로라로더 strength_model이랑 strength_clip 차이 뭐임", "ui.comfy_strengths", None),
        ("컴피에서 로라 여러개 연결 어떻게 해요", "infer.comfy_lora_stack", None),
        ("로라 1.0으로 하면 그림 타고 색 쨍해짐 이거 과적합임?", "symptom.burned", None),
        ("캐릭터 로라 만들었는데 별로 안닮음 언더핏인가", "underfit.too_few_views", None),
        ("로라 가중치 1.5까지 올려야 겨우 닮게 나와요", "results.weak_needs_over_1", None),
        ("무슨 프롬프트 넣어도 얼굴이 다 똑같이 나옴 그림체 로라인데", "symptom.style_sameface", None),
        ("배경이 학습 이미지 배경으로 고정돼서 나와요", "symptom.background_baked", None),
        ("로라 쓰면 그림이 누렇게 나옴 색감이 이상해짐", "symptom.color_cast", None),
        ("로라 넣으면 손이 더 망가짐", "symptom.hands_anatomy", None),
        ("그림체 로라인데 학습 이미지 캐릭터가 자꾸 따라나옴", "recipe.style", None),
        ("캐릭터 로라 썼는데 그림체까지 바뀌어버림", "symptom.style_leak", None),
        ("xyz플롯으로 로라 에폭별 비교하는법 알려주셈", "eval.xyz_plot", None),
        ("로스 제일 낮은 에폭이 제일 잘된거임?", "loss.noisy_flat", None),
        ("학습 샘플은 괜찮았는데 웹UI에서 뽑으면 별로에요", "sample.vs_ui", None),
        ("로라 두개 합칠수 있음?", "lora.merge_loras", None),
        ("로라를 체크포인트에 병합해서 모델로 만들고 싶어요", "lora.merge_into_checkpoint", None),
        ("로라 용량 144메가인데 너무 커요 줄이는 방법 있음?", "lora.resize", None),
        ("딤 128로 구운 로라 32로 리사이즈하면 품질 많이 떨어짐?", "lora.resize", None),
        ("시비타이에 로라 올릴때 뭐뭐 적어야 됨?", "publish.civitai", None),
        ("받은 로라 학습 설정(에폭, 학습률 등) 어떻게 봐요?", "recipe.from_metadata", None),
        ("웹UI 로라 카드에 미리보기 이미지 뜨게 하려면?", "webui.extra_networks_cards", None),
        ("로라 .pt 파일 세이프텐서로 바꾸는 법", "lora.file_formats", None),
        ("디퓨저스로 학습한 로라 웹UI에서 안먹는데 변환해야됨?", "files.peft_to_kohya", None),
        ("하이레스 픽스 디노이징 얼마로 해야 로라 얼굴 안바뀜", "symptom.hires_fix_breaks", None),
        ("1.5로 만든 로라 sdxl 모델에서 쓸수 있음?", "lora.family_mismatch", None),
        ("포니 로라 일러스트리어스에서 써도 됨?", "models.anime_cross_use", None),
        ("로라 가중치 마이너스로 넣으면 어떻게 됨", "infer.negative_weight_sliders", None),
        ("받은 로라 무슨 모델로 학습된건지 확인하는 법", "models.lora_which_base", None),
        ("캐릭터 로라 쓰면 옷이 항상 학습때 옷으로만 나옴", "symptom.outfit_baked", None),
        ("로콘으로 구운거 웹ui에서 확장 없이 돌아감?", "infer.lycoris_support", None),
        ("로라가 잘 구워졌는지 판단하는 기준이 뭐에요", "results.fair_test", None),
        ("캐릭터 로라 쓰면 눈 색깔이 자꾸 다르게 나옴", "symptom.trait_wrong", None),
        ("로라 써서 뽑으면 그림이 흐릿하고 디테일 뭉개짐", "symptom.blurry", None),
        ("세이프텐서 로라 ckpt로 변환 필요함? 뭐가 다른데", "lora.file_formats", None),
        # other Korean wordings of the fixed topics
        ("로라 걸어도 별 차이 없는데 왜 이럼", "lora.no_effect", None),
        ("로라 넣은거랑 없는거랑 구분이 안 됨", "lora.no_effect", None),
        ("로라 있을때랑 없을때 차이가 1도 없어요", "lora.no_effect", None),
        ("컴피 로라 로더 물렸는데 변화가 없어", "ui.comfy_lora_wiring", None),
        ("로라 쓰면 데이터셋 짤을 그대로 베껴서 나와요", "overfit.too_many_views", None),
        ("로라 쓰면 엑스트라들 얼굴이 다 내 캐릭 얼굴처럼 나옴", "lora.bleeds_into_others", None),
        ("체크포인트 10개 나왔는데 뭐가 제일 잘 된건지 모르겠음", "sample.pick_checkpoint", None),
        ("에포크 고르는 기준이 뭐에요?", "sample.pick_checkpoint", None),
        ("8에폭 거 쓰면 돼요 아니면 10에폭?", "sample.pick_checkpoint", None),
        ("bf16이랑 fp32 저장 용량 차이", "models.lora_precision_convert", None),
        ("메타데이터 삭제하고 시비타이에 올리고 싶어요", "models.lora_metadata_privacy", None),
        ("트리거 안 쓰면 로라 적용 안 됨?", "symptom.no_trigger_needed", None),
        ("트리거는 프롬프트 끝에 써도 돼요?", "infer.lora_order", None),
        ("트리거 위치 중요함?", "infer.lora_order", None),
        ("캡션에 달았던 태그를 생성할 때도 다 써야 하나요", "results.caption_diagnosis", None),
        ("comfyui에서 트리거 어디에 넣어요", "ui.comfy_lora_wiring", None),
        ("체크포인트에 로라 병합한 뒤엔 강도 조절 못함?", "lora.merge_into_checkpoint", None),
        ("가중치 0.5만 넘어도 그림이 녹아요", "results.strong_only_low", None),
        ("강도 0.3 이상이면 얼굴 뭉개짐", "results.strong_only_low", None),
        ("하이레스 픽스 켜면 브이램 터져요 4060 8기가", "infer.generation_oom", None),
        ("업스케일 하다가 메모리 터짐 포지", "infer.generation_oom", "train.multi_gpu"),
        ("에디테일러에 로라 따로 넣을 수 있음?", "webext.adetailer_lora_pass", "nodes.detailer_lora"),
        # the same topics in English
        ("I put the lora tag in but the result is identical to without it", "lora.no_effect", None),
        ("The LoRA output looks exactly like I never loaded the lora", "lora.no_effect", None),
        (
            "I hooked up a LoraLoader in ComfyUI but nothing changes",
            "ui.comfy_lora_wiring",
            "infer.lora_scheduling",
        ),
        (
            "My LoRA just copies the training images, even the poses come out identical",
            "overfit.too_many_views",
            None,
        ),
        ("My lora regurgitates the training images", "overfit.too_many_views", None),
        ("Do I have to put the trigger word in? what happens if I don't", "symptom.no_trigger_needed", None),
        ("Is the trigger word really necessary?", "symptom.no_trigger_needed", None),
        ("Should the trigger word go at the very start of the prompt?", "infer.lora_order", None),
        ("Does the position of the trigger word matter?", "infer.lora_order", None),
        (
            "When using a LoRA do I have to write all the tags I used in training?",
            "results.caption_diagnosis",
            None,
        ),
        (
            "Where do I write the trigger word in ComfyUI? the lora loader has no field for it",
            "ui.comfy_lora_wiring",
            None,
        ),
        ("I saved several epochs, how do I pick which one is best", "sample.pick_checkpoint", None),
        (
            "Faces got distorted from epoch 6 on, so should I just use the epoch 5 file?",
            "sample.pick_checkpoint",
            None,
        ),
        (
            "Is there a difference between saving a LoRA as fp16 or float? just the file size?",
            "models.lora_precision_convert",
            None,
        ),
        ("How do I strip the metadata from my LoRA before uploading?", "models.lora_metadata_privacy", None),
        (
            "Once I merged the LoRA into the checkpoint can I still change its strength?",
            "lora.merge_into_checkpoint",
            None,
        ),
        (
            "The LoRA burns as soon as the weight goes above 0.4, is that the LoRA's fault?",
            "results.strong_only_low",
            None,
        ),
        (
            "3060 12GB, running several LoRAs with hires fix and the memory blows up",
            "infer.generation_oom",
            None,
        ),
        ("my vram runs out when I upscale in forge", "infer.generation_oom", None),
        ("Every person in the picture comes out with my character's face", "lora.bleeds_into_others", None),
    ],
)
def test_korean_b_questions_reach_the_rule_that_answers_them(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids and unwanted not in ids, ids


@pytest.mark.parametrize(
    "text,first",
    [
        ("로라 적용했는데 아무 변화도 없음 ㅋㅋ 뭐가 문제임", "lora.no_effect"),
        ("트리거 워드 꼭 넣어야 돼? 안넣으면 어케됨", "symptom.no_trigger_needed"),
        ("그림에 나오는 사람 얼굴이 전부 내 캐릭터 얼굴로 나옴", "lora.bleeds_into_others"),
        ("에폭 여러개 저장했는데 어떤게 젤 좋은지 어케 고름", "sample.pick_checkpoint"),
        ("3060 12기가인데 로라 여러개 쓰고 하이레스 돌리면 메모리 터짐", "infer.generation_oom"),
        # '에디테일러' reads as ADetailer (korean.SPELLINGS); the face turning into another one with ADetailer on is
        # the ADetailer prompt without the LoRA: that rule leads, the small-face rule follows
        ("에디테일러 켜면 얼굴이 로라 캐릭 얼굴이 아니게 됨", "webext.adetailer_lora_pass"),
        ("로라가 학습 이미지를 그대로 복붙함 포즈까지 똑같이 나옴", "overfit.too_many_views"),
        ("로라 병합하면 가중치 조절 못하는거 맞음?", "lora.merge_into_checkpoint"),
    ],
)
def test_korean_b_the_rule_that_answers_comes_first(advisor, text, first):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert ids and ids[0] == first, ids


@pytest.mark.skipif(not korean.available(), reason="kiwipiepy is not installed")
def test_epoch_spelled_epok_stays_one_word():
    # '6에폭부터' was read as '6' + '에' (a particle) + '폭', and '에폭별로' as '폭'.
    assert "에폭" in korean.lemmas("6에폭부터 얼굴이 일그러져요")
    assert "폭" not in korean.lemmas("에폭별로 비교했어요")


@pytest.mark.parametrize(
    "text",
    [
        # "how much of images and repeats": the English twin ("how many images and repeats") reached the dataset rules
        "캐릭터 로라 만들려는데 이미지랑 반복은 얼마나 해야 돼요?",
        "얼굴 로라 이미지 수는 몇 장 정도로 해요?",
    ],
)
def test_korean_how_many_images_reaches_the_dataset_size_rule(advisor, text):
    assert "dataset.how_many" in advisor.ask(text, use_llm=False).rule_ids
