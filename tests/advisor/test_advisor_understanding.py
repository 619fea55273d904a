"""Reading a question before answering it (issue 21, third round): the learning rate the user really
uses, the direction a computed line gives it, and intents that follow the meaning of a question rather
than one wording. The questions here are written for these tests, not taken from the question bank."""

from __future__ import annotations

import pytest

from advisor.intents import match
from advisor.notes import lr_direction, lr_line
from advisor.question_facts import read_question


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The learning rate was 0.0001 by default, I changed it to 0.003", 0.003),
        ("기본 학습률은 0.0001이었는데 0.002로 바꿨어요", 0.002),
        ("I went from 1e-4 to 5e-5 and nothing changed", 5e-5),
        ("unet_lr 3e-4, text_encoder_lr 1e-5", 3e-4),
        ("text_encoder_lr 1e-5 and unet_lr 3e-4", 3e-4),
        ("lr 0.0004 with noise_offset 0.05", 4e-4),
        ("learning rate 2e-5, weight 0.8", 2e-5),
        ("How do I pick a learning rate?", None),
        ("batch 1 and alpha 0.5", None),  # no learning rate named, no e-notation
    ],
)
def test_the_learning_rate_the_user_uses(text, expected):
    assert read_question(text).config.get("learning_rate") == expected


def test_a_learning_rate_of_one_means_an_adaptive_optimizer():
    facts = read_question("Every LoRA I download shows learning rate 1.0 in its metadata")
    assert facts.config["learning_rate"] == 1.0
    assert facts.config["optimizer"] == "prodigy"
    assert "adaptive" in lr_line(facts, "en")
    assert lr_direction(facts) is None


@pytest.mark.parametrize(
    "text, optimizer",
    [
        ("With Prodigy, what learning rate for the text encoder?", "prodigy"),
        ("라이온 옵티마이저 쓰면 학습률 몇?", "lion"),
        # Adam named beside them: the user compares or wants both, so neither is the stated optimizer
        ("What rates for 8-bit Adam, and for Lion if you know?", None),
        ("Prodigy vs AdamW8bit for a character LoRA?", None),
    ],
)
def test_the_optimizer_the_user_uses(text, optimizer):
    assert read_question(text).config.get("optimizer") == optimizer


def test_computed_direction_of_a_stated_rate():
    assert lr_direction(read_question("lr 5e-4, batch 1")) == "down"
    assert lr_direction(read_question("lr 4e-4 at batch 4")) is None  # within sqrt(batch) × 2e-4
    assert lr_direction(read_question("lr 1e-5")) == "up"
    assert lr_direction(read_question("lr 1e-5"), raise_lr=False) is None
    assert lr_direction(read_question("Lion with lr 1e-5")) is None  # Lion's own range
    assert "Raise the learning rate" in lr_line(read_question("unet_lr 1e-5"), "en")
    assert "올리세요" in lr_line(read_question("학습률 1e-5"), "ko")


def test_a_low_rate_behind_no_effect_is_raised_and_no_rule_lowers_it(advisor):
    answer = advisor.ask("dim 64, alpha 32, unet_lr 1e-5: my LoRA does nothing at all. What now?")
    assert "Raise the learning rate" in answer.text
    assert "train.alpha" not in answer.rule_ids  # it says to lower the rate when raising rank/alpha
    overfit = advisor.ask("My LoRA at lr 1e-5 is overfitted, it copies the training images")
    assert "Raise the learning rate" not in overfit.text


def _first_intent(text: str) -> str | None:
    found = match(text)
    return found[0].id if found else None


