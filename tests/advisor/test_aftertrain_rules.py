"""Issue 21, part aftertrain (eleventh session): routes for questions about a finished LoRA file: reading and
editing its metadata, the A1111 card's activation text, baking it into a checkpoint (and at which ratio), saving a
merged checkpoint in ComfyUI, LyCORIS merges, checking a file, the licence and the model card when publishing. The
questions are written fresh, not taken from any bank: each must be answered first by the rule for its topic, and a
question about training settings that mentions merging or metadata in passing must not be taken by these intents."""

import pytest

from advisor.intents import match


@pytest.mark.parametrize(
    "text,wanted",
    [
        # the safetensors header
        (
            "How do I dump the header of a .safetensors LoRA without loading torch?",
            "after.safetensors_metadata",
        ),
        ("Can I change the ss_output_name metadata of my LoRA file?", "after.safetensors_metadata"),
        ("로라 파일 메타데이터 수정하려면 뭐로 해야 해요?", "after.safetensors_metadata"),
        # private folder names in the metadata
        (
            "How do I remove my dataset folder names from the LoRA metadata before sharing?",
            "models.lora_metadata_privacy",
        ),
        ("메타데이터에 데이터셋 폴더 이름 안 남게 학습하는 옵션 있어요?", "models.lora_metadata_privacy"),
        # the A1111 / Forge card
        ("Where does A1111 save the activation text I typed for a LoRA?", "after.a1111_card_metadata"),
        ("로라 카드 액티베이션 텍스트랑 선호 가중치 설정한 게 어디 저장돼요?", "after.a1111_card_metadata"),
        # baking into a checkpoint
        (
            "Can I bake my LoRA into the base model so I don't need the tag anymore?",
            "lora.merge_into_checkpoint",
        ),
        ("내 로라를 체크포인트에 병합해서 하나로 쓰고 싶어요", "lora.merge_into_checkpoint"),
        ("What merge ratio should I bake the LoRA in at, 0.8 or 1.0?", "lora.merge_into_checkpoint"),
        ("로라 병합 비율은 프롬프트 가중치랑 같은 거예요?", "lora.merge_into_checkpoint"),
        # ComfyUI
        ("In ComfyUI how do I save a checkpoint with two LoRAs merged in?", "comfy.model_merge_nodes"),
        # LyCORIS
        ("How do I merge a LoHa into a checkpoint?", "lyco.merge_tool"),
        ("로콘 파일을 모델에 병합하는 방법", "lyco.merge_tool"),
        # checking a file
        ("Is there a way to check if my LoRA file is broken or empty?", "dsconfig.inspect_tools"),
        # resizing by a dynamic method
        ("Which is better for resizing, sv_fro or sv_cumulative?", "dsconfig.resize_dynamic"),
        ("kohya GUI 리사이즈에서 sv_ratio 값은 몇으로 해요?", "dsconfig.resize_dynamic"),
        # what the tools write: float unless told
        ("After resize_lora the file is no smaller than the original, why?", "files.tool_output_precision"),
        ("로라 두 개 병합했더니 용량이 두 배가 됐어요", "files.tool_output_precision"),
        # ComfyUI
        ("컴피에서 로라 넣은 체크포인트 저장은 어떤 노드로 해요?", "comfy.model_merge_nodes"),
        # a LoRA just trained: where it goes
        ("로라 처음 만들었는데 웹UI 어디에 넣어요?", "webui.lora_basics"),
        # publishing
        ("What licence can I pick when I publish a LoRA trained on Pony?", "models.licenses"),
        ("일러스트리어스 로라 배포할 때 라이선스 어떻게 해요?", "models.licenses"),
        ("허깅페이스 모델 카드에 base_model이랑 위젯은 어떻게 적어요?", "after.hf_model_card"),
        # fifteenth fix (blind set 15 read): fresh wordings of its topics
        ("내가 만든 로라를 SDXL 체크포인트에 박아서 배포하려면 뭐 써요?", "lora.merge_into_checkpoint"),
        (
            "Can I merge a dim 16 and a dim 64 LoRA into one with the kohya script?",
            "files.merge_rank_mismatch",
        ),
        ("랭크 8이랑 랭크 64 로라 두 개를 머지하고 싶은데 가능해요?", "files.merge_rank_mismatch"),
        ("컴피에서 로라 적용한 상태로 체크포인트 파일 하나 뽑는 법 있어요?", "comfy.model_merge_nodes"),
        ("I have a big dreambooth checkpoint of my dog, can I get a smaller LoRA out of it?", "lora.extract"),
        ("드림부스로 학습한 모델을 가벼운 로라로 추출하려면요?", "lora.extract"),
        (
            "In ComfyUI can I subtract the base from my merge and save the difference as a LoRA?",
            "comfy.lora_extract",
        ),
        ("컴피로 모델 두 개 차이 빼서 로라 만들 수 있나요?", "comfy.lora_extract"),
        ("How do I embed my author name in the LoRA file when training with kohya?", "args.metadata"),
        ("학습할 때 로라 메타데이터에 제작자 이름 넣는 옵션 있어요?", "args.metadata"),
        ("civitai에서 받은 이 로라 어떤 설정으로 학습한 건지 확인할 수 있어요?", "recipe.from_metadata"),
        ("Uploading to Civitai tomorrow: where should I enter the trigger words?", "publish.civitai"),
        ("시비타이에 로라 올릴 때 트리거 단어는 어디에 입력해요?", "publish.civitai"),
        ("How can I verify whether my LoRA actually learned anything?", "dsconfig.inspect_tools"),
        ("이 로라 파일이 실제로 뭘 학습했는지 확인하는 툴 있어요?", "dsconfig.inspect_tools"),
    ],
)
def test_aftertrain_topics_lead_with_their_rule(advisor, text, wanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert ids and ids[0] == wanted, ids


@pytest.mark.parametrize(
    "text",
    [
        # training settings that mention merging, rank or metadata in passing
        "Should I train at rank 32 or 64 if I might merge it later?",
        "학습 중에 rank 32랑 64 중에 뭐가 좋아요? 나중에 merge 할 수도 있어요",
        "I'm training on a merged checkpoint, what learning rate should I use?",
        "병합된 모델로 학습하면 학습률 얼마로 해요?",
        "Should I train in fp16 or bf16 before I merge it?",
        "I trained at rank 128 and the file is 144MB, should I resize it?",
        "My LoRA trained with alpha 16 looks weak, should I raise the learning rate?",
        # reading the trigger words is the trigger rule's, not the header's
        "How can I find the trigger words in a LoRA's metadata?",
        "로라 메타데이터에서 트리거 워드 확인하는 법",
        # a resumed run's size mismatch, a downloaded file's trigger words, a LoRA trained from scratch
        "Resuming training with network_weights gives a size mismatch error",
        "civitai에서 받은 로라 트리거 워드 어디서 찾아요?",
        "Where do I find the trigger words of a Civitai LoRA I downloaded?",
        "드림부스 말고 로라로 학습하는 게 나아요?",
    ],
)
def test_training_questions_are_not_aftertrain(text):
    taken = [i.id for i in match(text) if i.id.startswith("after_")]
    assert taken == [], taken
