"""Question cases for the topic rule files (advisor/rulebook_craft, _use, _symptoms, _setup.toml), merged
into test_advisor_rules.QUESTION_CASES: rule id -> a question, written fresh (not taken from the question
bank), that must reach the rule."""

from __future__ import annotations

import importlib
from pathlib import Path

from advisor.engine import TOPIC_PARTS

# --- advisor/rulebook_craft.toml
CRAFT_CASES: dict[str, str] = {
    # captions
    "captions.keep_tokens_separator": "How do I keep the first two tags fixed with keep_tokens_separator?",
    "captions.dropout_schedule": "캡션 tag dropout이랑 caption_dropout_every_n_epochs 차이가 뭔가요?",
    "captions.max_token_length": "My natural language captions are long, does kohya cut them after 75 tokens?",
    # augmentation
    "aug.cache_latents_conflict": "Can I use random_crop together with cache_latents?",
    # noise
    "noise.multires": "multires_noise_discount 값은 얼마로 하나요?",
    "noise.ip_gamma_adaptive": "What does adaptive_noise_scale do with noise offset?",
    # loss
    "loss.huber": "Is smooth_l1 loss better than the default l2 for a LoRA?",
    "loss.debiased_estimation": "debiased_estimation_loss 켜면 좋아지나요?",
    "loss.vpred_scale": "Should I enable scale_v_pred_loss_like_noise_pred for a v-pred SDXL model?",
    "reg.prior_loss_weight": "정규화 이미지 가중치(prior_loss_weight)를 낮추면 어떻게 되나요?",
    # schedulers
    "scheduler.warmup_cycles": "What does lr_scheduler_num_cycles do, and is lr_warmup_steps a ratio?",
    # optimizers
    "optimizer.prodigy_args": "Which optimizer_args do people use with Prodigy, safeguard_warmup and so on?",
    "optimizer.dadaptation": "DAdaptAdam이랑 DAdaptation 차이가 뭐예요?",
    "optimizer.adafactor_modes": "What is the difference between relative_step True and False for Adafactor?",
    "optimizer.came": "CAME optimizer를 kohya에서 쓰려면 optimizer_type을 뭐라고 적어요?",
    "optimizer.schedule_free": "Do I need a warmup with AdamWScheduleFree?",
    # network
    "network.loraplus": "LoRA+ 쓰면 학습이 빨라지나요?",
    "network.conv_dim": "Do I need conv_dim for a style LoRA?",
    "network.dropout": "rank_dropout 이랑 module_dropout 값 얼마가 좋아요?",
    "network.weights_mismatch": "I continue from an old LoRA and get size mismatch, what is dim_from_weights?",
    # text encoder
    "te.train_parts": "What does network_train_text_encoder_only do?",
    # precision and memory
    "precision.full_half": "Does full_bf16 save much VRAM compared to normal mixed precision?",
    "memory.fp8_base": "fp8_base_unet 켜면 VRAM 얼마나 줄어요?",
    "memory.cache_to_disk": "Why does cache_text_encoder_outputs turn off shuffle_caption?",
    "dataloader.workers": "persistent_data_loader_workers 켜면 뭐가 좋아요?",
    # SD2
    "sd2.flags": "Training on a 512-base SD2 model, should v_parameterization be on?",
    # runs
    "train.seed": "학습 시드를 고정하면 결과가 재현되나요?",
    "save.options": "What does save_last_n_epochs do?",
    "loss.validation": "How do I use validation_split in the dataset toml?",
    "loss.masked": "alpha_mask 옵션은 어떻게 써요?",
    "train.speed": "Is 1.5 s/it normal for SDXL LoRA on a 12GB card?",
    "bucket.settings": "What bucket_reso_steps should I use for SDXL?",
    # more options
    "memory.gradient_checkpointing": "Is gradient_checkpointing worth it, does it make training worse?",
    "vae.options": "SDXL fp16 학습인데 no_half_vae 대신 fp16-fix VAE 써도 되나요?",
    "train.max_grad_norm": "Should gradient clipping (max_grad_norm) stay at 1.0?",
    "train.timestep_range": "min_timestep을 500으로 올리면 뭐가 달라져요?",
    "network.block_lr": "How do I use up_lr_weight and block_dims in network_args?",
    "captions.weighted": "Do parentheses in captions like (smile:1.3) do anything during training?",
    "train.multi_gpu": "멀티 GPU로 학습하면 스텝 수가 어떻게 바뀌나요?",
    "sdxl.script": "Do I need sdxl_train_network.py for a Pony LoRA?",
    "train.logging": "How do I turn on wandb logging in sd-scripts?",
    "dataset.config_precedence": "I get voluptuous extra keys not allowed for num_repeats in my dataset config",
    "attention.mem_eff_attn": "mem_eff_attn이랑 sdpa 중에 뭐 써요?",
}

