"""The `loracord` console script: parses the command line, loads settings once, dispatches.

Each subcommand module below has `register(subparsers)`; that function adds parsers whose default
`func(args, settings) -> int` does the work. The modules are imported explicitly: a module that fails
to import is an ImportError naming it, not a subcommand that silently disappears. Registration must
stay cheap: heavy imports (torch, diffusers, discord) happen inside the handlers, so `loracord --help`
is instant and the bot process never pulls in torch through the command line.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from cli import advisor, bot, dataset, models, queue, train
from cli.errors import CommandError
from config.settings import Settings, SettingsError, load_settings
from trainer.quiet import quiet_libraries

# The subcommand modules, in the order their subcommands appear in `--help`.
COMMAND_MODULES = (
    models,  # make-tiny-model
    bot,  # demo, bot
    queue,  # worker, queue ...
    train,  # train
    dataset,  # prep, caption
    advisor,  # suggest, ask, diagnose
)

log = logging.getLogger("loracord")


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
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


#: Commands whose process has nothing left to do once they return: `run` ends them without teardown.
ONE_SHOT_COMMANDS = frozenset({"train"})


def run() -> NoReturn:
    """The `loracord` console script: a one-shot command's process ends as soon as it returns
    (trainer.run.exit_without_teardown: about a second less per training run); others exit normally."""
    code, command = _dispatch(sys.argv[1:])
    if command in ONE_SHOT_COMMANDS:
        from trainer.run import exit_without_teardown

        exit_without_teardown(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    return _dispatch(argv)[0]


def _dispatch(argv: Sequence[str] | None) -> tuple[int, str]:
    """(exit status, the command that ran)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, args.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    quiet_libraries(loading=False)  # model-loading commands turn the library bars off when they load
    try:
        settings: Settings = load_settings(args.config)
    except SettingsError as exc:
        print(f"loracord: invalid settings: {exc}", file=sys.stderr)
        return 2, args.command
    try:
        return int(args.func(args, settings) or 0), args.command
    except CommandError as exc:
        print(f"loracord {args.command}: {exc}", file=sys.stderr)
        return 2, args.command
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130, args.command
    except BrokenPipeError:
        # `loracord ask ... | head`: the reader went away; say nothing more and exit quietly.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit
        return 141, args.command


if __name__ == "__main__":
    run()
