"""Issue 21, English users' wordings, part english_a (training): questions written as users write them on
Reddit, Discord and GitHub (terse, lowercase, slang, typos, pasted settings), each with a rule that must be
in the answer and, where the probe found one, a rule that must not come first. The probe's 70 questions and
its log are /work/english_a_questions.txt and /work/english_a_log.md in the session that wrote it; the cases
marked "fixed" failed before this part, the others are kept so the wordings stay answered.
"""

import pytest

from advisor.question_facts import read_question


@pytest.mark.parametrize(
    "text,wanted,not_first",
    [
        # ---- datasets
        ("how many pics do i need for a charcter lora", "dataset.too_few", None),
        ("only got 9 imgs of my oc is that enough to train", "dataset.too_few", None),
        ("is 15 pics enough for a face lora", "dataset.too_few", None),
        ("do i need to crop my dataset to 512x512 or is bucketing fine", "bucket.settings", None),
        ("should i remove backgrounds from training imgs", "dataprep.background_removal", None),
        ("can i train on ai generated images", "dataset.synthetic", None),
        # fixed: "should I upscale first" leads with how to upscale, not with "do not upscale"
        (
            "my dataset is all low res like 300px should i upscale first",
            "dataset.upscale_first",
            "dataset.small_images",
        ),
        ("should i ai upscale my 512px pics before training an sdxl lora", "dataset.upscale_first", None),
        (
            "all my pics have the same outfit and the lora always puts that outfit on",
            "symptom.outfit_baked",
            None,
        ),
        ("watermarks in training imgs ok?", "symptom.watermarks", None),
        ("style lora how many images", "recipe.style", None),
        # ---- captions and the trigger
        # fixed: "do I even need captions" had no intent (a trigger rule came first)
        ("do i even need captions for a lora", "captions.trained_without", "symptom.no_trigger_needed"),
        ("can i train a lora without any captions", "captions.trained_without", None),
        ("wd14 tagger or blip for captions", "dataprep.caption_style_by_base", None),
        (
            "what should my trigger word be? does it need to be a weird word like ohwx",
            "dataprep.trigger_choice",
            None,
        ),
        (
            "do i tag hair color and eye color in captions for a char lora",
            "dataprep.prune_character_tags",
            None,
        ),
        ("wtf does keep_tokens 1 do", "captions.shuffle_dropout", None),
        ("shuffle captions on or off", "captions.shuffle_dropout", None),
        # fixed: '.caption files' that kohya ignores is the extension, not BLIP's captioning script
        (
            "my captions are .caption files and kohya ignores them",
            "captions.extension_mismatch",
            "dsconfig.blip_captions",
        ),
        (
            "캡션 파일이 .caption 인데 코햐가 무시해요",
            "captions.extension_mismatch",
            "dsconfig.blip_captions",
        ),
        # fixed: "trigger word does nothing" is the trigger, not a LoRA with no effect
        (
            "trigger word does nothing after training, lora only works without it",
            "symptom.trigger_weak",
            "lora.no_effect",
        ),
        (
            "my trigger word is useless, the character shows up without it anyway",
            "symptom.trigger_weak",
            None,
        ),
        ("what to write in captions for a style lora", "recipe.style", None),
        ('got "No caption file found for N images" warning', "captions.extension_mismatch", None),
        # ---- steps, epochs, repeats
        ("20 imgs 10 repeats 10 epochs bs 2 how many steps is that", "train.steps_math", None),
        ("whats the diff between repeats and epochs", "train.repeats_or_epochs", None),
        ("how many steps for a lora", "train.steps_math", None),
        # fixed: "is 10 epochs too much" had no intent (sample frequency came first)
        (
            "is 10 epochs too much or should i do more, 30 imgs 5 repeats",
            "train.steps_math",
            "sample.frequency",
        ),
        ("is 2000 steps too much for 20 images", "train.steps_math", None),
        ("kohya folder name 10_ohwx woman what does the 10 mean", "dataset.kohya_folders", None),
        # ---- learning rate, optimizer, rank, alpha, scheduler
        ("what lr for sdxl lora", "train.lr_range", None),
        ("is lr 1e-3 too high for adamw? lora seems fried fast", "train.lr_by_context", None),
        ("adamw8bit vs prodigy which one", "optimizer.prodigy_lr", None),
        ("prodigy what lr do i set", "optimizer.prodigy_lr", None),
        ("dim 128 alpha 1 good?", "alpha.conventions", None),
        ("network_dim 32 network_alpha 16 is that fine for a character", "results.dim_capacity", None),
        ("cosine or constant scheduler", "train.lr_scheduler", None),
        ("unet lr vs te lr what should te be", "results.te_balance", None),
        ("should i train the text encoder on sdxl", "te.train_parts", None),
        ("adafactor settings for sdxl lora", "optimizer.adafactor_modes", None),
        ("min_snr_gamma 5 worth it?", "train.min_snr_gamma", None),
        ("noise offset what value", "train.noise_offset", None),
        # ---- resolution and bases
        ("what res to train pony lora", "families.pony_training", None),
        ("training 1.5 lora at 768 ok?", "train.resolution_family", None),
        ("should i train on base sdxl or a finetune like juggernaut", "train.base_model", None),
        ("illustrious lora works on noob?", "models.anime_cross_use", None),
        ("can i use my 1.5 lora on sdxl", "lora.family_mismatch", None),
        ("flux lora training basics what settings", "flux.training", None),
        # fixed: score tags asked about the training captions lead with the Pony training rule
        ("pony lora need score tags in captions?", "families.pony_training", "lora.pony_score_tags"),
        (
            "포니 로라 학습할 때 캡션에 스코어 태그 넣어야 돼?",
            "families.pony_training",
            "lora.pony_score_tags",
        ),
        ("vpred model like noob vpred how to train lora", "setup.noobai_vpred", None),
        # ---- memory, OOM, precision
        ("keep getting oom on my 8gb card training an xl lora, any way to make it fit", "oom.detected", None),
        ("can i train sdxl lora on 12gb vram", "vram.sdxl_tiers", None),
        ("3060 12gb what batch size for 1.5", "train.batch_vram", None),
        ("mixed precision fp16 or bf16 on a 3090?", "precision.choose", None),
        ("training super slow like 10s/it on my 4070 12gb sdxl, is that normal", "train.speed", None),
        ("loss=nan after a few steps wtf", "nan.learning_rate", None),
        # fixed: black samples during training are the fp16 VAE / NaN, not the sample-prompt file
        ("the sample images during training are just black", "nan.fp16_vae", "sample.prompts"),
        ("kohya samples come out pure black after a few hundred steps", "nan.fp16_vae", None),
        ("save_precision fp16 or float", "save.options", None),
        ("does gradient checkpointing make it worse", "memory.gradient_checkpointing", None),
        ("1080 ti bf16 not supported error", "precision.no_bf16", None),
        # ---- trainers and hosts
        ("kohya says no data found check train_data_dir", "symptom.zero_images", None),
        ("kohya gui how to resume training", "gui.kohya_save_resume", None),
        ("onetrainer vs kohya for sdxl which is better", "tuners.choose_trainer", None),
        ("ai-toolkit flux lora on 24gb settings", "setup.ai_toolkit_config", None),
        ("colab lora training keeps disconnecting", "notebooks.colab_runtime_disconnect", None),
        ("runpod which gpu for sdxl lora training", "setup.cloud_gpu", None),
        ("how do i see sample images during training in kohya", "gui.kohya_sample_images", None),
        ("train_network.py vs sdxl_train_network.py which", "sdxl.script", None),
        # fixed (beyond the 70): "reg imgs" / "reg pics", and an it/s figure asked "is that ok"
        ("reg imgs how many do i need", "reg.how_many", "dataprep.reg_images_make"),
        ("how many reg pics vs training pics", "reg.how_many", None),
        ("getting 1.5 it/s on a 3090 sdxl is that ok", "train.speed", "vram.sdxl_tiers"),
        ("3090 sdxl 1.5it/s 정상임?", "train.speed", None),
        # ---- pasted errors
        (
            "CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 8.00 GiB total capacity) kohya sdxl",
            "oom.detected",
            None,
        ),
        (
            "ModuleNotFoundError: No module named 'bitsandbytes' when using adamw8bit",
            "optimizer.8bit_unavailable",
            None,
        ),
        ("AssertionError: Torch not compiled with CUDA enabled", "env.torch_no_cuda", None),
        (
            "RuntimeError: CUDA error: no kernel image is available for execution on the device 5090",
            "env.new_gpu_torch",
            None,
        ),
        (
            "safetensors_rust.SafetensorError: Error while deserializing header: HeaderTooLarge when loading base model",
            "setup.safetensors_header",
            None,
        ),
        # ---- results of a run
        (
            "lr 0.0005 bs 4 network_dim 64 alpha 32, 25 imgs 20 repeats 10 epochs, samples look fried from epoch 6 on",
            "symptom.burned",
            None,
        ),
        # fixed: "undercooked" is undertraining first, not the likeness recipe
        (
            "my lora is undercooked looks nothing like her after 1500 steps",
            "underfit.too_few_views",
            "recipe.likeness",
        ),
        ("feels underbaked, barely looks like the character", "underfit.too_few_views", "recipe.likeness"),
        ("로라가 덜 구워진 느낌 1500스텝인데 하나도 안 닮음", "underfit.too_few_views", "recipe.likeness"),
        ("loss goes up and down a lot is that bad", "loss.noisy_flat", None),
    ],
)
def test_english_a_questions_reach_the_rule_that_answers_them(advisor, text, wanted, not_first):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert wanted in ids, ids
    assert not_first is None or ids[0] != not_first, ids