@pytest.mark.parametrize(
    "text,intent",
    [
        ("The longer I train, the worse the artifacts get, even though the loss keeps dropping", "overfit"),
        ("에포크가 지날수록 그림에 아티팩트가 늘어요", "overfit"),
        ("로라를 넣어도 결과가 똑같아요, 적용이 안 되는 것 같아요", "no_effect"),
        ("alpha를 rank보다 크게 하면 세지는 거예요 약해지는 거예요?", "alpha"),
        ("How would I train one LoRA with three different characters in it?", "multi_concept"),
        ("멀티 캐릭터 로라는 태그를 어떻게 달아요?", "multi_concept"),
        ("My new SDXL LoRA won't show up in the webui but the old ones do", "ui_list"),
        ("웹UI에서 SDXL 로라만 안 보여요", "ui_list"),
        ("Do I need the LyCORIS extension for a LoKr file?", "lycoris"),
        ("kohya says 0 train images, my pictures are in the folder I selected", "kohya_folders"),
        ("Prodigy 쓸 때 학습률 얼마로 해요?", "prodigy"),
        ("Why do trained LoRAs list a learning rate of 1?", "prodigy"),
        ("학습 중간에 꺼졌는데 이어서 학습할 수 있나요?", "resume"),
        # fourth round: topics by meaning, in wordings written for the test
        ("캡션 파일이 있으면 폴더 이름에 넣은 트리거는 안 쓰여요?", "caption_source"),
        ("reg 폴더에는 캡션이 없는데 class_tokens를 따로 지정해야 돼요?", "caption_source"),
        ("학습 중 샘플은 다 괜찮은데 포지에서 뽑으면 얼굴이 뭉개져요", "samples_vs_ui"),
        ("버킷팅 켜면 긴 변이 잘리나요 줄어드나요?", "bucket_area"),
        ("세피아 톤 사진만으로 화풍 로라를 만들었는데 컬러가 섞여요", "shared_look"),
        ("LoCon이랑 LoHa 차이가 뭐예요? 캐릭터엔 뭐가 나아요?", "lycoris_choose"),
        ("SDXL 로라 학습하려면 VRAM 최소 몇 기가 필요해요?", "vram_minimum"),
        ("The hair color of my character leaks into the background of every image", "bleed_background"),
        ("원트레이너랑 kohya에서 같은 설정으로 돌렸는데 결과가 달라요", "compare_trainers"),
    ],
)
def test_intents_follow_the_meaning(text, intent):
    assert _first_intent(text) == intent


def test_can_i_train_is_about_vram_only_with_a_card_or_memory_in_it():
    assert "vram" not in [i.id for i in match("Can I train a LoRA with two outfits for one character?")]
    assert "vram" in [i.id for i in match("Can I train SDXL on my 8 GB card?")]


def test_adamw8bit_is_a_failure_only_when_the_question_says_it_fails():
    assert "bitsandbytes" not in [i.id for i in match("Is AdamW8bit better than Adafactor?")]
    assert "bitsandbytes" in [i.id for i in match("AdamW8bit fails with a CUDA setup error on Windows")]


def test_every_intent_routes_to_known_rules_and_notes_with_sound_patterns():
    from advisor.engine import load_rulebook
    from advisor.intents import load_intents
    from advisor.notes import notes_for

    ids = set(load_rulebook().ids())
    intents = load_intents()
    assert len({i.id for i in intents}) == len(intents), "duplicate intent id"
    for intent in intents:
        assert intent.rules and set(intent.rules) <= ids, intent.id
        assert set(intent.notes) <= {"batch", "steps", "precision", "lr", "trigger", "size"}, intent.id
        assert (
            notes_for(list(intent.notes), read_question(""), "en") == []
        )  # nothing stated, nothing computed
        for pattern in intent.en + intent.ko + intent.unless:
            # A doubled backslash in a TOML literal string is a literal backslash, never meant here.
            assert "\\\\" not in pattern.pattern, f"{intent.id}: {pattern.pattern}"
            assert not pattern.search(""), f"{intent.id}: {pattern.pattern} matches the empty text"


def test_an_intents_unless_patterns_rule_it_out():
    """A recipe intent answers "what settings for a style LoRA?", not a question that reports an error."""
    ids = lambda question: [i.id for i in match(question)]  # noqa: E731
    assert "recipe_style" in ids("What settings should I use for an art style LoRA, dim and steps?")
    assert "recipe_style" not in ids("My art style LoRA settings give an error: out of memory at step 1")
    assert "recipe_style" not in ids("화풍 로라 설정 뭐로 해도 에러가 나요")


def test_contractions_without_apostrophes_match_like_the_spelled_ones():
    from advisor.intents import normalize

    assert (
        normalize("it doesnt work and I cant see it, won’t show")
        == "it doesn't work and I can't see it, won't show"
    )
    assert [i.id for i in match("My LoRA doesnt show up in Forge")] == [
        i.id for i in match("My LoRA doesn't show up in Forge")
    ]
    assert "no_effect" in [i.id for i in match("my lora isnt working")]


