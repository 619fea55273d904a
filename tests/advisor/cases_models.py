"""Question cases for advisor/rulebook_models.toml (issue 21, eighth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # hashes, metadata and names of files
    "models.hashes": "Civitai lists AutoV2 and AutoV3 for a file; which one is the hash A1111 writes into my images?",
    "models.lora_metadata_privacy": "내 로라 메타데이터에 데이터셋 폴더 이름이 다 보이는데 어떻게 지우나요?",
    "models.lora_rename": "If I rename a LoRA file, does the prompt tag still work? A1111 inserts a different name than the file.",
    "models.lora_which_base": "How can I tell which checkpoint a downloaded LoRA was trained on?",
    "models.lora_key_types": "받은 lora 파일이 LoCon인지 LoHa인지 종류를 어떻게 구분해요?",
    # compatibility between families and checkpoints
    "models.sdxl_lookalikes": "Can I use my SDXL LoRAs with Playground v2.5 or Kolors?",
    "models.anime_cross_use": "포니 로라를 일러스트리어스 모델에서 써도 되나요?",
    "models.sd15_repo_moved": "Training fails with Repository Not Found for runwayml/stable-diffusion-v1-5, where is SD1.5 now?",
    "models.sd15_to_sdxl": "1.5 로라를 SDXL 버전으로 다시 만들려면 뭘 바꿔야 하나요?",
    "models.checkpoint_family": "How do I check whether a checkpoint file is SD1.5 or SDXL without loading it?",
    "models.checkpoint_merge": "What is the difference between weighted sum and add difference in the checkpoint merger?",
}
