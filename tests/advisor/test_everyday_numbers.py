"""Issue 21: numbers everyday questions ask the advisor to work out (read from everyday set 3's misses, ninth
session): a run's duration from the progress bar's rate, the step a sd-scripts epoch file was saved at (from
its "-000004" name), a hires fix's final size, a batch changed at the same epochs, and the formula's step count
beside the trainer's when an epoch does not divide into whole batches."""

import pytest

from advisor.question_facts import read_question


@pytest.mark.parametrize(
    "text,field,value",
    [
        # an image size is not an image count
        ("some 450x600 photos in my set of 30 images", "num_images", 30),
        ("600x600짜리 사진이 좀 섞였는데 40장 중에", "num_images", 40),
        ("kohya shows 1.5 s/it", "sec_per_step", 1.5),
        ("진행바에 2.5s/it 뜸", "sec_per_step", 2.5),
        ("it runs at 4 it/s", "sec_per_step", 0.25),
        ("which step is mychar-000006.safetensors at?", "asked_epoch", 6),
        ("lora-000012 파일", "asked_epoch", 12),
        # a list of epoch files asks which to pick, not about one of them
        ("I saved mylora-000004, -000006 and -000008", "asked_epoch", None),
        ("hires fix upscale by 2 from 512x768: what's the final resolution?", "hires", (512, 768, 2.0)),
        ("하이레스 픽스 1.5배, 832x1216이면 최종 해상도 몇?", "hires", (832, 1216, 1.5)),
        # an image's size with no hires fix named is not a hires pass
        ("my images are 832x1216, 1.5x more than last time: what size now?", "hires", None),
        # nor is a hires pass whose size nobody asks for: that line would only push the answer down
        ("512x768 with hires fix 2x makes her face change. Which denoise?", "hires", None),
    ],
)
def test_the_reader_takes_rates_file_names_and_hires_passes(text, field, value):
    assert getattr(read_question(text), field) == value


def test_a_rate_adds_the_arithmetic_only_when_the_time_is_asked(advisor):
    text = "40 images and I get 2 s/it with SDXL on my 3060. Is that speed normal?"
    assert "Your numbers" not in advisor.ask(text, use_llm=False).text
    asked = "40 images, 10 repeats, 10 epochs and I get 2 s/it with SDXL on my 3060. How long will it take?"
    assert "4000 × 2 s = 8000 s, about 133 min" not in advisor.ask(asked, use_llm=False).text
    assert "8000 s, about 2.2 h" in advisor.ask(asked, use_llm=False).text


def test_the_run_duration_is_worked_out(advisor):
    text = "30 images, 8 repeats, 10 epochs, batch 2, kohya says 2 s/it. How long will it run?"
    answer = advisor.ask(text, use_llm=False).text
    assert "= 1200 steps" in answer and "1200 × 2 s = 2400 s, about 40 min" in answer
    ko = advisor.ask(
        "사진 30장 리핏 8 에폭 10 배치 2인데 2 s/it 나옴. 다 도는 데 얼마나 걸림?", use_llm=False
    ).text
    assert "1200 스텝 × 2초 = 2400초, 약 40분" in ko


def test_an_epoch_file_name_gives_its_step(advisor):
    text = "25 images, 10 repeats, batch 5, 8 epochs. Which step is mychar-000003.safetensors from?"
    assert "The epoch-3 file was saved at step 150." in advisor.ask(text, use_llm=False).text


def test_the_hires_fix_final_size_is_worked_out(advisor):
    text = "SD1.5 at 512x768 with my LoRA and hires fix upscale by 2: what size comes out, and what denoise?"
    assert "512x768 upscaled by 2 gives a final 1024x1536" in advisor.ask(text, use_llm=False).text
    ko = advisor.ask(
        "512x768에 하이레스 픽스 2배 주면 최종 해상도 몇이고 디노이즈는 얼마?", use_llm=False
    ).text
    assert "최종 해상도는 1024x1536" in ko


def test_a_bigger_batch_at_the_same_epochs_means_fewer_steps(advisor):
    answer = advisor.ask(
        "I raised batch 1 to 4, same epochs, and it learns much less. Why?", use_llm=False
    ).text
    assert "From batch 1 to batch 4 at the same epochs, the steps drop to 1/4" in answer
    assert "raise the learning rate" in answer and "lower the learning rate" not in answer
    ko = advisor.ask("배치 1에서 4로 바꾸고 에폭은 그대로인데 학습이 덜 돼요", use_llm=False).text
    assert "스텝 수가 4분의 1로 줄어듭니다" in ko


