"""Issue 21: everyday questions written blind (tests/advisor/question_bank_common1.toml), then read.

Two helpers who never saw the advisor wrote 80 questions a LoRA community asks every week, each in English
and Korean, each backed by a source. Scored blind: en 69/80, ko 63/80 (20befe0); read after a second blind
set existed (tests/advisor/blind/question_bank_common2.toml, unread), and its 26 misses fixed: three reader
bugs (gradient accumulation and the Korean '리핏' were not read, so steps were computed wrong or not at
all), routing gaps and rule texts that did not say the fact plainly. Set 1 80/80, 80/80 after the fixes;
set 2 moved from 65/62 to 65/63 (docs/advisor.md, "Everyday questions"). Set 2 was then read in turn and
part of its misses fixed (file sizes and saved epochs are computed now), with set 3 blind; set 3 was read
in the ninth session, with set 4 blind (tests/advisor/blind/question_bank_common4.toml).
"""

import pytest

from advisor.question_facts import read_question
from tests.advisor import bank, coherence

# Set 1: 80/80 in each language after its misses were fixed. Set 2 (read at the end of the eighth session,
# set 3 still blind): en 73/80, ko 72/80 after part of its misses were fixed (from 65/80, 63/80); 80/80, 80/80
# once the rest were in the ninth session (Pony's template, schnell's adapter, ai-toolkit resume, SwarmUI regions).
# Set 3 (read in the ninth session, set 4 blind): en 67/80, ko 64/80 as read; 79/80, 80/80 after its misses were
# fixed (computed durations, epoch files, hires sizes and batch changes; routes and plainer texts).
# Set 4 (read in the ninth session, set 5 blind): en 71/80, ko 68/80 as read; 80/80, 80/80 after its misses were
# fixed (steps over several folders, repeats for a target, durations; routes and plainer texts).
# Set 5 (read in the ninth session, set 6 blind): en 68/80, ko 64/80 as read; 80/80, 80/80 after its misses were
# fixed (resuming a crashed run, continuing a LoRA, a gallery against one's own images, extraction, ...).
# Set 6 (read in the ninth session, set 7 blind): en 73/80, ko 68/80 as read; 80/80, 80/80 after its misses were
# fixed (grid counts, epoch files, reg images doubling the steps, ROCm on RDNA2, merging LoRAs, ...).
# Set 7 (read in the ninth session, set 8 blind): en 71/80, ko 68/80 as read; 80/80, 80/80 after its misses were
# fixed (a character sheet, a baked-in sofa, seeds across UIs and sizes, Lightning samplers, determinism, ...).
# Set 8 (read in the tenth session, set 9 blind): en 68/80, ko 63/80 as read (b8961f9); 80/80, 80/80 after its misses
# were fixed (prerequisites, step counts per epoch at two batches, a step's epoch file, warmup, LoKr sizes, Flux in
# A1111, bug reports, ...). Set 9, blind, stayed at 65/80, 65/80 through those fixes.
# Set 9 (read in the tenth session, set 10 blind): en 65/80, ko 65/80 as read (0c56edf); 80/80, 80/80 after its misses
# were fixed (optimizer steps with accumulation, two batches' run times, reg images doubling the steps, which steps
# the saved files land on, a rental's cost, output folders, Hugging Face uploads, ...). Set 10, blind, stayed at
# 65/80, 66/80 through those fixes.
# Set 10 (read in the tenth session, set 11 blind): en 65/80, ko 66/80 as read (a5bc48d); 80/80, 80/80 after its
# misses were fixed (Pony's source and score tags, NoobAI's quality tags and noise offset, escaped parentheses, the
# tagger's options, DoRA's slower convergence, caption-dropout and validation-split counts, ...). Set 11, blind,
# stayed at 62/80, 65/80 through those fixes.
# Set 11 (read in the tenth session while set 12 was written blind): en 62/80, ko 65/80 as read (699da94); 80/80,
# 80/80 after its misses were fixed (class words, optional features in captions, text in logos, blurry photos, face-only
# crops, FluxGym's presets, sd-scripts' Flux options, epochs from ai-toolkit's steps, ...). Set 12, blind, stayed at
# 69/80, 65/80 through those fixes.
# Set 12 (read in the eleventh session while sets 13 and 14 were written blind): en 69/80, ko 65/80 as read (0ae40c7);
# 80/80, 80/80 after its misses were fixed (a WSL disk that does not shrink, ZLUDA's first compile, Docker's GPU,
# tmux on a rented box, TensorBoard over SSH, steps on two GPUs, uncensored captioners, duplicates, the trigger added to
# every caption, ...). Set 13, blind, moved from 40/80, 38/80 to 40/80, 39/80 through those fixes; set 14 stayed at
# 28/40, 27/40.
# Set 13 (read in the eleventh session while sets 14-16 stayed blind): en 40/80, ko 38/80 blind as found; 57/58 once
# the advisor's part "loracord" (written from loracord's docs, blind to the set) was merged; 80/80, 80/80 after its
# misses were fixed (questions about the bot that never name it, "in this server", "my jobs", the Download button;
# interruptible rentals, TensorBoard in a notebook, time left from a progress bar, it/s against s/it, ...).
# Sets 14, 15 and 16 (read in the twelfth session while set 17 was written blind): set 14 (generating images) en 33/40,
# ko 34/40 as read; set 15 (after training; video and the newest models) 71/80, 64/80; set 16 (hardware; style and
# concept LoRAs) 76/80, 64/80 — each after the knowledge parts written blind to it; 80/80 (set 14 40/40) after their
# misses were fixed (Korean routes for topics only English reached by search, CFG worded as a limit, Kontext LoRAs,
# clip counts read like image counts, 30fps, a merged LoRA's rank, Civitai versions and trigger words, ...). Set 17,
# blind, moved from 65/80, 67/80 to 67/80, 69/80 through them and the parts 'install' and 'bases'.
FLOORS = {
    1: 0.97,
    2: 0.97,
    3: 0.97,
    4: 0.97,
    5: 0.97,
    6: 0.97,
    7: 0.97,
    8: 0.97,
    9: 0.97,
    10: 0.97,
    11: 0.97,
    12: 0.97,
    13: 0.97,
    14: 0.97,
    15: 0.97,
    16: 0.97,
}
# Questions per language in each set: 80, except set 14 (one writer, 40 questions about generating images).
SIZES = {14: 40}