def test_general_advice_comes_after_what_the_stated_numbers_show(advisor):
    answer = advisor.ask("I have 400 images of my character. How can I improve my LoRA?")
    assert answer.rule_ids[0] == "dataset.too_many"  # holds on the stated 400 images
    assert "dataset.variety" in answer.rule_ids  # the general advice follows


@pytest.mark.parametrize(
    "text,vram",
    [
        ("I have 16GB RAM and 8GB VRAM", 8.0),
        ("VRAM 12기가, 램 32기가", 12.0),
        ("브이램 모자라요 8기가", 8.0),  # VRAM in Hangul is not 램 (system RAM)
        ("램 16기가예요", None),
        ("3060 12GB with 16GB of system RAM", 12.0),
    ],
)
def test_vram_is_told_from_system_ram(text, vram):
    assert read_question(text).vram_gb == vram


def test_a_trigger_weighed_with_and_without_its_class_word(advisor):
    assert read_question("Should my trigger be zkx or zkx woman?").trigger_class == ("zkx", "woman")
    assert read_question("트리거를 ohwx만 써요, 아니면 ohwx dog?").trigger_class == ("ohwx", "dog")
    assert read_question("a photo of a man next to a man").trigger_class is None
    answer = advisor.ask("Should my trigger be zkx or zkx woman?")
    assert "'zkx woman'" in answer.text


def test_epochs_alone_can_show_too_many_views_but_not_too_few(advisor):
    from advisor.notes import steps_direction

    assert steps_direction(read_question("200 images, 500 epochs")) == "down"
    assert steps_direction(read_question("200 images, 2 epochs")) is None
    assert steps_direction(read_question("20 images, 2 repeats, 5 epochs")) == "up"
    answer = advisor.ask("40 images, 30 repeats, 10 epochs, how many steps?")
    assert "overtrained" in answer.text


@pytest.mark.parametrize(
    "text,intent",
    [
        # round 4 (now tune): topics by meaning, in wordings written for the test
        ("My laptop GPU has only 3 GB, can it make a LoRA at all?", "vram_tiny"),
        ("그래픽카드가 2기가밖에 안 되는데 로라 학습 될까요?", "vram_tiny"),
        ("Training on an animagineXL checkpoint fails to start, SD1.5 models work", "sdxl_model_fails"),
        ("일러스트리어스 모델로 학습하면 시작도 못 하고 끝나요", "sdxl_model_fails"),
        ("Should I train my own LoRA for portraits of my wife, and how?", "person_lora"),
        ("제 얼굴로 로라 만들고 싶은데 사진 몇 장 있어야 해요?", "person_lora"),
        ("Invoke AI ignores the lora tag I typed", "invokeai"),
        ("After a few steps the VRAM fills up and every step takes a minute", "sym_vram_full_slow"),
        ("학습 돌리면 VRAM이 꽉 차고 스텝이 엄청 느려져요", "sym_vram_full_slow"),
        ("Can I merge my 3 LoRAs into 1 file?", "use_merge_loras"),
    ],
)
def test_round_four_topics_are_read_by_meaning(text, intent):
    assert intent in [i.id for i in match(text)]


def test_an_option_named_outright_comes_before_a_setting_mentioned_as_context(advisor):
    # color_aug (intents_craft.toml) is the topic; flip, alpha, resolution (intents.toml) are context
    answer = advisor.ask("Why is my run so slow? batch 1, resolution 512, flip_aug, color_aug, alpha 16")
    assert answer.rule_ids[0] == "aug.cache_latents_conflict"
    assert "trigger" not in [i.id for i in match("the VAE triggers the fallback")]


def test_a_large_dataset_beyond_5000_steps_gets_fewer_repeats():
    from advisor.notes import steps_direction, steps_line

    facts = read_question("600 images, 10 repeats, 10 epochs, batch 2")
    assert steps_direction(facts) == "down"
    assert "set repeats to 1" in steps_line(facts, "en")
    assert "반복을 1로 줄이세요(repeats = 1" in steps_line(facts, "ko")
    assert steps_direction(read_question("30 images, 10 repeats, 10 epochs")) is None


