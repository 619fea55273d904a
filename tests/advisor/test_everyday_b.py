"""Issue 21, part everyday_b: routes for the everyday topics set 3 (tests/advisor/question_bank_common3.toml)
showed unrouted, checked on fresh wordings (not taken from any question bank) in both languages."""

import re

import pytest


@pytest.mark.parametrize(
    "text,wanted",
    [
        # which words switch a downloaded LoRA on, and where they are listed
        ("What words activate this LoRA I got from civitai?", "lora.find_trigger"),
        ("받은 로라 활성화하려면 무슨 단어를 넣어야 돼요?", "lora.find_trigger"),
        ("씨빗에서 받은 캐릭 로라 발동 안 되는데 트리거가 어디 적혀 있어요?", "lora.find_trigger"),
        # comparing the saved epochs of one run side by side
        (
            "Is there a way to compare my 10 saved epoch files side by side with the same seed?",
            "eval.xyz_plot",
        ),
        ("에포크 파일 5개 나왔는데 한눈에 비교해 보려면 어떻게 해요?", "eval.xyz_plot"),
        # the prompt and settings of a saved image, back into the UI
        (
            "I downloaded a picture from a Discord channel; can I read its prompt and settings somehow?",
            "webui.pnginfo_infotext",
        ),
        ("다운받은 이미지에서 프롬프트랑 설정 알아내는 방법 있어요?", "webui.pnginfo_infotext"),
        # civitai posts that show no generation data / no resources
        (
            "My civitai post shows no prompt or resources under the images. What did I do wrong?",
            "publish.civitai",
        ),
        ("시비타이에 올린 그림에 생성 정보가 안 떠요", "publish.civitai"),
        ("씨빗에 이미지 올렸는데 사용한 로라가 리소스로 안 잡혀요", "uiuse.comfy_civitai_resources"),
        # a kohya / civitai LoRA file in a diffusers pipeline
        ("Can a civitai LoRA be used in a diffusers DiffusionPipeline as is?", "ui.diffusers_load"),
        ("코야로 학습한 로라 파일을 StableDiffusionXLPipeline에서 바로 써도 돼요?", "ui.diffusers_load"),
        # out of memory while generating, written 'OOM' after the UI and the LoRA
        ("포지에서 로라 3개 넣으니까 OOM 나요", "infer.generation_oom"),
        ("ComfyUI with an SDXL model and two LoRAs gives OOM every time", "infer.generation_oom"),
        # one seed and settings in two UIs giving different pictures
        ("Forge and ComfyUI with identical settings give totally different images", "infer.a1111_vs_comfy"),
        ("포지랑 컴피에 같은 시드 넣었는데 그림이 딴판이에요", "infer.a1111_vs_comfy"),
        # a LoRA tag on the negative (uncond) pass
        ("Is my LoRA applied to the unconditional pass as well in Forge?", "uiuse.lora_negative_prompt"),
        ("로라는 긍정 프롬프트 쪽에만 적용되는 거 맞나요?", "uiuse.lora_negative_prompt"),
        # the same seed at another resolution
        (
            "Same seed at 1024x1024 instead of 768x768 and the composition changed completely",
            "infer.seed_resolution",
        ),
        ("해상도 키웠더니 구도가 바뀌어요. 같은 그림을 크게 뽑을 수 없나요?", "infer.seed_resolution"),
        # speed LoRAs and their sampler settings
        ("What scheduler goes with the Hyper-SD 4 step LoRA in ComfyUI?", "infer.speed_lora_settings"),
        ("라이트닝 로라 8스텝짜리에 샘플러는 뭘 골라야 돼요?", "infer.speed_lora_settings"),
        # regenerating with the same settings, slightly different details
        ("How do I get identical images every time I regenerate in A1111?", "infer.repeat_determinism"),
        ("같은 설정으로 뽑아도 미세하게 달라요, xformers 때문인가요?", "infer.repeat_determinism"),
        # set 4: a reference picture's pose on a character (ControlNet + OpenPose)
        ("How can I get my OC LoRA to take the exact pose from a screenshot?", "infer.controlnet_lora"),
        ("참고 이미지 포즈를 캐릭 로라에 적용하려면?", "infer.controlnet_lora"),
        ("이 사진 포즈 그대로 내 캐릭터로 그리고 싶은데 뭘 써야 해?", "infer.controlnet_lora"),
        # set 4: one UI reading another UI's model folders instead of copies
        ("How do I point reForge to use the A1111 lora folder?", "webext.share_lora_folder"),
        ("리포지가 A1111 로라 폴더 쓰게 하려면?", "webext.share_lora_folder"),
        ("포지 새로 설치했는데 체크포인트 중복으로 두기 싫어요. 어떻게 해요?", "models.share_model_folders"),
        # set 5: the <lora:> tag alone vs the trigger word
        (
            "Does the <lora:name:0.8> tag do everything by itself or do I need other words?",
            "lora.find_trigger",
        ),
        ("<lora:oc_v2:0.9> 하나만 넣으면 충분해요?", "lora.find_trigger"),
        # set 5: a style LoRA that changes the character's face
        (
            "This painterly style LoRA keeps changing my character's face, how do I stop that?",
            "ui.block_weights",
        ),
        ("스타일 로라 걸면 캐릭터 얼굴이 달라져요", "ui.block_weights"),
        # set 5: a fine-tuned checkpoint turned into a LoRA
        ("Can I convert this merged checkpoint into a small LoRA?", "lora.extract"),
        # set 9: a LoRA taken out of a full fine-tune
        ("I finetuned SDXL on a rented GPU, can I pull a smaller LoRA out of it?", "lora.extract"),
        ("파인튜닝한 체크포인트가 너무 커서 그런데 거기서 로라만 추출할 수 있어요?", "lora.extract"),
        # set 9: where the UI saves generated pictures
        ("I can't find my generated images, where are they stored in Forge?", "webui.output_folders"),
        ("포지에서 생성한 그림 어느 폴더에 저장돼요?", "webui.output_folders"),
        # set 9: renaming a LoRA file, the old and new names in between (Korean)
        ("로라 파일명을 oc_final_v2.safetensors에서 oc.safetensors로 바꿔도 돼요?", "models.lora_rename"),
        # set 9: a downloaded LoRA's training settings from the file itself
        ("Can I see the learning rate and epochs from the lora file itself?", "recipe.from_metadata"),
        ("받은 로라 파일 안에 학습률이나 에폭 같은 게 적혀 있어요?", "recipe.from_metadata"),
        # set 9: uploading to the Hugging Face Hub
        ("How can I upload my trained lora to huggingface with a script?", "models.hf_upload"),
        ("허깅페이스에 로라 올리려면 어떻게 해요?", "models.hf_upload"),
        # set 9: frames from an episode or a video
        ("What's a good way to grab frames from a movie for a character dataset?", "dataset.video_frames"),
        ("영상에서 학습용 프레임을 어떻게 추출해요?", "dataset.video_frames"),
        # set 9: a lighter UI for SDXL on a small card
        ("My 8GB card struggles with SDXL in automatic1111, is there a lighter UI?", "webui.forge_variants"),
        ("SDXL 8기가에서 더 가볍게 돌아가는 UI 뭐예요?", "webui.forge_variants"),
        # set 9: a Flux LoRA on 12-16 GB
        ("Is a Flux LoRA possible on my 12GB 4070 at all?", "flux.low_vram_trainers"),
        ("12기가 그래픽카드로 플럭스 로라 학습 가능해요?", "flux.low_vram_trainers"),
        ("머지 모델을 로라로 바꾸는 방법 있어요?", "lora.extract"),
        # set 5: a finished image enlarged to print size
        ("What's the best way to upscale my render to 8K for a poster?", "infer.tiled_upscale"),
        ("포스터 출력용으로 그림을 크게 키우려면 어떻게 해요?", "infer.tiled_upscale"),
        # set 5: one's images vs a LoRA's gallery
        (
            "My outputs are nowhere near the example images, what settings did they use?",
            "lora.gallery_vs_own_images",
        ),
        ("예시 이미지처럼 안 나와요. 같은 로라인데 왜 그래요?", "lora.gallery_vs_own_images"),
        # set 6: one character LoRA spreading to the other people in the picture
        (
            "Two girls in the scene and the other girl also gets my character's face. Can I apply the LoRA to one girl only?",
            "ui.multiple_loras",
        ),
        ("친구 캐릭이랑 같이 뽑으면 다른 캐릭터도 내 캐릭으로 변해요", "ui.multiple_loras"),
        ("로라를 특정 인물에게만 적용할 수 있어요?", "ui.multiple_loras"),
        # set 6: two LoRAs, named one by one, merged into one file
        (
            "I've got a style LoRA and a pose LoRA for SDXL; can I combine them together into one?",
            "lora.merge_loras",
        ),
        ("얼굴 로라랑 화풍 로라 있는데 이 둘을 파일 하나로 병합하고 싶어요", "lora.merge_loras"),
        # set 6: a model file on disk traced back to its civitai page
        ("How do I identify the civitai page of a random safetensors in my Lora folder?", "models.hashes"),
        ("예전에 받은 체크포인트가 어디서 받은 건지 알 수 있나요?", "models.hashes"),
        # set 6: the base-model label when uploading to civitai
        (
            "Uploading to civitai: do I label my NoobAI LoRA as SDXL 1.0 or NoobAI for the base model?",
            "families.civitai_base_labels",
        ),
        (
            "씨비타이에 업로드할 때 포니로 학습한 로라는 베이스 모델 뭘로 골라요?",
            "families.civitai_base_labels",
        ),
        # set 8: LoRA files moved to another drive, and the UI has to find them
        (
            "I keep my loras on an external SSD now (E:\\loras), how can Forge find them?",
            "models.share_model_folders",
        ),
        ("로라 파일을 외장 SSD로 옮겼더니 웹UI 목록에서 다 사라졌어요", "models.share_model_folders"),
        # set 8: a regeneration with every setting fixed differs slightly
        (
            "Seed, prompt and weights all identical, yet each render has slightly different fingers",
            "infer.repeat_determinism",
        ),
        ("프롬프트 시드 다 고정인데 다시 뽑으면 눈 모양이 살짝 달라져요", "infer.repeat_determinism"),
        # set 8: a character LoRA that forces one outfit whatever the prompt says
        (
            "No matter what I prompt, my character LoRA always puts her in the same maid outfit",
            "symptom.outfit_baked",
        ),
        ("캐릭 로라가 항상 그 드레스를 입혀요, 다른 옷 적어도 소용없음", "symptom.outfit_baked"),
        # set 8: a LoRA in every image nobody typed (sd_lora, 'Add network to prompt')
        (
            "Every image has <lora:detail_tweaker:1> in the infotext but I never typed it",
            "webext.sd_lora_add_network",
        ),
        ("안 쓴 로라가 매번 이미지 정보에 들어가요", "webext.sd_lora_add_network"),
        # set 8: Flux in AUTOMATIC1111
        ("Can I run a Flux fine-tune in Automatic1111 or do I need something else?", "webui.a1111_no_flux"),
        ("오토1111에 플럭스 체크포인트 넣으면 에러 나는데 지원 안 하나요?", "webui.a1111_no_flux"),
        # set 8: what a bug report on a UI's GitHub needs
        (
            "Before I file a GitHub issue about Forge crashing with my LoRA, what info should I include?",
            "webui.bug_report",
        ),
        ("깃허브에 버그 제보하려는데 로그 어떤 거 첨부해요?", "webui.bug_report"),
        # set 10: a DoRA behind a LoRA at the same settings converges more slowly
        (
            "My DoRA seems slower to converge than the LoRA I trained on the same dataset, is that normal?",
            "lyco.dora_converges_slower",
        ),
        ("도라로 바꿨더니 같은 에폭인데 로라보다 약하게 나와요", "lyco.dora_converges_slower"),
        # set 10: a LyCORIS type for a LoRA that learns too well
        ("Would LoHa help with a style LoRA that overfits and copies the poses?", "lycoris.by_goal"),
        # set 11: Flux schnell's steps and guidance at generation
        ("What CFG and sampler settings work for flux schnell in Forge?", "infer.flux_lora_use"),
        ("슈넬 모델 가이던스는 몇으로 둬요?", "infer.flux_lora_use"),
        # set 11: FluxGym's VRAM presets and its output folder
        ("Does the 16G option in fluxgym train differently from 20G?", "fluxgym.presets_outputs"),
        ("플럭스짐으로 만든 로라 파일 폴더 경로 알려줘", "fluxgym.presets_outputs"),
        # set 11: sd-scripts' Flux options
        ("Which model_prediction_type is recommended for flux in kohya?", "flux.sdscripts_args"),
        ("플럭스 학습할 때 T5 토큰 길이 제한이 몇이에요?", "flux.sdscripts_args"),
        # set 11: the fp16 vs fp8 T5 for the system RAM
        ("Is 32GB of RAM enough for the fp16 t5xxl, or should I use fp8?", "models.split_files"),
        ("램이 16기가밖에 없는데 t5xxl 어떤 거 받아요?", "models.split_files"),
        # set 11: several LoRAs at once in ComfyUI
        ("How can I stack three loras in comfyui?", "ui.comfy_lora_wiring"),
        ("컴피에서 로라 여러 개 같이 쓰는 법", "ui.comfy_lora_wiring"),
        # set 11: ai-toolkit's trigger_word
        ("Does ostris ai-toolkit put the trigger in the captions for me?", "tuners.aitk_trigger_word"),
        ("ai-toolkit 트리거 단어 설정하면 캡션에 자동으로 들어가요?", "tuners.aitk_trigger_word"),
        # set 12: a trigger forgotten in tagger captions
        (
            "I forgot to put my trigger word in the 150 caption txt files, can kohya add it automatically?",
            "dsconfig.caption_prefix",
        ),
        ("캡션 파일에 트리거를 빼먹었는데 한 번에 자동으로 붙이는 방법 있어요?", "dsconfig.caption_prefix"),
        # set 12: --max_token_length on a Flux run
        ("Does max_token_length 150 matter for a flux lora in kohya?", "flux.sdscripts_args"),
        ("플럭스 로라 학습에 max_token_length 225 넣어도 됨?", "flux.sdscripts_args"),
        # set 12: a captioner that describes NSFW images
        ("Which caption model handles explicit images without censoring them?", "captions.vlm_tools"),
        ("19금 그림 캡션 달아줄 캡셔너 추천 좀", "captions.vlm_tools"),
        # set 12: a tagger's output as-is or edited by hand
        ("Can I trust the wd14 tagger output or do I need to review every file?", "captions.review_autotags"),
        ("자동 태그 그대로 써도 되나요, 아니면 손으로 다 고쳐야 하나요?", "captions.review_autotags"),
        # set 12: finding near-duplicates
        ("How do I find duplicates in a folder of 900 screenshots?", "dataprep.dedup"),
        ("스크랩한 사진들 중복 골라내는 프로그램 있어요?", "dataprep.dedup"),
        # set 12: what a duplicated image does
        ("I have the same photo 4 times in my folder, is that a problem?", "dataset.duplicates"),
        ("데이터셋에 중복 사진 몇 장 있으면 문제 돼요?", "dataset.duplicates"),
        # set 12: a tagger's character tags moved to the front
        ("Can the tagger put character tags at the front of each caption?", "dsconfig.wd14_options"),
        ("태거로 캐릭터 태그를 맨 앞에 오게 하는 옵션", "dsconfig.wd14_options"),
        # set 13: an interruptible / spot cloud GPU for a run
        (
            "Should I rent a spot instance on RunPod for a 2 hour Flux LoRA or is that risky?",
            "setup.interruptible_instances",
        ),
        ("interruptible 인스턴스 싸던데 로라 학습용으로 괜찮아요?", "setup.interruptible_instances"),
        # set 13: TensorBoard inside a notebook
        ("Can I see the loss graph in tensorboard from my Kaggle notebook?", "train.tensorboard_notebook"),
        ("주피터 노트북에서 텐서보드 그래프 보려면 뭐 쳐야 돼요?", "train.tensorboard_notebook"),
        # set 13: the progress bar's it/s and s/it
        ("What does s/it mean on the training bar, and is lower better?", "train.progress_rate_units"),
        ("3.2 it/s랑 0.4 s/it 중에 어느 쪽이 더 빠른 거예요?", "train.progress_rate_units"),
        # set 13: whether the last saved epoch is the best one
        ("Is the final epoch file always the best one to use?", "sample.pick_checkpoint"),
        ("마지막 에포크가 항상 제일 좋은 건가요?", "sample.pick_checkpoint"),
    ],
)
def test_everyday_b_routes_hold_for_fresh_wordings(advisor, text, wanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids, ids


@pytest.mark.parametrize(
    "text,unwanted",
    [
        # epochs weighed against steps is arithmetic, not a grid of saved files
        ("How many epochs compared to steps should I train?", "eval.xyz_plot"),
        ("에폭 수랑 스텝 수 비교하면 뭐가 중요해요?", "eval.xyz_plot"),
        # the training images' settings are not an image's embedded prompt
        ("I have 30 images, where do I find the settings for batch size?", "webui.pnginfo_infotext"),
        ("학습 이미지 30장인데 설정 확인 좀 해주세요", "webui.pnginfo_infotext"),
        # choosing between trainers is not loading a file into diffusers
        ("kohya vs diffusers train_dreambooth_lora: which trainer is better?", "ui.diffusers_load"),
        # a UI that fails to download a model is not sharing folders between UIs
        ("Forge is not downloading the checkpoint I picked", "webext.share_lora_folder"),
        # two characters "in one image" is not a one-image dataset
        ("My OC LoRA and a second character in one image: both get my OC's hair. Fix?", "dataset.too_few"),
        ("My OC LoRA and a second character in one image: both get my OC's hair. Fix?", "dataset.tiny"),
        # upscaling a finished image for print is generating: the training run's memory fixes stand aside
        ("LoRA 그림을 A3 인쇄용 8K로 키우려는데 VRAM 안 터지게 하려면?", "oom.detected"),
        # img2img's denoising strength is not the hires pass's (nor is inpainting's)
        (
            "What denoising strength in img2img keeps the composition but changes the colours?",
            "symptom.hires_fix_breaks",
        ),
        ("inpaint로 얼굴만 바꿀 때 denoising strength 얼마가 좋아요?", "symptom.hires_fix_breaks"),
        # training a LoRA on a checkpoint is not extracting one from it
        ("체크포인트로 학습해서 로라로 만들면 몇 스텝이 좋아요?", "comfy.lora_extract"),
        # the training run's sample previews are not a downloaded LoRA's gallery
        ("kohya preview images look different from what I get in A1111", "lora.gallery_vs_own_images"),
        # merging a LoRA into a checkpoint is not merging two LoRAs into one file
        (
            "My LoRA and an outfit LoRA: how do I merge them into one checkpoint?",
            "dsconfig.merge_lora_concat",
        ),
        # a LoRA trained on one base is not a file traced back to its page
        ("Which base model was this LoRA trained on?", "models.hashes"),
        # Flux in Forge or ComfyUI is supported: not the A1111 answer
        ("My Flux LoRA looks washed out in Forge, what guidance should I use?", "webui.a1111_no_flux"),
        # an issue someone else opened is not how to write a bug report
        ("Is there a known issue with LoRA block weight in ComfyUI?", "webui.bug_report"),
    ],
)
def test_everyday_b_routes_stay_on_their_topic(advisor, text, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert unwanted not in ids, ids


@pytest.mark.parametrize(
    "text,wanted,said",
    [
        # what CFG does, said before how to cure a burn
        (
            "What does the guidance scale do? Everything looks fried at 14.",
            "infer.cfg_burn",
            r"how strongly the image follows the prompt",
        ),
        (
            "CFG 올리면 뭐가 달라짐? 12 넘으니까 색이 너무 진해요",
            "infer.cfg_burn",
            r"프롬프트를 얼마나 강하게 따를지",
        ),
        # what img2img's denoising strength does, at its two ends
        (
            "Can I keep the pose when restyling with img2img?",
            "infer.img2img_style",
            r"0 returns the original unchanged, 1 ignores it",
        ),
        (
            "디노이즈 0.3이랑 0.7 차이가 뭐예요? img2img로 그림체만 바꾸려고요",
            "infer.img2img_style",
            r"0이면 원본 그대로",
        ),
        # which of a LoRA's training tags is its trigger
        (
            "No idea what the trigger of this old LoRA is, which tag in its metadata should I use?",
            "lora.find_trigger",
            r"most frequent first",
        ),
        (
            "로라 트리거를 모르는데 파일 메타데이터에서 어떤 태그를 고르면 돼요?",
            "lora.find_trigger",
            r"가장 많이 나온 순서",
        ),
    ],
)
def test_everyday_b_answers_say_the_fact(advisor, text, wanted, said):
    answer = advisor.ask(text, use_llm=False)
    assert wanted in answer.rule_ids, answer.rule_ids
    assert re.search(said, answer.text), answer.text


@pytest.mark.parametrize(
    "text,said",
    [
        # a step of the run whose saved file is asked: the epoch it ends, or falls inside
        (
            "40 images, 5 repeats, 8 epochs, batch 2. The sample at step 300 was the best, which file is it?",
            r"Step 300 is the end of epoch 3 \(100 steps per epoch\).*-000003",
        ),
        (
            "40 images, 5 repeats, 8 epochs, batch 2. The sample at step 350 was the best, which file is it?",
            r"Step 350 falls inside epoch 4.*-000003 \(step 300\) and -000004 \(step 400\)",
        ),
        (
            "이미지 20장, 리피트 10, 에폭 6, 배치 2인데 스텝 300 샘플이 제일 좋았어요. 어느 파일이에요?",
            r"300 스텝은 3에폭이 끝난 지점.*-000003",
        ),
    ],
)
def test_everyday_b_step_to_epoch_file(advisor, text, said):
    answer = advisor.ask(text, use_llm=False)
    assert re.search(said, answer.text), answer.text


@pytest.mark.parametrize(
    "text,said",
    [
        # a rented GPU's cost: the run's hours from the progress bar's rate times the price per hour
        (
            "Rented an A100 at $1.20 per hour, 30 images, 10 repeats, 8 epochs, batch 1, about 2 it/s. What will it cost?",
            r"2400 × 0\.5 s = 1200 s.*0\.33 h × \$1\.20 = about \$0\.40",
        ),
        (
            "런팟 3090 시간당 0.3달러인데 이미지 40장, 반복 10, 에폭 10, 배치 2, 1.5 s/it이면 비용 얼마 나와요?",
            r"2000 스텝 × 1\.5초 = 3000초.*0\.83시간 × 0\.30달러 = 약 0\.25달러",
        ),
        # an image count written after a size ("512x512 25장") is still the count
        (
            "768x768 30장, 반복 10, 에폭 5, 배치 2면 스텝 몇이에요?",
            r"이미지 30장 × repeats 10 × 에포크 5 ÷ 배치 2 = 750 스텝",
        ),
    ],
)
def test_everyday_b_cost_and_count(advisor, text, said):
    answer = advisor.ask(text, use_llm=False)
    assert re.search(said, answer.text), answer.text


@pytest.mark.parametrize(
    "text,said",
    [
        # set 10: caption_dropout_rate over an epoch's image passes
        (
            "30 images x 8 repeats with caption_dropout_rate 0.1, how many go captionless each epoch?",
            r"30 × 8 = 240 passes per epoch about 24 ",
        ),
        (
            "이미지 60장 반복 5에 caption_dropout_rate 0.05면 에폭마다 몇 번 캡션이 빠져요?",
            r"60 × 5 = 300번 중 평균 약 15번",
        ),
        # set 10: validation_split's held-out images
        (
            "I've got 80 pics, validation_split 0.2 — how many are used for validation?",
            r"80 × 0\.2 = 16 for the validation",
        ),
        ("사진 30장인데 검증용으로 10% 떼면 몇 장 남아요?", r"30 × 0\.1 = 3장이 검증용으로 빠지고 27장으로"),
    ],
)
def test_everyday_b_dropout_and_validation_counts(advisor, text, said):
    answer = advisor.ask(text, use_llm=False)
    assert re.search(said, answer.text), answer.text


@pytest.mark.parametrize(
    "text,said",
    [
        # set 11: a trainer that counts steps only: the epochs they make
        (
            "OneTrainer in step mode, 40 images, batch 2, 3000 steps: how many epochs is that?",
            r"≈ 150 epochs",
        ),
        ("사진 50장에 배치 1, steps 1500이면 몇 에폭이에요?", r"≈ 30 에포크"),
        # set 11: FluxGym's 'Repeat trains per image' is the repeats
        (
            "fluxgym: 12 images, repeat trains per image 8, 10 epochs — total steps?",
            r"12 images × 8 repeats × 10",
        ),
    ],
)
def test_everyday_b_epochs_from_steps(advisor, text, said):
    answer = advisor.ask(text, use_llm=False)
    assert re.search(said, answer.text), answer.text


@pytest.mark.parametrize(
    "text,said",
    [
        # set 13: the time left from the bar's position and rate
        (
            "I'm at 450/2000 steps, 1.8 s/it. What's the time left?",
            r"2000 − 450 = 1550 steps × 1\.8 s = 2790 s, about 46 min",
        ),
        (
            "800/3000 스텝인데 1.2 s/it면 남은 시간 얼마예요?",
            r"3000 − 800 = 2200 스텝 × 1\.2초 = 2640초, 약 44분",
        ),
        # set 13: two rates in the bar's two units, and which is faster
        (
            "Is 3.2 it/s faster than 0.4 s/it or slower?",
            r"3\.2 it/s = 1 ÷ 3\.2 = 0\.31 s per step.*0\.4 s/it = 0\.4 s per step = 2\.50 it/s\. Faster: 3\.2 it/s, 1\.28×",
        ),
        ("2 it/s랑 1.1 s/it 중에 뭐가 빨라요?", r"빠른 쪽은 2 it/s입니다\(1\.1 s/it의 2\.20배 속도\)"),
    ],
)
def test_everyday_b_time_left_and_rates(advisor, text, said):
    answer = advisor.ask(text, use_llm=False)
    assert re.search(said, answer.text), answer.text


@pytest.mark.parametrize(
    "text,wanted",
    [
        (
            "The artist's early and recent works look nothing alike; should I mix them in my LoRA?",
            "style.artist_eras",
        ),
        ("작가 그림체가 예전이랑 최근이랑 완전 달라요. 시기별로 나눠야 함?", "style.artist_eras"),
        ("Can I use the painter's real name as the activation word?", "style.trigger_name"),
        ("I'd like to train a LoRA for a particular gesture, what images do I need?", "recipe.pose_concept"),
        ("특정 자세 하나 학습하려면 캡션 어떻게 달아요?", "recipe.pose_concept"),
        ("화풍 로라에 flip_aug 켜도 됨?", "dataset.flip_asymmetric"),
        ("캐릭터 옷이 4벌인데 로라 하나로 전부 가능?", "captions.multi_concept"),
        (
            "Artist draws their mascot in most pieces and my style LoRA keeps generating that character",
            "dataprep.style_tags",
        ),
        ("작가 작품이 500x500 정도인데 SDXL 학습해도 됨?", "dataset.upscale_first"),
    ],
)
def test_everyday_b_fix1416_routes_among_shown(advisor, text, wanted):
    # issue 21, blind sets 14 and 16 read (fix1416): topics asked in everyday words, in both languages
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids, ids
