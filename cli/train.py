"""`loracord train`: train a LoRA without Discord.

    loracord train --model PATH --data DIR --out RUN --steps 500
    loracord train my.toml --set network_dim=16 --preset sd15-character
    loracord train --out RUN --resume

Layering: defaults < --preset < CONFIG.toml < --set < the plain flags. The merged config is checked
(fields, files, hardware, base model) before anything is written, frozen to RUN/config.toml, and
trained by exactly the code the queue's child process runs (`trainer.run.job_dir_main`).
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

from cli.errors import CommandError
from config.training import ConfigError, TrainConfig, load_train_config, parse_set_args
from trainer.job_paths import JobPaths

#: Plain flags and the TrainConfig fields they set.
FLAG_FIELDS = {
    "model": "pretrained_model",
    "data": "data_dir",
    "out": "output_dir",
    "name": "name",
    "steps": "max_train_steps",
    "rank": "network_dim",
    "alpha": "network_alpha",
    "lr": "learning_rate",
    "batch_size": "train_batch_size",
    "resolution": "resolution",
}
_PATH_FIELDS = ("pretrained_model", "data_dir", "output_dir", "reg_data_dir")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a LoRA from a config file and/or flags",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "config_file", nargs="?", type=Path, metavar="CONFIG.toml", help="training config (TOML)"
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one config field (repeatable); see --help-config",
    )
    parser.add_argument("--preset", help="start from config/presets/NAME.toml")
    parser.add_argument("--model", help="base model: diffusers folder, .safetensors file or hub id")
    parser.add_argument("--data", help="training images with .txt captions (kohya layout)")
    parser.add_argument("--out", help="run folder (events.jsonl, samples/, checkpoints/, output/)")
    parser.add_argument("--name", help="LoRA name (output/NAME.safetensors)")
    parser.add_argument("--steps", type=int, help="optimizer steps")
    parser.add_argument("--rank", type=int, help="LoRA rank (network_dim)")
    parser.add_argument("--alpha", type=float, help="LoRA alpha (network_alpha)")
    parser.add_argument("--lr", type=float, help="learning rate")
    parser.add_argument("--batch-size", type=int, help="images per step")
    parser.add_argument("--resolution", type=int, help="training resolution in pixels")
    parser.add_argument(
        "--resume", action="store_true", help="continue the run in --out from its last checkpoint"
    )
    parser.add_argument(
        "--help-config", action="store_true", help="list every config field with its help and exit"
    )
    parser.set_defaults(func=run_train)


def config_help() -> str:
    """Every TrainConfig field with its default and help text, for --help-config."""
    defaults = TrainConfig().to_dict() if _defaults_valid() else {}
    lines = []
    for name, help_text in TrainConfig.field_help().items():
        default = defaults.get(name, "")
        lines.append(f"{name} = {default!r}")
        lines.extend(textwrap.wrap(help_text, width=96, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(lines)


def _defaults_valid() -> bool:
    try:
        TrainConfig()
    except ConfigError:
        return False
    return True


def _absolute(value: str) -> str:
    """Flags are relative to the current folder; a hub id ('org/name') that is not a path stays."""
    path = Path(value).expanduser()
    return str(path.resolve()) if path.exists() or value.startswith((".", "/", "~")) else value


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = dict(parse_set_args(args.overrides))
    for flag, field in FLAG_FIELDS.items():
        value = getattr(args, flag)
        if value is not None:
            out[field] = value
    for field in _PATH_FIELDS:
        if isinstance(out.get(field), str) and out[field]:
            out[field] = _absolute(out[field])
    return out


def _run_folder(args: argparse.Namespace, cfg: TrainConfig | None) -> Path:

    out = args.out or (cfg.output_dir if cfg else "")
    if not out:
        raise CommandError("give the run folder with --out DIR (or output_dir in the config file)")
    return Path(out).expanduser().resolve()


def run_train(args: argparse.Namespace, settings: Any) -> int:
    from trainer.run import job_dir_main

    if args.help_config:
        print(config_help())
        return 0
    if args.resume:
        run = _run_folder(args, None)
        others = [f for f in ("config_file", "preset", *FLAG_FIELDS) if f != "out" and getattr(args, f)]
        if others or args.overrides:
            raise CommandError("--resume continues RUN/config.toml exactly as frozen; drop the other options")
        if not JobPaths(run).config.is_file():
            raise CommandError(
                f"{run} holds no run to resume (no {JobPaths(run).config.name}); start one without --resume"
            )
        # Asking to resume withdraws an earlier stop request.
        JobPaths(run).stop_flag.unlink(missing_ok=True)
        return job_dir_main(run)
    try:
        cfg = load_train_config(args.config_file, args.preset, _overrides(args))
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    run = _run_folder(args, cfg)
    cfg = cfg.replace(output_dir=str(run))
    _check_fresh(run)
    from trainer.engine.errors import TrainingError
    from trainer.engine.train import check_config

    try:
        check_config(cfg, run)
    except TrainingError as exc:
        raise CommandError(str(exc)) from None
    cfg.save(JobPaths(run).config)
    return job_dir_main(run)


def _check_fresh(run: Path) -> None:
    from trainer.engine.checkpoint import list_checkpoints

    if list_checkpoints(run) or JobPaths(run).output.is_dir():
        raise CommandError(
            f"{run} already holds a run; pass --resume to continue it, or choose another --out"
        )