# --- advisor/rulebook_use.toml
USE_CASES: dict[str, str] = {
    "ui.lora_folders": "I installed Forge and ComfyUI, which folder should the downloaded lora files go in?",
    "ui.prompt_syntax": "Is the name inside the lora tag the file name or the trigger? What syntax do I use?",
    "ui.comfy_strengths": "comfy 로라 로더의 모델 강도랑 클립 강도는 각각 뭘 바꾸나요?",
    "lora.find_trigger": "I got a lora from a friend with no description, how can I see its trigger words?",
    "ui.block_weights": "Can I turn off the OUT blocks of a lora so the colours don't change? LBW?",
    "ui.multiple_loras": "두 캐릭터를 한 장면에 넣으려고 캐릭터 로라 2개를 썼는데 둘이 섞여서 나와요",
    "lora.pony_score_tags": "Do I really need the score tags with Pony? my outputs look flat without them",
    "lora.shape_mismatch": "A1111 error: size mismatch, the shape in current model is torch.Size([640, 2048])",
    "lora.sdxl_refiner": "SDXL 리파이너를 켜면 로라 효과가 사라지는데 정상인가요?",
    "ui.adetailer_face": "My character lora looks great in close-ups but tiny faces in wide shots are wrong",
    "lora.vs_embedding": "What's the difference between a textual inversion and a LoRA for a face?",
    "ui.diffusers_load": "How do I apply a kohya lora with diffusers in a python script?",
    "lora.merge_loras": "Is there a way to merge several loras together with svd_merge?",
    "lora.merge_into_checkpoint": "로라를 모델에 구워서 체크포인트 하나로 저장하고 싶어요",
    "lora.extract": "Can I extract a LoRA from a fine-tuned checkpoint with kohya?",
    "lora.convert_format": "diffusers 형식 로라를 kohya 형식으로 변환해야 하나요?",
    "lora.file_formats": "Should I convert old .ckpt files to safetensors? are pickle files dangerous?",
    "lora.file_size": "왜 제 로라는 파일 크기가 200 MB나 되고 다른 건 18 MB인가요?",
    "dataset.masked_loss": "My character images are transparent PNGs, will the background be learned? alpha mask?",
    "dataset.upscale_first": "학습 전에 작은 이미지를 ESRGAN 같은 업스케일러로 키워도 되나요?",
    "dataset.prepare_steps": "What is the best way to prepare and clean my dataset before captioning? how should I crop?",
    "dataset.mixed_styles": "My dataset is fan art of one character in very different art styles, is that a problem?",
    "dataset.synthetic": "생성한 이미지로 로라를 다시 학습해도 되나요?",
    "dataset.video_frames": "How do I get training images from anime episodes? extracting frames gives too many",
    "captions.wd14_threshold": "태거 임계값을 몇으로 둬야 태그가 적당히 나오나요?",
    "captions.vlm_tools": "Which captioning model is better for a realistic LoRA, Florence or JoyCaption?",
    "captions.batch_edit": "How can I add my trigger word to all caption txt files at once?",
    "eval.xyz_plot": "에포크별 로라 파일들을 가중치별로 한 번에 비교하려면 어떻게 하나요? xyz plot?",
    "env.colab_kaggle": "Can I train an SDXL lora on Kaggle or free Colab?",
    "env.bitsandbytes_windows": "bitsandbytes keeps failing on Windows with CUDA Setup failed",
    "env.xformers_mismatch": "xformers can't load C++/CUDA extensions, it says it was built for a different torch",
    "train.time_expect": "How long does an SDXL lora usually take to train on a 3060? is 5 hours normal?",
    "publish.civitai": "I want to upload my lora to civitai, what should I put on the page?",
}

