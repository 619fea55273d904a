"""Question cases for advisor/rulebook_hardware.toml (issue 21, eleventh session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # buying a GPU, small cards, several GPUs
    "hw.buy_gpu": "3060 12기가 vs 4060 8기가 로라 학습용으로 뭐 삼?",
    "hw.small_vram_plan": "What can I train with a 6GB GTX 1660 Super?",
    "hw.two_gpus": "I have two RTX 3060 12GB cards, do I get 24GB of VRAM for training?",
    # reading the speed, pauses, speed-ups
    "hw.rate_units": "학습 속도 s/it 이거 빠른 거임? 1.5s/it 나옴",
    "hw.periodic_pauses": "Why does training pause every few hundred steps?",
    "hw.speedups_costs": "How can I speed up my SDXL LoRA training without losing quality?",
    # power, heat, other programs, the OS, system RAM
    "hw.power_limit": "4090 파워 리밋 70%로 걸고 학습해도 됨?",
    "hw.thermal_throttle": "My GPU hits 83C while training and the speed drops, is it thermal throttling?",
    "hw.background_apps": "유튜브 틀어놓고 학습하면 느려짐?",
    "hw.os_compare": "Is training faster on Linux or WSL than on native Windows?",
    "hw.system_ram": "SDXL 로라 학습하는데 램 몇 기가 필요함? 16기가면 부족?",
    # issue 21, blind set 16 read (fix1416)
    "hw.rank_cost": "Does going from rank 32 to rank 128 make training much slower or need lots more VRAM?",
}