@pytest.fixture(scope="module")
def answers(advisor):
    return {q.id: advisor.ask(q.text, use_llm=False) for n in FLOORS for q in bank.everyday(n)}


@pytest.mark.parametrize("set_number", sorted(FLOORS))
def test_everyday_set_is_whole_and_asked_in_both_languages(set_number):
    items = bank.everyday(set_number)
    size = 2 * SIZES.get(set_number, 80)
    assert len(items) == size and len({q.id for q in items}) == size
    stems: dict[str, set[str]] = {}
    for q in items:
        stems.setdefault(q.id.rsplit("-", 1)[0], set()).add(q.lang)
        # set 13's questions about the bot itself cite loracord's own docs (loracord:docs/bot.md#commands)
        assert q.source.startswith(("https://", "loracord:")) and q.must, q.id
    assert all(langs == {"en", "ko"} for langs in stems.values())


@pytest.mark.parametrize("set_number", sorted(FLOORS))
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_everyday_questions_are_answered_right(answers, set_number, lang, capsys):
    items = bank.everyday(set_number, lang)
    wrong = [q.id for q in items if not bank.judge(q, answers[q.id].text, answers[q.id].lang).right]
    with capsys.disabled():
        print(f"\neveryday set {set_number}, {lang}: {len(items) - len(wrong)}/{len(items)}; wrong: {wrong}")
    assert 1 - len(wrong) / len(items) >= FLOORS[set_number], wrong


def test_everyday_answers_are_coherent(advisor, answers):
    for q in [q for n in FLOORS for q in bank.everyday(n)]:
        ids = answers[q.id].rule_ids
        found = coherence.clashes(advisor.rulebook, ids)
        assert not found, f"{q.id}: {found} pushed both ways by {ids}"
        ruled = coherence.ruled_out(advisor.rulebook, q.text, ids)
        assert not ruled, f"{q.id}: {ruled}"


@pytest.mark.parametrize(
    "text,key,value",
    [
        ("batch 1 with gradient accumulation steps set to 4. 30 images", "gradient_accumulation_steps", 4),
        ("grad accum 8, bs 1", "gradient_accumulation_steps", 8),
        ("gradient_accumulation_steps=2 and 10 repeats", "gradient_accumulation_steps", 2),
        ("배치 1에 그래디언트 누적 4로 돌림", "gradient_accumulation_steps", 4),
        ("이미지 20장 리핏 15 에폭 8", "repeats", 15),
        ("사진 30장, 리피트 10, 10에폭", "repeats", 10),
    ],
)
def test_the_reader_takes_accumulation_and_korean_repeats(text, key, value):
    assert read_question(text).config.get(key) == value


def test_sizes_and_saved_epochs_are_computed(advisor):
    text = "My SD1.5 LoRA at dim 64 is 72 MB; what size at dim 16?"
    assert "about 18 MB at dim 16" in advisor.ask(text, use_llm=False).text
    text = "SDXL LoRA saved as float is 436 MB, how big as fp16?"
    assert "about 218 MB" in advisor.ask(text, use_llm=False).text
    text = "30 images, 4 repeats, batch 2, 10 epochs: at which step was the epoch-3 file saved?"
    assert "The epoch-3 file was saved at step 180." in advisor.ask(text, use_llm=False).text
    ko = advisor.ask("사진 30장 리핏 4 배치 2 10에폭이면 3에폭 파일은 몇 스텝째 저장됨?", use_llm=False).text
    assert "3에폭 파일은 180 스텝째" in ko