@pytest.mark.parametrize(
    "text,config",
    [
        # "bs 2" / "bs=4" / "bs4": the batch as users abbreviate it in pasted settings
        (
            "20 imgs 10 repeats 10 epochs bs 2 how many steps",
            {"repeats": 10, "max_train_epochs": 10, "train_batch_size": 2},
        ),
        ("bs=4, lr 1e-4, 30 images", {"train_batch_size": 4, "learning_rate": 1e-4}),
        ("bs4 dim 32", {"train_batch_size": 4, "network_dim": 32}),
        # a number before "dim" or "rank" that belongs to another setting is not the rank
        ("batch 2 rank 16, 40 images", {"train_batch_size": 2, "network_dim": 16}),
        ("alpha 16 dim 32", {"network_dim": 32, "network_alpha": 16.0}),
        ("32 dim 16 alpha", {"network_dim": 32}),
        # "from epoch 6 on" names which epoch, not how many
        (
            "bs 4, 25 imgs 20 repeats 10 epochs, samples look fried from epoch 6 on",
            {"train_batch_size": 4, "repeats": 20, "max_train_epochs": 10},
        ),
        ("it was good at epoch 4, 30 images 10 repeats epochs 10", {"repeats": 10, "max_train_epochs": 10}),
    ],
)
def test_english_a_pasted_settings_are_read(text, config):
    stated = read_question(text).config
    assert {key: stated.get(key) for key in config} == config, stated


def test_english_a_batch_abbreviation_computes_the_steps(advisor):
    text = advisor.ask("20 imgs 10 repeats 10 epochs bs 2 how many steps is that", use_llm=False).text
    assert "÷ batch 2 = 1000 steps" in text, text
