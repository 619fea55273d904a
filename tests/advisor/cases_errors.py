"""Question cases for advisor/rulebook_errors.toml (issue 21, eighth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # Python packages
    "errors.hf_hub_import": (
        "After updating my extensions I get ImportError: cannot import name 'cached_download' from "
        "'huggingface_hub'. What broke?"
    ),
    "errors.numpy2": "kohya 실행하니까 A module that was compiled using NumPy 1.x cannot be run in NumPy 2.1 라고 떠요",
    "errors.pkg_resources": "setup.bat stops with ModuleNotFoundError: No module named 'pkg_resources', how do I get past it?",
    "errors.dll_load_failed": "import torch 하면 WinError 126 fbgemm.dll or one of its dependencies 에러가 나요. 파일은 있는데요?",
    "errors.powershell_policy": (
        "When I try to activate the venv PowerShell says Activate.ps1 cannot be loaded because running scripts "
        "is disabled on this system"
    ),
    "errors.git_python_missing": "설치하는데 'git'은(는) 내부 또는 외부 명령, 실행할 수 있는 프로그램이 아닙니다 라고 나와요",
    # CUDA runtime errors
    "errors.cublas_bf16": (
        "Training on my Tesla P40 dies with CUBLAS_STATUS_NOT_SUPPORTED when calling cublasGemmStridedBatchedEx "
        "with CUDA_R_16BF. Any idea?"
    ),
    "errors.dtype_mismatch": "학습 시작하자마자 RuntimeError: expected scalar type Half but found Float 가 떠요",
    "errors.illegal_memory_access": (
        "My SDXL LoRA run crashes around step 800 every time with CUDA error: an illegal memory access was "
        "encountered. Same config worked last week."
    ),
    "errors.pc_reboots": "학습 돌린 지 20분쯤 되면 컴퓨터가 그냥 꺼져요. 에러 로그도 없어요",
    "errors.libuv_nccl_windows": "윈도우에서 GPU 두 개 꽂혀 있는데 학습 시작하면 use_libuv was requested but PyTorch was built without libuv support 에러가 납니다",
    "errors.meta_tensor": (
        "Flux LoRA in kohya fails right away: NotImplementedError: Cannot copy out of meta tensor; no data! "
        "What am I doing wrong?"
    ),
    "errors.exit_status": "The GUI only says subprocess.CalledProcessError ... returned non-zero exit status 1. Where is the actual problem?",
    # data files
    "errors.image_file_errors": "데이터셋 캐싱하다가 PIL DecompressionBombError: Image size exceeds limit 에러로 멈췄어요",
    "errors.caption_encoding": "Caching stops with UnicodeDecodeError: 'utf-8' codec can't decode byte 0xb0 on one of my caption files",
    "errors.exif_rotation": "Some of my phone photos come out sideways in the samples even though they look upright in the viewer. Why?",
    # network and the Hub
    "errors.hf_gated_token": (
        "ai-toolkit says 401 Client Error, Cannot access gated repo, Access to model black-forest-labs/FLUX.1-dev "
        "is restricted. I have an account though."
    ),
    "errors.ssl_proxy": "회사 네트워크에서 학습 돌리면 SSLError CERTIFICATE_VERIFY_FAILED 가 나면서 토크나이저를 못 받아요",
    # generation UIs
    "errors.a1111_torch_gpu": (
        "Forge won't launch: RuntimeError: Torch is not able to use GPU; add --skip-torch-cuda-test to "
        "COMMANDLINE_ARGS. Should I just add that flag?"
    ),
    # logging
    "errors.tensorboard_logs": "Start tensorboard 눌렀더니 logging folder does not exist or does not contain logs 라고 나와요",
    "errors.wandb_key": "Training stops with wandb: ERROR api_key not configured (no-tty). Where do I put the key?",
    # hardware
    "errors.intel_arc": "인텔 아크 A770 16GB로 kohya에서 LoRA 학습할 수 있나요?",
    "errors.laptop_gpu": "My gaming laptop with an RTX 4070 gets slower after ten minutes of training and the fans go crazy. Is it throttling?",
    # more install messages
    "errors.pip_resolver_conflict": (
        "설치 중에 ERROR: pip's dependency resolver does not currently take into account all the packages "
        "that are installed 라고 빨간 글씨가 떴는데 무시해도 되나요?"
    ),
    "errors.protobuf": "After installing a tagger, kohya won't start: TypeError: Descriptors cannot be created directly",
    "errors.port_in_use": "I want to run A1111 and the kohya GUI at the same time but I get Cannot find empty port in range: 7860-7860",
    "errors.unrecognized_arguments": "After updating the GUI I get train_network.py: error: unrecognized arguments: --fp8_base",
    "errors.triton_compile": "ComfyUI 워크플로 돌리면 Cannot find a working triton installation 에러가 나요. 윈도우입니다",
    "errors.comfy_import_failed": "Half my custom nodes show (IMPORT FAILED) in the ComfyUI console after I installed them with pip",
    "errors.egpu": "Is an RTX 3090 in a Thunderbolt eGPU enclosure OK for training SDXL LoRAs on my laptop?",
}
