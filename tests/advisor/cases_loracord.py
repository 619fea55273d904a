"""Question cases for advisor/rulebook_loracord.toml (issue 21, eleventh session), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # the bot and starting a job
    "loracord.overview": "What can this bot do? Is there a list of its commands?",
    "loracord.start_job": "봇으로 캐릭터 로라 하나 만들고 싶은데 어떻게 시작해요?",
    "loracord.dataset_upload": "Is there a faster way than attaching pics one at a time to the bot? I have 60 of them",
    "loracord.upload_refused": "bot rejected 3 of my files saying unsupported format, they were .avif",
    "loracord.dataset_limits": "봇 데이터셋에 최대 몇 장까지 올릴 수 있어요? 파일 용량 제한도 있나요",
    "loracord.small_images": "Does the bot crop my pictures to squares? Some of mine are only 300px",
    "loracord.captions_auto": "봇 캡션 기능 wd14 쓰려니까 쓸 수 없다고 나와요",
    "loracord.caption_edit": "/caption edit 으로 캡션 고친 거 저장돼요? 다른 캡션은 안 바뀌나요",
    "loracord.trigger_word": "Can I change the trigger word later in the bot after captioning?",
    "loracord.base_models": "Can the bot train on Illustrious or only SD1.5 and SDXL base?",
    "loracord.presets": "sd15-style 프리셋은 rank 몇이에요?",
    "loracord.overrides": "In /train start what do I type in overrides to get rank 16 and batch 1?",
    "loracord.advisor_commands": "What's the difference between /advisor suggest and /advisor ask?",
    # the queue
    "loracord.queue_order": "If someone queues 5 jobs before me, does the bot make me wait for all 5?",
    "loracord.queue_waiting": "작업이 두 시간째 대기 중이에요. 앞에 아무도 없는데",
    "loracord.queue_limits": "It says I already have 3 jobs waiting, can't I queue a fourth?",
    "loracord.quota": "how many gpu minutes per day do we get and when does the quota reset",
    "loracord.queue_paused": "The queue is paused, will my queued job still run later?",
    # cancels, failures, resumes
    "loracord.cancel": "I queued the wrong dataset, how do I cancel that job before it starts?",
    "loracord.permissions": "/데이터셋 만들기 할 때 비공개로 하면 다른 사람은 아예 못 봐요?",
    "loracord.failure_retry": "my job failed with out of memory, what does retry with the fix change?",
    "loracord.crash_resume": "봇이 재시작됐는데 돌던 학습은 어떻게 돼요?",
    "loracord.eta": "Why does the bot's ETA say unknown for my job?",
    # results
    "loracord.results_delivery": "Job finished, where's my safetensors? I don't see a file in the channel",
    "loracord.download_links": "다운로드 링크 눌렀더니 403 떠요",
    "loracord.dm_delivery": "I got a DM from the bot with the grids but no LoRA file, why?",
    "loracord.samples_progress": "Can the bot show the sample images more often than every 250 steps?",
    "loracord.checkpoints_grid": "How do I compare the saved checkpoints of a finished job with the bot?",
    # privacy, rate limit, language
    "loracord.delete_data": "How do I make the bot delete my dataset and everything trained on it?",
    "loracord.rate_limit": "봇이 1분에 명령어 몇 번까지 돼요? 자꾸 천천히 하래요",
    "loracord.language": "My Discord is in English but I want the bot to answer in Korean",
    # the command line
    "loracord.cli_queue": "How do I list the queued jobs with loracord queue from a terminal?",
    "loracord.cli_train": "loracord train으로 돌리다 꺼졌는데 --resume 어떻게 써요?",
    "loracord.cli_prep_caption": "What does --mode bucket do in loracord prep?",
}
