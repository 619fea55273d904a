"""`loracord suggest`, `loracord ask`, `loracord diagnose`.

Registration is cheap (no heavy imports); each handler imports what it needs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from cli.errors import CommandError
from config.arch import ARCH_NAMES
from trainer.job_paths import JobPaths

ARCH_CHOICES = ARCH_NAMES


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "suggest",
        help="advisor: suggested training parameters for a dataset, as TOML with reasons",
        description="Read a dataset folder's statistics and print a complete training config with the reason "
        "for every value. Save it and run `loracord train FILE`.",
    )
    p.add_argument("dir", type=Path, help="dataset folder (images with same-named .txt captions)")
    p.add_argument("--kind", choices=("character", "style", "object"), default="character")
    p.add_argument(
        "--base",
        default=None,
        help="sd15, sd2, sdxl, or the name of a base model in the settings' allowlist, or a model path / hub id "
        "(default: the settings' default model)",
    )
    p.add_argument("--vram", type=float, default=None, metavar="GB", help="GPU memory in GB; 0 for no GPU")
    p.add_argument(
        "--gpu", default="", metavar="NAME", help="GPU name, e.g. 'RTX 3060' (decides bf16 or fp16)"
    )
    p.add_argument("--lang", choices=("en", "ko"), default="en")
    p.add_argument("--out", type=Path, default=None, help="also write the TOML to this file")
    p.set_defaults(func=run_suggest)

    p = subparsers.add_parser(
        "ask",
        help="advisor: answer a LoRA training question (English or Korean)",
        description="Answer from the advisor's rules and guide; a local LLM words the answer when installed.",
    )
    p.add_argument("question", help="the question, in quotes; a pasted error message works too")
    p.add_argument("--no-llm", action="store_true", help="answer with the rule text only")
    p.add_argument(
        "--lang", choices=("en", "ko"), default=None, help="answer language (default: the question's)"
    )
    p.add_argument("--json", action="store_true", help="print the answer with its rule ids as JSON")
    p.set_defaults(func=run_ask)

    p = subparsers.add_parser(
        "diagnose",
        help="advisor: cause and fix of a failed run, with a config to retry with",
        description="Read a failed run's train.log, events.jsonl or run folder and explain the failure.",
    )
    p.add_argument("logfile", type=Path, help="train.log, events.jsonl, or a run folder holding them")
    p.add_argument("--config", dest="train_config", type=Path, default=None, help="the run's config TOML")
    p.add_argument("--lang", choices=("en", "ko"), default="en")
    p.add_argument("--vram", type=float, default=None, metavar="GB", help="GPU memory in GB; 0 for no GPU")
    p.add_argument("--gpu", default="", metavar="NAME")
    p.add_argument(
        "--write-retry", type=Path, default=None, metavar="FILE", help="write the retry config here"
    )
    p.set_defaults(func=run_diagnose)


def _resolve_base(base: str | None, settings: Any) -> tuple[str, str, int | None]:
    """(arch, pretrained_model, resolution) from --base."""
    from advisor.suggest import guess_arch

    if base in ARCH_CHOICES:
        return base, "", None
    models = getattr(settings, "models", None)
    allowlist = getattr(models, "allowlist", None) or {}
    name = base or getattr(models, "default", "")
    if name and name in allowlist:
        entry = allowlist[name]
        return entry.arch, entry.path, entry.effective_resolution
    if base:
        return guess_arch(base), base, None
    return "sd15", "", None


def _safe_name(folder: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", folder.resolve().name).strip("._")
    return name or "my_lora"


def run_suggest(args: argparse.Namespace, settings: Any) -> int:
    from advisor.suggest import suggest_config

    if not args.dir.is_dir():
        raise CommandError(f"{args.dir} is not a folder: give the dataset folder (images + .txt captions)")
    if args.vram is not None and args.vram < 0:
        raise CommandError(f"--vram must be 0 (no GPU) or more GB, got {args.vram:g}")
    try:
        from trainer.dataset.stats import dataset_stats
    except ImportError as exc:
        raise CommandError(f"dataset statistics are not available in this install: {exc}") from None
    stats = dataset_stats(args.dir)
    arch, model, resolution = _resolve_base(args.base, settings)
    try:
        suggestion = suggest_config(
            stats,
            kind=args.kind,
            arch=arch,
            vram_gb=args.vram,
            gpu_name=args.gpu,
            pretrained_model=model,
            resolution=resolution,
            data_dir=str(args.dir.resolve()),
            name=_safe_name(args.dir),
            lang=args.lang,
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    text = suggestion.to_toml()
    print(text, end="")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


def run_ask(args: argparse.Namespace, settings: Any) -> int:
    from advisor.answer import Advisor
    from advisor.llm import AdvisorOptions

    options = AdvisorOptions(llm_enabled=False) if args.no_llm else AdvisorOptions.from_settings(settings)
    answer = Advisor(options).ask(args.question, lang=args.lang, use_llm=not args.no_llm)
    if args.json:
        print(
            json.dumps(
                {
                    "text": answer.text,
                    "lang": answer.lang,
                    "rule_ids": list(answer.rule_ids),
                    "passage_ids": list(answer.passage_ids),
                    "source": answer.source,
                    "fallback_reason": answer.fallback_reason,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(answer.text)
    return 0


def _read_run(path: Path) -> tuple[str, list[dict[str, Any]], Path | None]:
    """Log text, events and (for a run folder) its frozen config from a file or a run folder."""
    from advisor.facts import parse_events

    config_path = None
    if path.is_dir():
        paths = JobPaths(path)
        texts = [paths.train_log, paths.events]
        if not any(p.is_file() for p in texts):
            raise CommandError(f"{path} holds neither train.log nor events.jsonl")
        config_path = paths.config if paths.config.is_file() else None
    elif path.is_file():
        texts = [path]
    else:
        raise CommandError(f"{path} does not exist: give a train.log, an events.jsonl or a run folder")
    events: list[dict[str, Any]] = []
    log_lines: list[str] = []
    for file in (p for p in texts if p.is_file()):
        raw = file.read_bytes()
        # A log cut off mid-character (a killed process) must still be read.
        found, other = parse_events(raw.decode("utf-8", errors="replace"))
        events += found
        log_lines += other
    return "\n".join(log_lines), events, config_path


def run_diagnose(args: argparse.Namespace, settings: Any) -> int:
    from advisor.diagnose import diagnose
    from advisor.facts import Hardware
    from config.training import ConfigError, load_train_config

    log_text, events, run_config = _read_run(args.logfile)
    config_path = args.train_config or run_config
    config = None
    if config_path is not None:
        try:
            config = load_train_config(config_path)
        except ConfigError as exc:
            # The broken config may be the failure itself: diagnose it rather than refuse.
            log_text += f"\nConfigError: {exc}"
    result = diagnose(
        log_text, events, config, lang=args.lang, hardware=Hardware(gpu_name=args.gpu, vram_gb=args.vram)
    )
    print(result.render())
    if args.write_retry:
        if result.retry_config is None:
            print(f"(no retry config written: {args.write_retry})", file=sys.stderr)
            return 1
        result.retry_config.save(args.write_retry)
        print(f"retry config: {args.write_retry}")
    return 0 if result.kind != "unknown" else 1