def test_steps_are_divided_by_the_accumulated_batch(advisor):
    text = "12GB so batch 1 and gradient accumulation 4. 40 images x 10 repeats x 10 epochs, how many steps?"
    answer = advisor.ask(text, use_llm=False).text
    assert "= 1000 steps" in answer and "effective batch of 1 × 4 = 4" in answer
    ko = advisor.ask(
        "배치 1에 gradient accumulation 4, 40장 리핏 10 에폭 10이면 몇 스텝?", use_llm=False
    ).text
    assert "= 1000 스텝" in ko


def test_a_batch_named_twice_is_recounted(advisor):
    """Accumulation goes with the batch it is named with, and every other batch the user weighs is recounted."""
    text = (
        "batch 4 doesn't fit my 12GB card. What about batch 2 with gradient_accumulation_steps 2? "
        "50 images, 6 repeats, 8 epochs: how many optimizer steps?"
    )
    assert read_question(text).config["train_batch_size"] == 2
    answer = advisor.ask(text, use_llm=False).text
    assert "÷ (batch 2 × gradient accumulation 2) = 600 steps" in answer
    assert "At batch 4 (no accumulation): 600 steps (75 per epoch)." in answer
    ko = advisor.ask("사진 36장, 리핏 5, 배치 4로 10에폭이면 몇 스텝? 배치 2로 줄이면?", use_llm=False).text
    assert "= 450 스텝" in ko and "배치 2로 하면 900 스텝(에포크당 90 스텝)" in ko


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        ("Do I really need regularization images for a character LoRA?", "reg.by_goal", None),
        ("캐릭 로라에 레귤러 이미지 꼭 넣어야 돼요?", "reg.by_goal", None),
        # 'how do I add reg images' is how, not whether
        ("How do I add reg images in the kohya GUI?", None, "reg.by_goal"),
        (
            "my captions are .txt files but it trains only on the folder name",
            "captions.extension_mismatch",
            None,
        ),
        ("캡션 txt 넣었는데 폴더 이름으로만 학습됨", "captions.extension_mismatch", None),
        (
            "Forge: can a LoRA go on the unet only, leaving the text encoder off?",
            "ext.lora_tag_te_unet_dyn",
            None,
        ),
        ("포지에서 로라 유넷에만 적용하고 텍스트 인코더엔 안 먹이는 법", "ext.lora_tag_te_unet_dyn", None),
        ("Downloaded a LoRA from a friend, where can I find the trigger words?", "lora.find_trigger", None),
        ("받은 로라 트리거 어디서 확인함?", "lora.find_trigger", None),
        ("Is my LoRA still applied during the hires fix pass?", "uiuse.hires_fix_lora", None),
        ("하이레스 픽스 때도 로라 적용되나요?", "uiuse.hires_fix_lora", None),
        ("The bedroom from my dataset shows up in every image", "symptom.background_baked", None),
        ("학습한 교실 배경이 계속 나와요", "symptom.background_baked", None),
        ("로라를 체크포인트에 합쳐서 모델 하나로 만들고 싶어요", "lora.merge_into_checkpoint", None),
        ("How do I combine two LoRAs into a single file?", "lora.merge_loras", None),
        ("10에폭 가니까 색이 쨍해지고 포즈가 다 똑같음", "symptom.burned", "symptom.loss_no_change"),
        # set 2 read: Pony's own images bad, a schnell LoRA, an ai-toolkit run that died, two LoRAs in SwarmUI
        (
            "Every image from Pony V6 looks muddy and deformed, even the simple prompts",
            "families.pony_prompt_tags",
            None,
        ),
        ("포니로 뽑으면 그림이 다 뭉개지고 퀄이 낮아요", "families.pony_prompt_tags", None),
        ("My Pony LoRA looks flat on Illustrious checkpoints", None, "families.pony_prompt_tags"),
        (
            "Is it possible to train a Flux LoRA on schnell? I want the Apache licence",
            "tuners.aitk_flux_schnell",
            None,
        ),
        ("플럭스 슈넬로 로라 학습하려면 뭐가 더 필요해요?", "tuners.aitk_flux_schnell", None),
        ("Does my dev-trained Flux LoRA work on schnell?", None, "tuners.aitk_flux_schnell"),
        (
            "ai-toolkit crashed overnight at step 2600, can I pick it up where it left off?",
            "scripts.aitk_resume_run",
            None,
        ),
        (
            "런팟에서 ai-toolkit 돌리다 연결이 끊겼어요. 처음부터 다시 해야 하나요?",
            "scripts.aitk_resume_run",
            None,
        ),
        (
            "In SwarmUI my two character LoRAs mix into one person; can each go on its own half?",
            "genapps.swarm_region_loras",
            None,
        ),
        (
            "스웜에서 인물 두 명 로라가 섞여 나와요, 영역별로 나눌 수 있나요?",
            "genapps.swarm_region_loras",
            None,
        ),
    ],
)
def test_everyday_fixes_hold_for_fresh_wordings(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert (wanted is None or wanted in ids) and (unwanted is None or unwanted not in ids), ids
