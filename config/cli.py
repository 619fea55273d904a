"""The `loracord` console script: parses the command line, loads settings once, dispatches.

Each package owns its subcommands in a small module with `register(subparsers)`; that function adds
parsers whose default `func(args, settings) -> int` does the work. Registration must stay cheap: heavy
imports (torch, diffusers, discord) happen inside the handlers, so `loracord --help` is instant and the
bot process never pulls in torch through the command line.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from config.settings import Settings, SettingsError, load_settings

# Modules that register subcommands, in the order they appear in `--help`.
COMMAND_MODULES = (
    "trainer.models.cli",  # make-tiny-model
    "bot.cli",  # demo, bot
    "trainer.queue.cli",  # worker, queue ...
    "trainer.cli",  # train
    "trainer.dataset.cli",  # prep, caption
    "advisor.cli",  # suggest, ask, diagnose
)

log = logging.getLogger("loracord")


class CommandError(Exception):
    """A user-facing failure of a subcommand: printed as one clear line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loracord",
        description="Train Stable Diffusion LoRA models together: Discord bot, trainer queue, advisor.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="settings file (default: ./loracord.toml when it exists; see loracord.example.toml)",
    )
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        # While the packages are being built in parallel a module may not exist yet.
        if importlib.util.find_spec(name.rsplit(".", 1)[0]) and importlib.util.find_spec(name):
            importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, args.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings: Settings = load_settings(args.config)
    except SettingsError as exc:
        print(f"loracord: invalid settings: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, settings) or 0)
    except CommandError as exc:
        print(f"loracord {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `loracord ask ... | head`: the reader went away; say nothing more and exit quietly.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit
        return 141


if __name__ == "__main__":
    sys.exit(main())