@pytest.mark.parametrize(
    "text",
    [
        "SDXL 캐릭터 로라 만들려면 이미지 몇 장이랑 스텝 얼마나 필요해요?",
        "30장이면 에포크는 얼마나 돌려야 해요?",
        "스텝은 몇으로 잡아요?",
    ],
)
def test_korean_asks_for_steps_with_eolmana_too(text):
    """'스텝 얼마나' is how Korean users ask 'how many steps'; it gets the steps arithmetic like English."""
    assert "steps_math" in {intent.id for intent in match(text)}


def test_nan_while_caching_latents_is_answered_as_the_vae_not_the_learning_rate(advisor):
    answer = advisor.ask("SDXL LoRA: 'NaN detected in latents' while caching latents. What do I change?")
    assert answer.rule_ids[0] == "nan.vae_latents"
    assert "nan.learning_rate" not in answer.rule_ids
    assert "no_half_vae" in answer.text


TRAINING_MEMORY_FIXES = (
    "oom.detected",
    "oom.batch",
    "oom.gradient_checkpointing",
    "oom.optimizer_8bit",
    "train.batch_vram",
)


@pytest.mark.parametrize(
    "text",
    [
        "In ComfyUI I get CUDA out of memory when generating 1536x1536 SDXL images with two LoRAs, 8GB card",
        "A1111 runs out of memory during hires fix with my LoRA on a 6GB card, what can I do?",
        "컴피UI에서 로라 두 개 걸고 SDXL 이미지 생성하면 CUDA out of memory 떠요. 8기가예요",
    ],
)
def test_out_of_memory_while_generating_is_not_answered_with_training_fixes(advisor, text):
    answer = advisor.ask(text)
    assert "infer.generation_oom" in answer.rule_ids
    assert not set(TRAINING_MEMORY_FIXES) & set(answer.rule_ids), answer.rule_ids
    assert "gradient_checkpointing = true" not in answer.text


@pytest.mark.parametrize(
    "text",
    [
        "SDXL LoRA training in kohya gives CUDA out of memory on my 12GB card at batch 4",
        "kohya 학습 중에 샘플 이미지 생성할 때 CUDA out of memory 떠요",
    ],
)
def test_out_of_memory_while_training_keeps_the_training_fixes(advisor, text):
    answer = advisor.ask(text)
    assert "infer.generation_oom" not in answer.rule_ids
    assert {*TRAINING_MEMORY_FIXES, "oom.sample_generation", "trouble.sdxl_12gb_oom"} & set(answer.rule_ids)


@pytest.mark.parametrize(
    "text,sd2",
    [
        ("My LoRA (mychar-nvwls-v2-final) only works when I also put its tag in the prompt", False),
        ("Is v2 of my character LoRA worse than v1 because of fewer steps?", False),
        ("I train on the SD v2 base at 768 with --v2 and --v_parameterization", True),
        ("v2-1_768-ema-pruned.safetensors as the base: which flags?", True),
    ],
)
def test_v2_means_stable_diffusion_2_only_as_a_model_not_in_a_file_or_version_name(text, sd2):
    assert ("sd2" in {intent.id for intent in match(text)}) is sd2


def test_the_lora_tab_of_a_generating_ui_is_not_kohyas_lora_tab(advisor):
    forge = advisor.ask("In Forge, when I click a LoRA in the Lora tab it always goes in at strength 1")
    assert "setup.kohya_lora_vs_dreambooth_tab" not in forge.rule_ids
    kohya = advisor.ask("kohya_ss: should I use the LoRA tab or the Dreambooth tab for my character?")
    assert kohya.rule_ids[0] == "setup.kohya_lora_vs_dreambooth_tab"


@pytest.mark.parametrize(
    "text,intent",
    [
        ("How do I run a lora file in the web ui? First time using one", "use_lora"),
        ("how do you activate downloaded loras in forge", "use_lora"),
        ("받은 로라 파일을 어떻게 적용해요? 처음 써봐요", "use_lora"),
        ("I copied a lora into the folder yesterday and I still can't see it in the list", "ui_list"),
        ("로라 목록에 아무것도 없어요, 폴더에는 파일이 있는데요", "ui_list"),
    ],
)
def test_a_beginners_ways_of_asking_to_use_a_lora(text, intent):
    assert intent in {i.id for i in match(text)}


