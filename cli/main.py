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


def main(argv: Sequence[str] | None = None) -> int:
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
