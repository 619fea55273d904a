"""Question cases for advisor/rulebook_threads_k.toml (issue 21, fourteenth round): rule id -> a question,
written fresh (not taken from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # generating apps on Colab
    "uiuse.fooocus_colab_models": "Where do I put a checkpoint from civitai when I run Fooocus in a Colab notebook?",
    # DiffusionBee
    "genapps.diffusionbee_lora": "디퓨전비 맥 앱에서 다운받은 로라 파일은 어디에 넣고 어떻게 적용해요?",
    # the A1111 Dreambooth extension
    "ext.dreambooth_tokens": "What is the class token field for in the A1111 dreambooth extension if I already wrote a class prompt?",
}
