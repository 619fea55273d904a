"""Question cases for advisor/rulebook_everyday_b.toml (issue 21, part everyday_b), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # a downloaded LoRA's gallery vs one's own images
    "lora.gallery_vs_own_images": "The example images on the civitai page are so much sharper, my results don't look like them at all. What am I missing?",
    # the same seed at another resolution
    "infer.seed_resolution": "Why does my seed give a totally different picture when I switch from 832x1216 to 1024x1536?",
    # regenerating the same settings gives slightly different details
    "infer.repeat_determinism": "설정이랑 시드 고정했는데 다시 뽑으면 손가락 디테일이 미묘하게 달라져요. 왜 그래요?",
    # Flux in AUTOMATIC1111
    "webui.a1111_no_flux": "Is there a way to load flux1-schnell in AUTOMATIC1111?",
    # what a bug report on a UI's GitHub needs
    "webui.bug_report": "A1111 깃헙에 이슈 올릴 때 sysinfo 말고 또 뭐 넣어야 해요?",
    # where A1111 / Forge saves the generated images
    "webui.output_folders": "Forge에서 만든 그림들 저장 폴더를 D드라이브로 바꾸고 싶어요",
    # uploading a LoRA to the Hugging Face Hub from a terminal
    "models.hf_upload": "What's the command to push a safetensors file to my Hugging Face repo from a terminal?",
    # a Flux LoRA on a 12-16 GB card
    "flux.low_vram_trainers": "Can I train a flux lora with a 3060 12GB or do I need a 3090?",
    # a DoRA at a LoRA's settings converges more slowly
    "lyco.dora_converges_slower": "Switched use_dora on and kept my LoRA recipe, but after 2000 steps the DoRA is still weaker than the LoRA was. Does DoRA need more steps?",
    # FluxGym's VRAM presets, step count and output folder
    "fluxgym.presets_outputs": "What's the difference between fluxgym's 12G and 20G VRAM settings?",
    # sd-scripts' Flux-only options
    "flux.sdscripts_args": "For flux_train_network.py, which timestep_sampling and model_prediction_type should I set?",
    # a tagger's output: edit it rather than train it as-is or rewrite it
    "captions.review_autotags": "Should I proofread the autotagger captions for my 30 images or just train?",
    # an interruptible / spot cloud GPU: it can be paused, so save and resume
    "setup.interruptible_instances": "스팟 인스턴스로 로라 학습하다 끊기면 어떻게 이어서 해요?",
    # TensorBoard inside a notebook
    "train.tensorboard_notebook": "How do I open tensorboard in colab while kohya trains?",
    # the progress bar's it/s and s/it
    "train.progress_rate_units": "Why is my trainer's speed shown in s/it now when yesterday it said it/s?",
    # issue 21, blind set 16 read (fix1416): style LoRAs in depth
    "style.artist_eras": "My favourite artist changed their style completely between their old and new works, can I train both eras in one LoRA?",
    "style.trigger_name": "화풍 로라 트리거로 작가 본명 넣으면 문제 있나요?",
}
