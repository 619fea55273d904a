"""Question cases for advisor/rulebook_everyday.toml (issue 21, everyday set 2 read), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # ai-toolkit on FLUX.1 [schnell]: the training adapter and the licence
    "tuners.aitk_flux_schnell": "Does ai-toolkit need anything special to fine-tune a LoRA on FLUX.1 schnell rather than dev?",
    # SwarmUI: a LoRA per region
    "genapps.swarm_region_loras": "스웜UI에서 캐릭터 로라 두 개를 쓰면 얼굴이 섞여요. 왼쪽 오른쪽 따로 적용할 수 있나요?",
}
