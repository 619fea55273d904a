"""Question cases for advisor/rulebook_everyday_a.toml (issue 21, part everyday_a), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # a kohya run interrupted before its end: --resume from a state, or the last epoch file as network_weights
    "train.crash_resume": "sd-scripts crashed with a blue screen halfway through epoch 6. Is everything lost or can I pick it up again?",
    # regularization images double kohya's steps per epoch: expected (1:1 pairing with the training images)
    "reg.steps_doubled": "With regularization images my kohya run shows twice as many steps as without. Did I break something?",
    # ROCm PyTorch without kernels for the Radeon's chip: HSA_OVERRIDE_GFX_VERSION
    "env.rocm_gfx_override": "HIP error: invalid device function on my RX 6700 with ROCm, what environment variable fixes it?",
    # one character sheet (views and expressions on one canvas) as the only material: crop it apart, bootstrap
    "dataset.character_sheet": "I drew a turnaround ref sheet of my original character, is that enough to make a LoRA?",
    # how many images a LoRA needs; more is not better by itself (quality and variety first)
    "dataset.how_many": "Do more training photos always give a better LoRA, or does it stop helping at some point?",
    # SDXL's ~1 MP sizes in portrait and landscape shapes (832x1216, 896x1152, 768x1344 and swapped)
    "bucket.sdxl_sizes": "Which tall resolution works best for full-body SDXL images?",
    # a Danbooru tag with parentheses in a prompt: escape the brackets (plain ones are weighting)
    "prompt.escape_parentheses": "How do I write a tag like saber (fate) in ComfyUI without the brackets turning into weighting?",
    # before an artist-style LoRA: check whether the base already draws the artist from the tag
    "style.check_artist_known": "Should I test whether Illustrious already knows an artist before making a style LoRA of them?",
    # a feature in some or all images (glasses, makeup, a hat) that should stay optional: caption it, mix
    "captions.optional_features": "She wears a hat in most of my dataset pictures, how do I make the hat optional?",
    # letters in a logo or sign LoRA come out garbled: the base cannot spell; add the text afterwards
    "lora.text_rendering": "The shop sign text in my LoRA outputs is garbled nonsense. How do I get readable lettering?",
    # set 12: WSL 2's ext4.vhdx does not shrink after deleting files: fstrim, then set-sparse or diskpart compact
    "setup.wsl_vhdx_compact": "How do I shrink the ext4.vhdx of my WSL Ubuntu after removing old models?",
    # ZLUDA compiles the GPU code on the first run (minutes), cached afterwards
    "amd.zluda_first_compile": "Why does ZLUDA take ages before the first training step starts on my Radeon?",
    # a training run started over SSH dies with the connection: tmux, screen, nohup
    "remote.keep_running": "How do I keep sd-scripts training on my cloud server after I log out of ssh?",
    # TensorBoard on a remote server from one's own PC: ssh -L tunnel or --bind_all
    "train.tensorboard_remote": "How do I view TensorBoard from a remote server on my laptop?",
    # Docker without the GPU: NVIDIA Container Toolkit, nvidia-ctk, --gpus all
    "setup.docker_gpu": "My kohya docker container does not see the GPU, what am I missing?",
    # No module named 'tkinter' on Linux: the python3-tk system package
    "setup.linux_tkinter": "How do I fix No module named 'tkinter' in kohya_ss on Linux Mint?",
    # a UI's venv shared with a trainer to save space: keep separate venvs, share the models instead
    "setup.separate_venvs": "Is it OK to pip install kohya requirements into my Forge venv to save space?",
}
