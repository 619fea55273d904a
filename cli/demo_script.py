"""The demo's conversation: alex teaches the tiny shapes base a shape it has never seen (stars) through
the real bot; minji, in Korean, asks for help and queues a job behind alex's. Every step is a real
interaction through the stand-in; the bot's answers are printed as a person would read them."""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.demo_files import Uploads

if TYPE_CHECKING:
    from bot.app import LoracordBot
    from standin.driver import StandIn
    from standin.state import Interaction, Message, User

DATASET_ID = re.compile(r"\((ds-[0-9a-f]+)\)")
JOB_ID = re.compile(r"`(\d{6}-\d{6}-[0-9a-f]+)`")
URL = re.compile(r"https?://\S+?(?=[)>\s]|$)")
TRIGGER = "sks"
KOREAN_QUESTION = "학습 중에 손실이 NaN이 됐어요. 어떻게 해야 하나요?"
ENGLISH_QUESTION = "My samples look burned and oversaturated after 2000 steps. What should I change?"
TRAIN_TIMEOUT_S = 900.0
#: Prompts of the bot's sample grids: two as the captions read, two the base already knew.
SAMPLE_PROMPTS = (
    f"{TRIGGER}, a red star on a white background",
    f"{TRIGGER}, a blue star on a white background",
    "a green square on a white background",
    "a yellow circle on a white background",
)


