"""A crashing or hanging LLM never takes the bot down: the real bot, the real discord.py client, the
stand-in, and the real LLM child process running a test-double model (tests/advisor/llm_double.py)."""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import replace

from advisor.answer import Advisor
from advisor.llm import AdvisorOptions, LocalLLM
from standin.driver import StandIn
from tests.advisor import llm_double
from tests.bot.botkit import command, full_answer, text_of

QUESTION = "What learning rate should I use?"


async def test_the_bot_serves_through_llm_crashes_hangs_and_switch_off(
    standin: StandIn, make_bot, settings_factory, tmp_path, monkeypatch
) -> None:
    marker = tmp_path / "answering"
    monkeypatch.setenv("LLM_DOUBLE_MARKER", str(marker))
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    async with make_bot(settings_factory()) as bot:
        # English explicitly: whether the bundled model may word answers by default is the advisor's call.
        options = replace(AdvisorOptions.from_settings(bot.services.settings), llm_languages=("en",))
        llm = LocalLLM(options, backend=llm_double.ANSWERING, restart_backoff_s=(0.0,), max_failures=3)
        bot.services.advisor._advisor = Advisor(options, llm=llm)

        async def ask(question: str) -> str:
            _, msg = await command(standin, alice, "advisor", "ask", {"question": question}, timeout=60)
            return msg.content

        async def admin_status() -> str:
            _, msg = await command(standin, standin.owner, "admin", "status")
            return text_of(msg)

        assert llm_double.FAITHFUL in await ask(QUESTION)

        # A child stuck in the middle of an answer: the bot keeps answering everyone meanwhile.
        stuck = await standin.send_slash_command(
            alice, "advisor", subcommand="ask", options={"question": QUESTION + " @block"}
        )
        while not marker.exists():
            await asyncio.sleep(0.05)
        _, listed = await command(standin, bob, "dataset", "list")
        assert listed.content
        assert "Running (process" in await admin_status()
        os.kill(int(marker.read_text()), signal.SIGKILL)  # as the OOM killer would
        killed = await full_answer(standin, stuck, "train.lr_range", timeout=60)
        assert "1e-4" in killed and llm_double.FAITHFUL not in killed

        segv = await standin.send_slash_command(
            alice, "advisor", subcommand="ask", options={"question": QUESTION + " @segv"}
        )
        assert "1e-4" in await full_answer(standin, segv, "train.lr_range", timeout=60)
        assert llm_double.FAITHFUL in await ask(QUESTION)  # a new child answers
        assert "Last failure" in await admin_status() and "SIGSEGV" in await admin_status()

        for _ in range(3):
            assert "1e-4" in await ask(QUESTION + " @segv")
        off = await ask(QUESTION)
        assert "1e-4" in off and llm_double.FAITHFUL not in off
        status = await admin_status()
        assert "Switched off after repeated failures" in status and "3 failures in a row" in status
        _, listed = await command(standin, bob, "dataset", "list")
        assert listed.content
        assert not bot.services.errors.unexpected
