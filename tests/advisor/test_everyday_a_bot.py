"""Issue 21, part everyday_a (nineteenth session): routes for the questions about the loracord bot itself that
everyday set 13 (tests/advisor/question_bank_common13.toml) showed unrouted because they do not name the bot (the
Discord server, a dataset thread, jobs and the queue, DMs, the Download button) (intents in
advisor/intents_everyday_a.toml). test_everyday_a.py is near the 500-line limit, so they live here. The questions are
written fresh, not taken from any bank: each must reach the rule that answers its topic, and a question naming another
tool keeps that tool's rules."""

import pytest


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # the first steps in a Discord server: /dataset create ... /train start
        ("New here, what command do I use to train a LoRA in this discord?", "loracord.start_job", None),
        ("우리 디코에서 로라 학습하려면 무슨 명령어부터 입력해요?", "loracord.start_job", None),
        # images posted in a dataset's thread are read only with the Message Content intent
        ("I dropped my photos into the dataset thread and nothing happened", "loracord.dataset_upload", None),
        ("스레드에 사진 올렸는데 반응 없음", "loracord.dataset_upload", None),
        # one image's caption: /caption edit
        ("How can I correct a single caption without redoing all of them?", "loracord.caption_edit", None),
        ("이 사진 캡션만 바꾸고 싶은데요", "loracord.caption_edit", None),
        # a kohya user's .txt caption stays a kohya question
        ("In kohya, how do I edit one image's caption txt?", None, "loracord.caption_edit"),
        # /train start with one's own checkpoint: the allowlist, ask an admin
        ("Does /train start accept a custom checkpoint I merged myself?", "loracord.base_models", None),
        ("/학습 시작 할 때 내가 받은 체크포인트 써도 됨?", "loracord.base_models", None),
        # several users' jobs: the round-robin order
        ("Two people queue 2 jobs each; in which order do the jobs start?", "loracord.queue_order", None),
        ("작업 4개랑 2개가 들어오면 어떤 순서로 시작돼요?", "loracord.queue_order", None),
        # another server's jobs start while ours waits: the per-server running limit
        ("Why do jobs from another server start before our queued one?", "loracord.queue_limits", None),
        ("다른 서버 작업은 바로 도는데 우리 건 왜 기다림?", "loracord.queue_limits", None),
        # the daily GPU minutes: reset at 00:00 UTC
        ("I ran out of my daily GPU minutes, when can I train again?", "loracord.quota", None),
        ("할당량 언제 초기화돼요?", "loracord.quota", None),
        # cancelling a running job: a checkpoint at the next step
        ("If I cancel during the run do I keep anything?", "loracord.cancel", None),
        ("학습 도중에 취소하면 지금까지 한 거 날아감?", "loracord.cancel", None),
        # epochs in /train start: max_train_steps=0 with max_train_epochs in overrides
        ("Can /train start count in epochs instead of steps?", "loracord.overrides", None),
        ("/학습 시작 에서 스텝 말고 에폭으로 지정 가능?", "loracord.overrides", None),
        # an unknown ETA
        ("Why is there no ETA on my queued job?", "loracord.eta", None),
        ("예상 시간이 알 수 없음으로 떠요", "loracord.eta", None),
        # a link instead of the file: signed, expires
        ("The bot sent a link instead of the safetensors, why?", "loracord.download_links", None),
        ("받기 버튼 눌렀더니 링크가 옴", "loracord.download_links", None),
        # no DM with the LoRA
        ("The finished LoRA never arrived in my direct messages", "loracord.dm_delivery", None),
        ("디엠으로 로라 안 왔어요", "loracord.dm_delivery", None),
        # checkpoints at several strengths: /train sample's grid
        (
            "What's the easiest way to compare each saved checkpoint at a few strengths?",
            "loracord.checkpoints_grid",
            None,
        ),
        ("체크포인트마다 강도 바꿔서 비교해 보고 골라야 하나요?", "loracord.checkpoints_grid", None),
        # the loss graph: the result message's loss_curve.png
        ("Where can I look at the loss curve for my run?", "loracord.samples_progress", None),
        ("손실 그래프는 어떻게 봐요?", "loracord.samples_progress", None),
        # TensorBoard named: its own rules
        ("Where do I see the loss graph in tensorboard?", None, "loracord.samples_progress"),
        # who sees a dataset's images: private by default
        ("Is my dataset public to other members?", "loracord.permissions", None),
        ("데이터셋 사진 남들도 볼 수 있어요?", "loracord.permissions", None),
        # an old job's files: /train delete and the retention
        ("How do I clean up my old job outputs?", "loracord.delete_data", None),
        ("작업 결과 파일 얼마나 보관돼요? 며칠 동안 남아있나", "loracord.delete_data", None),
        # Discord unreachable: loracord queue submit
        ("Discord went offline, can I still add a job?", "loracord.cli_queue", None),
        ("터미널에서 대기열에 작업 넣는 법", "loracord.cli_queue", None),
        # the advisor on a failed run's log: loracord diagnose
        ("Can the advisor look at a log file from a crashed run?", "loracord.advisor_commands", None),
        ("실패한 로그 어드바이저로 진단 가능?", "loracord.advisor_commands", None),
        # a checkpoint every N steps, all kept: save_every_n_steps and keep_checkpoints
        (
            "Save a checkpoint every 200 steps and keep all of them to compare later?",
            "loracord.checkpoints_grid",
            None,
        ),
        ("500스텝마다 체크포인트 저장해서 전부 비교하고 싶어요", "loracord.checkpoints_grid", None),
    ],
)
def test_everyday_a_bot_topics_reach_their_rules(advisor, text, wanted, unwanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert (wanted is None or wanted in ids) and (unwanted is None or unwanted not in ids), ids