@pytest.mark.parametrize(
    "text,counts",
    [
        # A number between two units goes the way the question writes its other counts.
        ("이미지 40장 반복 5 에폭 10 배치 2면 몇 스텝이에요?", (5, 10, 2)),
        ("5 에폭 10 반복이면 너무 많나요?", (10, 5, None)),
        ("10 repeats 8 epochs batch 2", (10, 8, 2)),
        ("repeats 10 epochs 8 batch 2", (10, 8, 2)),
        # Korean particles right after the number ("배치 3으로", "배치 1인데", "배치가 8이면").
        ("3070ti 8GB에 배치 3으로 돌리는데 느려요", (None, None, 3)),
        ("이미지 41장, 80 에포크, 배치 1인데 nan 떠요", (None, 80, 1)),
        ("배치가 8이면 학습률도 올려야 하나요?", (None, None, 8)),
    ],
)
def test_repeats_epochs_and_batch_are_read_as_written(text, counts):
    config = read_question(text).config
    assert (config.get("repeats"), config.get("max_train_epochs"), config.get("train_batch_size")) == counts


def test_the_steps_line_uses_the_counts_as_written(advisor):
    answer = advisor.ask("이미지 40장 반복 5 에폭 10 배치 2면 몇 스텝이에요?")
    assert "40장 × repeats 5 × 에포크 10 ÷ 배치 2 = 1000 스텝" in answer.text


@pytest.mark.parametrize(
    "text,key,value",
    [
        ("스텝 3000 / 이미지 50장 / 배치 4 / 에폭 20", "max_train_steps", 3000),
        ("총 스텝은 1500인데 너무 적나요?", "max_train_steps", 1500),
        ("total steps 2500, 30 images", "max_train_steps", 2500),
        ("랭크 32 알파 16이면 괜찮나요?", "network_alpha", 16.0),
        ("dim 64 and alpha 64. What strength should I use?", "network_alpha", 64.0),
    ],
)
def test_steps_and_alpha_written_before_their_number(text, key, value):
    assert read_question(text).config.get(key) == value


@pytest.mark.parametrize(
    "text,images",
    [
        ("사진 20개로 얼굴 로라 만들려는데 충분한가요?", 20),
        ("20개의 이미지로 학습했어요", 20),
        ("dataset of 1,200 images, what rank?", 1200),
        ("이미지 1024 해상도로 30장 준비했어요", 30),  # 1024 is a size
        ("이미지를 4개 폴더로 나눴어요", None),  # four folders, not four images
    ],
)
def test_image_counts_in_korean_counters_and_with_thousands(text, images):
    assert read_question(text).num_images == images


@pytest.mark.parametrize(
    "text,lead",
    [
        ("How many regularization images should I use?", "reg.how_many"),
        ("로라 학습할 때 정규화 이미지 몇 장 넣어야 해요?", "reg.how_many"),
        ("Are my reg images picked randomly each epoch?", "kohya.reg_draw_order"),
    ],
)
def test_the_rule_that_answers_the_ask_leads(advisor, text, lead):
    assert advisor.ask(text).rule_ids[0] == lead


@pytest.mark.parametrize(
    "text,gpu,vram,vendor",
    [
        ("I have an RX 7900 XTX, can it train SDXL?", "RX 7900 XTX", 24, "amd"),
        ("라데온 6700xt로 SD1.5 로라 학습 되나요", "RX 6700 XT", 12, "amd"),
        ("7900xtx로 SDXL 돌려도 돼요?", "RX 7900 XTX", 24, "amd"),
        ("Intel Arc A770 16GB for LoRA training?", "Arc A770", 16, "intel"),
        ("M1 맥북에어로 로라 학습", "Apple M1", None, "apple"),  # unified memory: no VRAM to read
        ("4070 ti 12gb", "RTX 4070 ti", 12, "nvidia"),
        ("6700 steps at batch 2", "", None, ""),  # a bare number is a count, not a Radeon
    ],
)
def test_gpus_of_every_vendor_are_read(text, gpu, vram, vendor):
    facts = read_question(text)
    assert (facts.gpu_name, facts.vram_gb, facts.facts().hardware.vendor) == (gpu, vram, vendor)