def demo_changes(steps: int) -> str:
    """The one "Change values" form: what a 2-core CPU and a 20-image concept need (see docs/tinybase.md)."""
    every = max(1, steps // 2)
    return "\n".join(
        [
            f"max_train_steps={steps}",
            "learning_rate=3e-3",
            "text_encoder_lr=3e-3",
            "lr_scheduler=constant",
            "lr_warmup_steps=0",
            "train_batch_size=10",
            "mixed_precision=no",
            "gradient_checkpointing=false",
            "network_dim=8",
            "network_alpha=8",
            "train_text_encoder=true",
            "cache_text_encoder_outputs=false",
            "regularization=true",
            "num_class_images=40",
            "min_snr_gamma=0",
            f"sample_every_n_steps={every}",
            f"save_every_n_steps={every}",
            "sample_prompts=" + "|".join(SAMPLE_PROMPTS),
        ]
    )


class Conversation:
    def __init__(self, standin: StandIn, bot: LoracordBot, out: Path, say: Callable[[str], None]) -> None:
        self.standin = standin
        self.bot = bot
        self.out = out
        self.say = say
        self.alex = standin.add_user("alex", locale="en-US")
        self.minji = standin.add_user("minji", locale="ko")
        self.lora: Path | None = None

    # --- printing -------------------------------------------------------------------------------------
    def show(self, msg: Message) -> None:
        def indent(text: str) -> str:
            return "\n".join(f"    {line}" for line in text.splitlines())

        who = " (only they see this)" if msg.ephemeral else ""
        for user in (self.alex, self.minji):
            if msg.channel_id == self.standin.dm_channel(user).id:
                who = f" (in {user.username}'s direct messages)"
        self.say(f"  🤖 loracord{who}:")
        if msg.content:
            self.say(indent(msg.content))
        for embed in msg.embeds:
            self.say(indent(f"┌ {embed.get('title', '')}"))
            if embed.get("description"):
                self.say(indent("│ " + embed["description"].replace("\n", "\n│ ")))
            for field in embed.get("fields", []):
                self.say(indent(f"│ {field.get('name')}: {field.get('value')}"))
        for att in msg.attachments:
            self.say(indent(f"📎 {att.filename} ({att.size:,} bytes)"))
        buttons = [c.get("label") for row in msg.components for c in row.get("components", [])]
        if buttons:
            self.say(indent("  ".join(f"[{b}]" for b in buttons)))

    def said(self, user: User, text: str) -> None:
        self.say(f"\n👤 {user.username}: {text}")

    def note(self, text: str) -> None:
        self.say(f"\n  ({text})")

    async def answer(self, inter: Interaction, timeout: float = 180.0) -> Message:
        msg = await self.standin.wait_for_message(
            predicate=lambda m: m.interaction_id == inter.id, timeout=timeout, since=0
        )
        self.show(msg)
        return msg

    async def command(
        self, user: User, name: str, sub: str, options: dict[str, Any] | None = None, **kw: Any
    ) -> Message:
        shown = " ".join(f"{k}={v}" for k, v in (options or {}).items() if not hasattr(v, "id"))
        files = kw.get("attachments") or []
        extra = f" [+{len(files)} files: {', '.join(n for n, _ in files)}]" if files else ""
        self.said(user, f"/{name} {sub} {shown}{extra}".rstrip())
        inter = await self.standin.send_slash_command(user, name, subcommand=sub, options=options, **kw)
        return await self.answer(inter)

    async def click(self, user: User, msg: Message, custom_id: str, label: str) -> Interaction:
        self.said(user, f"(presses [{label}])")
        return await self.standin.click(user, msg, custom_id)

    def save(self, folder: str, msg: Message) -> list[Path]:
        target = self.out / folder
        target.mkdir(parents=True, exist_ok=True)
        saved = []
        for att in msg.attachments:
            path = target / att.filename
            path.write_bytes(self.standin.attachment_bytes(att.url))
            saved.append(path)
        return saved

    # --- the story ------------------------------------------------------------------------------------
    async def play(self, uploads: Uploads, steps: int) -> str:
        """The whole story; returns the id of alex's training job."""
        dataset = await self.build_dataset(uploads)
        await self.command(self.minji, "advisor", "ask", {"question": KOREAN_QUESTION})
        await self.command(self.alex, "advisor", "ask", {"question": ENGLISH_QUESTION})
        await self.suggest_and_start(dataset, steps)
        return await self.follow_training(uploads, dataset)

    async def build_dataset(self, uploads: Uploads) -> str:
        alex = self.alex
        created = await self.command(alex, "dataset", "create", {"name": "stars", "private": True})
        dataset = DATASET_ID.search(created.content).group(1)
        self.note("alex drew 20 stars; 4 go up as attachments with a few files that are no good")
        await self.command(alex, "dataset", "add", {"dataset": dataset}, attachments=uploads.first)
        self.note("the other 16 in a .zip, each with a .txt caption beside it, plus two more bad files")
        await self.command(alex, "dataset", "add", {"dataset": dataset}, attachments=uploads.second)
        await self.upload_captions(dataset, uploads.captions)
        await self.command(
            alex, "caption", "run", {"dataset": dataset, "method": "manual", "trigger": TRIGGER}
        )
        await self.command(alex, "caption", "tags", {"dataset": dataset})
        shown = await self.command(alex, "dataset", "show", {"dataset": dataset})
        self.save("dataset", shown)
        return dataset

    async def upload_captions(self, dataset: str, captions: list[tuple[str, bytes]]) -> None:
        """The attachments' captions as .txt files named like the images (/caption upload)."""
        options: dict[str, Any] = {"dataset": dataset}
        self.said(self.alex, f"/caption upload dataset={dataset} [+{len(captions)} files: "
                  + ", ".join(n for n, _ in captions) + "]")  # fmt: skip
        inter = await self.standin.send_slash_command(
            self.alex, "caption", subcommand="upload", options=options, attachments=captions
        )
        await self.answer(inter)

    async def suggest_and_start(self, dataset: str, steps: int) -> None:
        alex = self.alex
        suggestion = await self.command(alex, "advisor", "suggest", {"dataset": dataset, "kind": "object"})
        clicked = await self.click(alex, suggestion, "lc:suggest:change", "Change values")
        await self.standin.wait_for_response(clicked)
        changes = demo_changes(steps)
        self.note(
            "one change before training: the advisor plans for a GPU; on 2 CPU cores the demo trains a "
            "short, strong run with the text encoder and regularization, as docs/tinybase.md measured"
        )
        self.said(alex, "(types in the form: " + changes.replace("\n", ", ") + ")")
        submitted = await self.standin.submit_modal(
            alex, clicked, clicked.modal["custom_id"], {"changes": changes}
        )
        await self.standin.wait_for_response(submitted)
        self.show(self.standin.message(suggestion.id))
        confirm = await self.click(alex, suggestion, "lc:suggest:accept", "Train with these")
        await self.standin.wait_for_response(confirm)
        self.show(self.standin.message(suggestion.id))
        start = await self.click(
            alex, self.standin.message(suggestion.id), "lc:confirm:start", "Start training"
        )
        await self.answer(start)

    async def queue_behind(self, uploads: Uploads, dataset: str) -> None:
        """A second job of alex's and one of minji's: minji's is served before alex's second (fair order)."""
        self.note("while it trains, alex queues a second run and minji her first: who goes next?")
        await self.start_job(self.alex, dataset, 20)
        created = await self.command(self.minji, "dataset", "create", {"name": "circles", "private": True})
        theirs = DATASET_ID.search(created.content).group(1)
        await self.command(self.minji, "dataset", "add", {"dataset": theirs}, attachments=uploads.minji)
        await self.start_job(self.minji, theirs, 20)
        await self.command(self.minji, "train", "queue")
        self.note("both queued runs are cancelled to keep the demo short")
        for user in (self.alex, self.minji):
            job = (await self.bot.services.store.list_jobs(owner_id=user.id, limit=1))[0]
            await self.command(user, "train", "cancel", {"job": job.id})

    async def start_job(self, user: User, dataset: str, steps: int) -> None:
        reply = await self.command(user, "train", "start", {"dataset": dataset, "steps": steps})
        start = await self.click(user, reply, "lc:confirm:start", "Start")
        await self.answer(start)

    async def follow_training(self, uploads: Uploads, dataset: str) -> str:
        progress = await self.standin.wait_for_message(
            predicate=lambda m: m.content.startswith("⏳"), since=0
        )
        job_id = JOB_ID.search(progress.content).group(1)
        await self.queue_behind(uploads, dataset)
        self.note("the progress message, as the bot edits it:")
        seen, samples, deadline = "", set(), time.monotonic() + TRAIN_TIMEOUT_S
        done = None
        while done is None and time.monotonic() < deadline:
            content = self.standin.message(progress.id).content
            if content != seen:
                seen = content
                self.say("    │ " + content.replace("\n", "\n    │ "))
                if content.startswith(("❌", "⛔")):
                    raise RuntimeError(f"the demo's training job ended without a LoRA: {content}")
            for msg in self.standin.messages(include_ephemeral=False):
                if msg.content.startswith("Samples at step") and msg.id not in samples:
                    samples.add(msg.id)
                    self.show(msg)
                    self.save("samples", msg)
                elif f"`{job_id}` is ready" in msg.content:
                    done = msg
            await asyncio.sleep(0.5)
        if done is None:
            raise TimeoutError(f"training did not finish within {TRAIN_TIMEOUT_S:.0f} s")
        final = self.standin.message(progress.id).content
        if final != seen:
            self.say("    │ " + final.replace("\n", "\n    │ "))
        self.show(done)
        self.save("results", done)
        await self.deliver(done, job_id)
        return job_id

    async def deliver(self, done: Message, job_id: str) -> None:
        clicked = await self.click(self.alex, done, f"lc:job:download:{job_id}", "Download LoRA")
        reply = await self.answer(clicked)
        for path in self.save("results", reply):
            self.lora = path
            self.say(f"  saved the LoRA to {path.relative_to(self.out)}")
        dm = await self.direct_message(self.alex, job_id)
        self.note("the demo caps files in DMs at 16 KiB, so the weights come there as a signed link:")
        self.show(dm)
        for url in URL.findall(dm.content):
            data = await asyncio.to_thread(_download, url)
            same = self.lora is not None and data == self.lora.read_bytes()
            self.say(f"  the signed link downloads {len(data):,} bytes{' (the same LoRA)' if same else ''}")

    async def direct_message(self, user: User, job_id: str, timeout: float = 60.0) -> Message:
        """The bot's direct message to `user` with the weights of `job_id` (polled: it follows the
        channel post; samples of a private dataset's job come by DM too)."""
        channel = self.standin.dm_channel(user)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for msg in self.standin.messages(channel):
                if job_id in msg.content and URL.search(msg.content):
                    return msg
            await asyncio.sleep(0.25)
        raise TimeoutError(f"no direct message about {job_id} within {timeout:.0f} s")


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()
