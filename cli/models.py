"""`loracord make-tiny-model OUT --arch sd15|sd2|sdxl [--format diffusers|single-file] [--seed N]`
and `loracord make-tiny-model OUT --pretrain shapes [--seed N]` (the tiny base that has learned)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from cli.errors import CommandError

# tiny.py imports torch and diffusers only inside its functions, so this import stays cheap.
from config.arch import ARCH_NAMES, Arch
from trainer.models.tiny import FORMATS


def register(subparsers: Any) -> None:
    """Add `make-tiny-model` (imports stay cheap: torch is loaded only when the command runs)."""
    parser = subparsers.add_parser(
        "make-tiny-model",
        help="build a tiny random-weight SD 1.5 / SD 2 / SDXL pipeline for tests and the demo",
        description=(
            "Build a tiny random-weight pipeline of the real architecture (real block types, real CLIP "
            "tokenizer, SD 2 v-prediction, SDXL's two text encoders). The same seed gives the same "
            "weights, byte for byte. It draws noise, not pictures: it is for testing the machinery."
        ),
    )
    parser.add_argument(
        "out",
        type=Path,
        metavar="OUT",
        help="diffusers: the folder to create. single-file: NAME.safetensors, or a folder that receives "
        "tiny-ARCH.safetensors; the configs go beside the file in NAME.config/",
    )
    parser.add_argument(
        "--arch", default="sd15", choices=ARCH_NAMES, help="model family to imitate (default sd15)"
    )
    parser.add_argument(
        "--pretrain",
        choices=["shapes"],
        help="instead of random weights, pre-train the SD1.x-shaped base on generated coloured shapes "
        "(~25 min on 2 cores; see trainer/tinybase); the committed copy is trainer/tinybase/shapes_base",
    )
    parser.add_argument("--format", dest="fmt", default="diffusers", choices=FORMATS, help="how to save it")
    parser.add_argument("--seed", type=int, default=0, help="random seed for the weights (default 0)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Any) -> int:
    """Build the model; an existing model at OUT is replaced, anything else is refused."""

    if args.seed < 0:
        raise CommandError(f"--seed must be 0 or more, got {args.seed}")

    if args.pretrain:
        return _pretrain(args)

    from trainer.models.tiny import build_tiny_pipeline

    started = time.perf_counter()
    try:
        path = build_tiny_pipeline(args.out, args.arch, args.fmt, args.seed)
    except (FileExistsError, NotADirectoryError) as exc:
        raise CommandError(str(exc)) from exc
    took = time.perf_counter() - started
    size = sum(p.stat().st_size for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file())
    print(
        f"tiny {args.arch} model ({args.fmt}, seed {args.seed}) written to {path} ({size / 1e6:.1f} MB, {took:.1f} s)"
    )
    if path.is_file():
        from trainer.models.tiny import config_folder_for

        print(f"its diffusers configs are in {config_folder_for(path)}")
    return 0


def _pretrain(args: argparse.Namespace) -> int:

    if Arch(args.arch) is not Arch.SD15 or args.fmt != "diffusers":
        raise CommandError("--pretrain shapes builds an SD1.x-shaped diffusers folder: drop --arch/--format")
    if args.out.is_file() or (args.out.is_dir() and any(args.out.iterdir())):
        raise CommandError(f"{args.out} is not empty; choose a new folder for the pre-trained base")
    from trainer.tinybase.pretrain import PretrainConfig, pretrain

    report = pretrain(args.out, PretrainConfig(seed=args.seed))
    print(
        f"shapes base written to {args.out}: VAE MAE {report['vae_reconstruction_mae_255']}/255, "
        f"took {sum(report['timings_s'].values()):.0f} s"
    )
    return 0