def test_a_named_radeon_brings_the_rocm_advice_even_without_the_brand(advisor):
    for text in ("Can my 7900 XTX train an SDXL LoRA?", "6800xt 16기가로 로라 학습 가능한가요?"):
        answer = advisor.ask(text, use_llm=False)
        assert "hardware.amd" in answer.rule_ids, (text, answer.rule_ids)
        assert "ROCm" in answer.text


def test_sdxl_only_memory_rules_stay_out_of_an_sd15_answer(advisor):
    """A question that names SD1.5 (and no SDXL model) is not answered with SDXL's 12 GB presets."""
    sdxl_only = {"trouble.sdxl_12gb_oom", "vram.sdxl_tiers", "vram.sdxl_8gb", "recipe.sdxl_character_starter"}
    for text in (
        "라데온 6700xt 12기가로 SD1.5 로라 학습 되나요?",
        "SD1.5 LoRA on a 12GB 3060 runs out of memory",
    ):
        assert not sdxl_only & set(advisor.ask(text, use_llm=False).rule_ids), text
    assert sdxl_only & set(advisor.ask("SDXL LoRA on a 12GB 3060 runs out of memory", use_llm=False).rule_ids)


def test_the_rocm_rule_answers_a_question_about_amd_cards(advisor):
    answer = advisor.ask("How do I train a LoRA on an AMD Radeon card?", use_llm=False)
    assert "hardware.amd" in answer.rule_ids


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        ("Why are my samples during training all black?", "nan.fp16_vae", None),
        ("학습 이미지 해상도가 다 다른데 리사이즈 해야 하나요?", "dataprep.crop_resize_tools", "lora.resize"),
        ("Should I resize my training images before training?", "dataprep.crop_resize_tools", "lora.resize"),
        ("How do I resize my LoRA from rank 128 to 32?", "lora.resize", None),
        ("로라 리사이즈 하는 법", "lora.resize", None),
        # works in one app, not in another: the other app's loader, not the file or its training
        ("The LoRA works in ComfyUI but not in Forge", "webext.forge_lora_version_mismatch", None),
        ("로라가 컴피에서는 되는데 포지에서는 안돼요", "webext.forge_lora_version_mismatch", None),
        # where a finished run wrote its file, not how to shrink one
        ("학습 다 끝났는데 safetensors 파일이 어디 있어요?", "files.output_not_found", None),
        ("Training finished but where is my safetensors file?", "files.output_not_found", None),
        # flipping alone is about asymmetric subjects; the caching conflict needs color_aug / random_crop
        ("Does flip augmentation help for a character LoRA?", "dataset.flip_asymmetric", None),
        ("color_aug with cache_latents gives an error", "aug.cache_latents_conflict", None),
        # merging files is not two LoRAs meeting in one image (and the reverse)
        ("How do I merge two LoRAs into one?", "lora.merge_loras", "ui.multiple_loras"),
        ("Two character LoRAs blend into one face in my image", "ui.multiple_loras", None),
        # where the training images go is the folder layout, not where a finished run wrote its file
        ("학습용 이미지 폴더 경로는 어떻게 지정해요?", "dataset.kohya_folders", None),
        ("Where should I put the dataset images before training?", "dataset.kohya_folders", None),
        # likeness lost only beside another LoRA is a conflict between LoRAs, not undertraining
        (
            "화풍 로라랑 내 캐릭터 로라 같이 넣으면 얼굴이 안 닮아져요",
            "symptom.loras_conflict",
            "underfit.too_few_views",
        ),
        (
            "Combined with a style LoRA, my character LoRA loses the likeness",
            "symptom.loras_conflict",
            "underfit.too_few_views",
        ),
        ("My character LoRA doesn't look like her at all", "recipe.likeness", None),
    ],
)
def test_resizing_images_is_not_resizing_a_lora_and_all_black_samples_are_black_images(
    advisor, text, wanted, unwanted
):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids and unwanted not in ids, ids


def test_how_much_is_asked_not_searched():
    """'얼마' (how much) is the question's form, not its topic: it matched a disk-space rule's '용량이 얼마'."""
    from advisor.retrieval import query_tokens

    assert "얼마" not in query_tokens("SDXL 로라 학습률 얼마로 해야 돼요?")
    assert "학습률" in query_tokens("SDXL 로라 학습률 얼마로 해야 돼요?")