# --- advisor/rulebook_symptoms.toml
SYMPTOM_CASES: dict[str, str] = {
    # what the images look like
    "symptom.burned": "Why do my generations look deep fried with crazy contrast when the LoRA is on?",
    "symptom.washed_out": "제 LoRA로 뽑으면 색이 물빠진 것처럼 회색빛이 돌아요",
    "symptom.color_cast": "Every image has a yellow tint with my new LoRA, how do I get rid of it?",
    "symptom.blurry": "SDXL 로라를 적용하면 결과물이 흐릿하고 디테일이 없어요",
    "symptom.grainy": "The skin looks grainy and speckled with my realistic LoRA",
    "symptom.face_distorted": "캐릭터 로라 쓰면 얼굴이 뭉개지고 눈이 짝짝이로 나와요",
    "symptom.style_sameface": "My style LoRA gives every girl the same face, why?",
    "symptom.hands_anatomy": "With my LoRA the fingers and anatomy get much worse than the base model",
    "symptom.style_leak": "캐릭터만 학습했는데 로라를 쓰면 그림체까지 원작 작화로 바뀌어요",
    "symptom.outfit_baked": "Her school uniform comes along in every picture, I can't swap the outfit",
    "symptom.background_baked": "학습 사진 배경이 항상 같이 나와요. 배경을 바꾸려면요?",
    "symptom.rigid_pose": "The pose is always the same front view no matter what I prompt",
}
SYMPTOM_CASES.update(
    {
        "symptom.too_dark": "After training with noise offset all my outputs are way too dark",
        "symptom.trigger_weak": "트리거를 두세 번 반복해서 써야 겨우 캐릭터가 나와요",
        "symptom.no_trigger_needed": "Why does my LoRA change the picture even when I don't type the trigger?",
        "symptom.loras_conflict": "스타일 로라랑 캐릭터 로라를 같이 쓰면 서로 충돌해요",
        "symptom.same_image": "No matter what prompt I use I get the same picture every time with this LoRA",
        "symptom.watermarks": "My LoRA adds a signature and random text in the corner of every image",
        "symptom.grey_noise": "I only get grey images with brown blobs when I load my LoRA",
        "symptom.duplicate_subjects": "At 1024x1536 I get two heads stacked on top of each other",
        "symptom.samples_bad": "학습 중 샘플 이미지가 처음부터 노이즈 범벅이에요",
        "symptom.small_details": "The tattoo on her arm comes out different every time",
        "symptom.trait_wrong": "캐릭터 눈색이 자꾸 다르게 나와요. 원래 빨간 눈인데요",
    }
)
SYMPTOM_CASES.update(
    {
        "symptom.loss_rising": "avr_loss keeps climbing after epoch 6, is my training broken?",
        "symptom.loss_no_change": "Loss goes down but the samples don't change at all between epochs",
        "symptom.plateau": "로라가 5에폭 이후로 더 나아지지 않아요. 더 돌려도 그대로예요",
        "symptom.first_epoch_slow": "Why is caching latents taking forever before training starts?",
        "symptom.gpu_busy_slow": "My GPU usage is 100% but I only get 1.2 it/s on SD1.5",
        "symptom.gpu_idle": "학습 중인데 작업 관리자에서 GPU 사용률이 거의 0%예요",
        "symptom.zero_images": "kohya says 0 train images and the epoch ends instantly",
        "symptom.slows_down": "Training gets much slower after the first two epochs, why?",
    }
)
SYMPTOM_CASES.update(
    {
        "symptom.content_bias": "My character LoRA makes everything nsfw even when I don't ask for it",
        "symptom.realism_shift": "실사 인물 로라인데 피부가 플라스틱처럼 매끈하게 나와요",
        "symptom.extra_people": "It should be solo but a second girl keeps appearing in the background",
        "symptom.cropped_subject": "Heads are always cut off at the top of my generations",
    }
)
SYMPTOM_CASES.update(
    {
        "symptom.distilled_models": "My LoRA gets fried on a DMD2 model at 8 steps, fine on the normal checkpoint",
        "symptom.hires_fix_breaks": "하이레스 픽스를 켜면 로라 얼굴이 다른 사람처럼 바뀌어요",
        "symptom.prompt_ignored_te": "With my SD1.5 LoRA the colour tags stop working, everything comes out red",
    }
)
SYMPTOM_CASES.update(
    {
        "symptom.inconsistent_likeness": "시드마다 닮았다 안 닮았다 해요. 복불복이에요",
    }
)

