"""The demo's conversation: two people in a server, one in English and one in Korean, go from photos to a
trained LoRA. Every step is a real interaction through the stand-in; the bot's answers are printed as a
person would read them."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.app import LoracordBot
    from standin.driver import StandIn
    from standin.state import Interaction, Message, User

DATASET_ID = re.compile(r"\((ds-[0-9a-f]+)\)")
JOB_ID = re.compile(r"`(\d{6}-\d{6}-[0-9a-f]+)`")
TRIGGER = "lcdemo"
KOREAN_QUESTION = "학습 중에 손실이 NaN이 됐어요. 어떻게 해야 하나요?"
TRAIN_TIMEOUT_S = 900.0


class Conversation:
    def __init__(self, standin: StandIn, bot: LoracordBot, out: Path, say: Callable[[str], None]) -> None:
        self.standin = standin
        self.bot = bot
        self.out = out
        self.say = say
        self.alex = standin.add_user("alex", locale="en-US")
        self.minji = standin.add_user("minji", locale="ko")

    # --- printing -------------------------------------------------------------------------------------
    def show(self, msg: Message) -> None:
        def indent(text: str) -> str:
            return "\n".join(f"    {line}" for line in text.splitlines())

        who = " (only they see this)" if msg.ephemeral else ""
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

    async def answer(self, inter: Interaction, timeout: float = 120.0) -> Message:
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
    async def play(self, photos: list[tuple[str, bytes]], steps: int) -> None:
        alex, minji = self.alex, self.minji
        created = await self.command(alex, "dataset", "create", {"name": "demo-photos", "private": True})
        dataset = DATASET_ID.search(created.content).group(1)
        uploads = [*photos[:5], ("shopping-list.txt", b"eggs, milk")]
        await self.command(alex, "dataset", "add", {"dataset": dataset}, attachments=uploads)
        await self.command(alex, "dataset", "add", {"dataset": dataset}, attachments=photos[5:])
        shown = await self.command(alex, "dataset", "show", {"dataset": dataset})
        self.save("dataset", shown)
        self.say(
            "\n  (the demo's BLIP and SD1.5 are tiny with random weights: their words and pictures are noise;"
        )
        self.say(
            "   what matters is that every step really runs — with real models the same flow gives real ones)"
        )
        await self.command(alex, "caption", "run", {"dataset": dataset, "method": "blip", "trigger": TRIGGER})
        await self.edit_caption(dataset)
        await self.command(alex, "caption", "tags", {"dataset": dataset})
        await self.command(minji, "advisor", "ask", {"question": KOREAN_QUESTION})
        suggestion = await self.command(alex, "advisor", "suggest", {"dataset": dataset, "kind": "style"})
        await self.change_values(suggestion, steps)
        confirm = await self.click(alex, suggestion, "lc:suggest:accept", "Train with these")
        await self.standin.wait_for_response(confirm)
        self.show(self.standin.message(suggestion.id))
        start = await self.click(
            alex, self.standin.message(suggestion.id), "lc:confirm:start", "Start training"
        )
        await self.answer(start)
        await self.follow_training(steps)

    async def edit_caption(self, dataset: str) -> None:
        info = await self.bot.datasets.find(dataset)  # type: ignore[attr-defined]
        stem = sorted(p.stem for p in info.prepared.glob("astronaut*.png"))[0]
        self.said(self.alex, f"/caption edit dataset={dataset} image={stem}")
        inter = await self.standin.send_slash_command(
            self.alex, "caption", subcommand="edit", options={"dataset": dataset, "image": stem}
        )
        await self.standin.wait_for_response(inter)
        text = "an astronaut in a white spacesuit holding a helmet, flag in the background"
        self.say(f"  🤖 loracord opens a form '{inter.modal.get('title')}'")
        self.said(self.alex, f"(types: {text!r} and submits)")
        submitted = await self.standin.submit_modal(
            self.alex, inter, inter.modal["custom_id"], {"caption": text}
        )
        await self.answer(submitted)

    async def change_values(self, suggestion: Message, steps: int) -> None:
        clicked = await self.click(self.alex, suggestion, "lc:suggest:change", "Change values")
        await self.standin.wait_for_response(clicked)
        # The tiny model trains on the CPU: a short run, full precision, frequent samples.
        changes = (
            f"max_train_steps={steps}\nmixed_precision=no\nsample_every_n_steps={max(1, steps // 3)}\n"
            f"save_every_n_steps={max(1, steps // 3)}\ntrain_batch_size=2\nsample_steps=4\nlearning_rate=1e-3"
        )
        self.said(self.alex, "(types in the form: " + changes.replace("\n", ", ") + ")")
        submitted = await self.standin.submit_modal(
            self.alex, clicked, clicked.modal["custom_id"], {"changes": changes}
        )
        await self.standin.wait_for_response(submitted)
        self.show(self.standin.message(suggestion.id))

    async def follow_training(self, steps: int) -> None:
        progress = await self.standin.wait_for_message(
            predicate=lambda m: m.content.startswith("⏳"), since=0
        )
        job_id = JOB_ID.search(progress.content).group(1)
        self.say("\n  (the progress message, as it is edited:)")
        seen, samples, deadline = "", set(), time.monotonic() + TRAIN_TIMEOUT_S
        done = None
        while done is None and time.monotonic() < deadline:
            content = self.standin.message(progress.id).content
            if content != seen:
                seen = content
                self.say("    │ " + content.replace("\n", "\n    │ "))
            for msg in self.standin.messages(include_ephemeral=False):
                if msg.content.startswith("Samples at step") and msg.id not in samples:
                    samples.add(msg.id)
                    self.show(msg)
                    self.save("results/samples", msg)
                elif f"`{job_id}` is ready" in msg.content:
                    done = msg
            await asyncio.sleep(0.5)
        if done is None:
            raise TimeoutError(f"training did not finish within {TRAIN_TIMEOUT_S:.0f} s")
        self.say("    │ " + self.standin.message(progress.id).content.replace("\n", "\n    │ "))
        self.show(done)
        self.save("results", done)
        clicked = await self.click(self.alex, done, f"lc:job:download:{job_id}", "Download LoRA")
        reply = await self.answer(clicked)
        for path in self.save("results", reply):
            self.say(f"  saved the LoRA to {path}")