def test_a_batch_named_with_to_is_another_batch_recounted(advisor):
    """ "drop batch to 1" names a second batch: its steps are worked out beside the first one's."""
    answer = advisor.ask(
        "30 images, 4 repeats, batch size 4, 10 epochs. How many steps? And if I drop batch to 2 with the same "
        "epochs, how many then?",
        use_llm=False,
    ).text
    assert "300 steps" in answer and "600" in answer


def test_an_uneven_epoch_shows_the_formula_and_the_trainers_count(advisor):
    text = "15 images x 5 repeats, 4 epochs, batch 2: how many steps?"
    answer = advisor.ask(text, use_llm=False).text
    assert "= 152 steps" in answer and "the formula gives 150" in answer
    even = advisor.ask("20 images x 5 repeats, 4 epochs, batch 2: how many steps?", use_llm=False).text
    assert "= 200 steps" in even and "the formula gives" not in even


@pytest.mark.parametrize(
    "text,key,value",
    [
        ("15장 x 5반복, 4에폭, 배치2. 가중치 1이면 안 닮음", "train_batch_size", 2),
        ("bs 4. dim 32.", "train_batch_size", 4),
        ("repeats 10. epochs 5.", "repeats", 10),
        ("total steps 2000. Is that enough?", "max_train_steps", 2000),
        ("Only black images with my LoRA. unet_lr was 1e-3.", "learning_rate", 0.001),
        ("learning rate 0.0004. Too high?", "learning_rate", 0.0004),
    ],
)
def test_a_number_that_ends_a_sentence_is_read(text, key, value):
    """'배치2.' is batch 2: the full stop after a number is not a decimal point."""
    assert read_question(text).config.get(key) == value


def test_steps_over_several_folders_sum_each_folders_repeats(advisor):
    text = (
        "Folder 10_mychar with 24 images and folder 2_outfits with 60 images, batch 2, 5 epochs. Total steps?"
    )
    assert read_question(text).folders == ((10, 24, "10_mychar"), (2, 60, "2_outfits"))
    answer = advisor.ask(text, use_llm=False).text
    assert "24 × 10 (10_mychar) + 60 × 2 (2_outfits) = 360 images ÷ batch 2 = 180 steps per epoch" in answer
    assert "× 5 epochs = 900 steps" in answer
    ko = advisor.ask(
        "10_mychar 폴더에 24장, 2_outfits 폴더에 60장, 배치 2, 5에폭이면 총 스텝?", use_llm=False
    ).text
    assert "= 360장 ÷ 배치 2 = 에포크당 180 스텝 × 에포크 5 = 900 스텝" in ko


def test_the_repeats_for_a_target_step_count_are_worked_out(advisor):
    text = "40 images, batch 2, 8 epochs, and I want about 2000 steps. What repeat count?"
    assert (
        "≈ 12 repeats (folder 12_name): 40 × 12 × 8 ÷ 2 = 1920 steps" in advisor.ask(text, use_llm=False).text
    )
    ko = advisor.ask("40장, 배치 2, 8에폭으로 총 2000스텝쯤 하고 싶은데 리핏 몇?", use_llm=False).text
    assert "repeats 12 (폴더 이름 12_이름)" in ko


def test_a_stated_step_count_and_rate_give_the_duration(advisor):
    text = "The progress bar says 3000 steps at 1.2 s/it. How long will it take?"
    assert "3000 × 1.2 s = 3600 s, about 60 min" in advisor.ask(text, use_llm=False).text


@pytest.mark.parametrize(
    "text,epoch",
    [
        ("At which step was the file ending in -000006 saved?", 6),
        ("-000008으로 끝나는 파일은 몇 스텝째?", 8),
        # a list of saved files asks which one to pick; a number like -0001 is not kohya's six-digit name
        ("mylora-000004, -000006, -000008 and -000010: which is best?", None),
        ("learning rate -0001 typo?", None),
    ],
)
def test_an_epoch_files_six_digit_suffix_is_read(text, epoch):
    assert read_question(text).asked_epoch == epoch


def test_an_xyz_grid_is_counted_and_timed(advisor):
    text = "X/Y/Z plot of 6 epoch files x 4 weights (0.5 to 1.1) x 3 seeds, 5 seconds per image: how many images, how long?"
    answer = advisor.ask(text, use_llm=False).text
    assert answer.startswith(
        "Your numbers: the grid is 6 × 4 × 3 = 72 images. At 5 s per image that is 72 × 5 s = 360 s"
    )
    assert "Batch size for" not in answer
    ko = advisor.ask(
        "에폭 파일 6개 × 가중치 4개 × 시드 3개로 xyz 돌리면 장당 5초일 때 몇 장, 몇 분?", use_llm=False
    ).text
    assert "그리드는 6 × 4 × 3 = 72장입니다. 장당 5초면 72 × 5초 = 360초, 약 6분입니다." in ko