# --- advisor/rulebook_setup.toml
SETUP_CASES: dict[str, str] = {
    "setup.kohya_gui_dataset_prep": "What does the Dataset Preparation section in the kohya GUI do? It made img, log and model folders",
    "setup.kohya_gui_configs": "kohya_ss 설정을 json으로 저장해 두고 다음에 불러오려면 어떻게 하나요?",
    "setup.kohya_lora_vs_dreambooth_tab": "I trained in kohya and got a 6.5 GB file instead of a lora, did I use the dreambooth tab?",
    "setup.module_not_found": "train_network.py fails with ModuleNotFoundError: No module named 'library'",
    "setup.accelerate_setup": "accelerate 명령이 인식되지 않는다고 나와요. accelerate config는 뭘 선택해야 하나요?",
    "setup.onetrainer_concepts": "How do I add my image folder as a concept in OneTrainer and set repeats?",
    "setup.onetrainer_lora_tab": "원트레이너에서 백업이랑 save every는 뭐가 달라요? 랭크랑 알파는 어디서 정하나요?",
    "setup.ai_toolkit_config": "How do I edit the ai-toolkit yaml for my own dataset folder and trigger word?",
    "setup.simpletuner": "SimpleTuner의 multidatabackend.json은 어떻게 써야 하나요?",
    "setup.diffusers_scripts": "I used train_dreambooth_lora_sdxl.py and got pytorch_lora_weights.safetensors, how do I use it in A1111?",
    "setup.hosted_trainers": "civitai 학습기에서 num repeats랑 epochs, train batch size는 각각 뭔가요?",
    "setup.colab_drive_folders": "Using the colab trainer notebook, which google drive folder should my dataset go in?",
    "setup.base_distilled": "Can I train my LoRA on an SDXL Lightning checkpoint, or should the base be something else?",
    "setup.base_inpainting": "인페인팅 모델로 로라를 학습해도 되나요? 인페인트할 때 쓰려고요",
    "setup.anime_bases": "For an anime character, should I train on Illustrious or NoobAI? which version works on most merges?",
    "setup.noobai_vpred": "누비 v-pred 모델로 로라 학습하려면 어떤 옵션을 켜야 하나요?",
    "setup.model_file_formats": "Should pretrained_model_name_or_path point at the .safetensors file or at a diffusers folder?",
    "setup.checkpoint_download": "civitai 체크포인트가 pruned랑 full 두 개 있는데 학습용으로 어떤 걸 받아야 해요?",
    "setup.driver_cuda": "nvidia-smi says CUDA 12.2 but I installed torch cu124, is my driver too old?",
    "setup.device_side_assert": "학습 중에 RuntimeError: CUDA error: device-side assert triggered가 떠요",
    "setup.windows_paths": "Training fails when my dataset folder name has Korean characters in the path, why?",
    "setup.wsl2": "WSL2 우분투에서 kohya 돌리면 GPU 잡히나요? 데이터는 어디 두는 게 좋아요?",
    "setup.python_version": "Which python version does kohya_ss need? I have 3.13 installed",
    "setup.disk_space": "How much disk space do I need for kohya, and can I move the huggingface cache off my C drive?",
    "setup.ram_vs_vram": "Is my crash system RAM or VRAM? It says DefaultCPUAllocator: not enough memory",
    "setup.windows_pagefile": "학습 시작하자마자 페이징 파일이 너무 작다는 오류(os error 1455)가 나요",
    "setup.cloud_gpu": "I want to train on runpod, what template and where should I keep my files?",
    "setup.gpu_select": "그래픽카드가 두 개인데 두 번째 GPU로만 학습하려면 어떻게 해요?",
    "setup.xformers_no_operator": "NotImplementedError: No operator found for memory_efficient_attention_forward when I start training",
    "setup.same_device": "로라 학습 중 Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu 에러",
    "setup.safetensors_header": "Loading the checkpoint gives SafetensorError: Error while deserializing header: HeaderTooLarge",
    "setup.state_dict_keys": "training stops with Error(s) in loading state_dict: Missing key(s) in state_dict, what's wrong with my base?",
    "setup.file_not_found": "TOML 설정에 윈도우 경로를 넣었더니 FileNotFoundError가 나요. 백슬래시 문제인가요?",
    "setup.offline_tokenizer": "OSError: Can't load tokenizer for 'openai/clip-vit-large-patch14' on a server without internet",
    "setup.kohya_install_update": "After git pull my kohya install broke, how do I update it properly?",
    "setup.sd_scripts_cli": "GUI 없이 sd-scripts를 명령줄로 직접 돌리려면 어떻게 해요?",
}

TOPIC_CASES: dict[str, str] = {**CRAFT_CASES, **USE_CASES, **SYMPTOM_CASES, **SETUP_CASES}

# The later parts (rulebook_models.toml onwards) keep their cases in tests/advisor/cases_<part>.py.
for _part in TOPIC_PARTS:
    if Path(__file__).with_name(f"cases_{_part}.py").exists():
        TOPIC_CASES.update(importlib.import_module(f"cases_{_part}").CASES)
