"""Issue 21, part loracord (eleventh session): questions about the loracord bot and command line themselves reach
the rules that say what loracord does (advisor/rulebook_loracord.toml, routed by advisor/intents_loracord.toml),
first, ahead of any other tool's rule their words also match; and a question about another trainer's or UI's queue,
job, batch or upload never gets a loracord rule. The questions are written fresh, not taken from any bank."""

import pytest


@pytest.mark.parametrize(
    "text,wanted",
    [
        # starting a job, uploads, what the bot does to images
        ("How do I train a lora with the bot? never used it", "loracord.start_job"),
        ("/학습 시작 누르면 바로 돌아가요? 뭘 골라야 돼요", "loracord.start_job"),
        ("Can I send the bot one zip with all my photos and their txt files?", "loracord.dataset_upload"),
        ("봇에 사진 올렸는데 heic라서 거부됐대요", "loracord.upload_refused"),
        ("what's the upload limit per file for the bot", "loracord.dataset_limits"),
        ("봇이 사진을 정사각형으로 잘라요? 전신이 잘릴까 봐요", "loracord.small_images"),
        # captions and triggers through the bot
        ("Should I pick blip or wd14 in the bot for an anime character?", "loracord.captions_auto"),
        ("봇에 내 txt 캡션 올리려면 파일 이름 어떻게 해야 돼요?", "loracord.caption_edit"),
        ("where do I put my trigger word in the bot", "loracord.trigger_word"),
        # bases, presets, overrides
        ("which base models does the bot have? can I use pony", "loracord.base_models"),
        ("sdxl-character preset trains the text encoder or not?", "loracord.presets"),
        ("/학습 시작에서 스텝이랑 학습률 같이 바꾸려면 변경 옵션에 뭐라고 써요?", "loracord.overrides"),
        # the queue
        ("Is the bot's queue first come first served?", "loracord.queue_order"),
        ("my job is still queued after 40 minutes, nobody else is training", "loracord.queue_waiting"),
        ("how many jobs can one person queue in this bot", "loracord.queue_limits"),
        ("GPU 할당량 초기화 시간이 한국 시간으로 몇 시예요?", "loracord.quota"),
        ("대기열이 일시정지 상태래요 언제 풀려요?", "loracord.queue_paused"),
        # cancels, permissions, failures, resumes
        ("As a server admin can I cancel a member's stuck job?", "loracord.cancel"),
        ("Can other people in the server see my dataset in the bot?", "loracord.permissions"),
        ("잡이 실패했는데 재시도 버튼 누르면 설정 바뀌어요?", "loracord.failure_retry"),
        ("If the bot's server restarts mid-training, do I lose progress on my job?", "loracord.crash_resume"),
        ("봇 ETA가 자꾸 틀려요 어떻게 계산해요?", "loracord.eta"),
        # results
        ("the bot's download link expired, how long are links valid?", "loracord.download_links"),
        ("로라가 디엠으로 안 왔어요", "loracord.dm_delivery"),
        ("my sdxl lora is too big for discord, how do I get it from the bot?", "loracord.results_delivery"),
        ("봇 진행 메시지에 샘플은 언제 올라와요?", "loracord.samples_progress"),
        ("/train sample on a finished job: what do the rows and columns mean?", "loracord.checkpoints_grid"),
        # privacy, rate limit, language
        ("How long does the bot keep my LoRA and samples?", "loracord.delete_data"),
        ("the bot keeps telling me to slow down", "loracord.rate_limit"),
        ("봇 답변을 한국어로 받으려면 어떻게 해요?", "loracord.language"),
        # the command line
        ("How do I submit a job to the queue without discord?", "loracord.cli_queue"),
        ("loracord train --resume 하면 설정 바꿔서 이어서 할 수 있어요?", "loracord.cli_train"),
        ("loracord prep에서 --upscale 안 주면 작은 사진은 어떻게 돼요?", "loracord.cli_prep_caption"),
    ],
)
def test_loracord_questions_lead_with_their_rule(advisor, text, wanted):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert ids[:1] == (wanted,), ids


@pytest.mark.parametrize(
    "text",
    [
        # another tool's queue, jobs, cancels
        "ComfyUI queue is stuck, my prompt never starts",
        "How do I cancel a queued prompt in ComfyUI?",
        "Does the ComfyUI API let my discord bot queue prompts with a LoRA?",
        "kohya_ss에서 학습 여러 개를 큐에 넣고 차례로 돌릴 수 있어요?",
        "컴피UI 큐에 프롬프트가 계속 대기 중이에요",
        # training in general, without the bot
        "What batch size should I use for SDXL on 12GB?",
        "My PC crashed during kohya training, can I resume from the last epoch?",
        "학습 중에 컴퓨터가 꺼졌는데 처음부터 다시 해야 하나요?",
        "Where does kohya save the LoRA file after training finishes?",
        "코야에서 트리거 워드는 캡션 어디에 적어요?",
        "How many images should a character LoRA dataset have?",
        # a LoRA shared on some Discord server is not the bot's
        "A friend on Discord sent me a LoRA, where do I put it?",
        "디코 서버에서 누가 올린 로라 파일 받았는데 어디에 넣어요?",
        # other services' links and quotas
        "The civitai download link expired, how do I get the file again?",
        "Colab says I used up my GPU quota, what now?",
    ],
)
def test_other_tools_questions_get_no_loracord_rule(advisor, text):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert not [i for i in ids if i.startswith("loracord.")], ids


def test_a_comfy_node_passed_through_reaches_bypass(advisor):
    """Measured with this part: its rules shifted the search's weights, and a Korean question about passing a
    LoRA loader node through (not rewiring it) lost its fourth rule; intents_comfy.toml now reads that wording."""
    text = "컴피UI에서 로라 안 쓰고 싶을 때 선을 다시 연결하지 않고 로더 노드를 그냥 통과시킬 수 있나요?"
    assert advisor.ask(text, use_llm=False).rule_ids[:1] == ("comfy.bypass_mute",)
