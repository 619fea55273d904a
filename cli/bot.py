"""`loracord bot` and `loracord demo` (registered by cli/main.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.errors import CommandError


def register(subparsers: Any) -> None:
    bot = subparsers.add_parser(
        "bot",
        help="run the Discord bot (token from DISCORD_TOKEN), with an embedded worker by default",
        description="Run the Discord bot. The token comes from DISCORD_TOKEN or discord.token_file; "
        "worker.embedded (default on) also runs a trainer worker as a child process.",
    )
    bot.set_defaults(func=run_bot)
    demo = subparsers.add_parser(
        "demo",
        help="offline end-to-end demo: the real bot teaches the tiny shapes base stars, then measures it",
        description="Play a scripted conversation against a local Discord stand-in with the real bot, "
        "queue and worker, teaching the committed tiny shapes base a shape it never saw (stars) on the "
        "CPU, then score the LoRA before/after. Prints the transcript; writes the outputs (transcript, "
        "before_after.png, LoRA, samples, loss curve, README.md) to --out.",
    )
    demo.add_argument("--out", type=Path, default=Path("demo-out"), help="output folder (default ./demo-out)")
    demo.add_argument(
        "--steps", type=int, default=400, help="training steps on the tiny shapes base (default 400)"
    )
    demo.add_argument("--no-llm", action="store_true", help="answer questions with the rule text only")
    demo.set_defaults(func=run_demo)


def run_bot(args: argparse.Namespace, settings: Any) -> int:
    from bot.app import main_loop

    if not settings.discord.token:
        raise CommandError(
            "no Discord token: export DISCORD_TOKEN=... (Developer Portal > Bot > Reset Token) or set "
            "discord.token_file; to try loracord without Discord run `loracord demo`"
        )
    try:
        main_loop(settings)
    except KeyboardInterrupt:
        return 130
    return 0


def run_demo(args: argparse.Namespace, settings: Any) -> int:
    import asyncio
    import logging

    from cli.demo import run

    if not 10 <= args.steps <= 2000:
        raise CommandError(f"--steps must be between 10 and 2000, got {args.steps}")
    if args.log_level == "INFO":
        # The transcript is the demo's output; routine log lines would bury it.
        logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(run(settings, args.out, steps=args.steps, use_llm=not args.no_llm))
