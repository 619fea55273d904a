"""Cross-field checks of the sample-prompt lines, optimizer arguments and scheduler knobs (issue 19
items 3 and 8). Pure functions over a TrainConfig-like object, like config.training_options; each
problem is (field, message) and `TrainConfig.__post_init__` raises the first as a ConfigError.
"""

from __future__ import annotations

import ast
import math
from typing import Any

from config.sample_prompts import PromptLineError, parse_prompt_lines


def parse_optimizer_args(items: list[str]) -> dict[str, Any]:
    """`["betas=0.9,0.99", "weight_decay=0.1 d_coef=2"]` -> {"betas": (0.9, 0.99), ...}.

    Items may hold several space-separated pairs (sd-scripts' one-string form). A value with commas is
    a tuple; numbers, True/False and None are read as Python literals, anything else stays a string.
    Raises ValueError naming the bad item.
    """
    out: dict[str, Any] = {}
    for item in items:
        for pair in item.split():
            key, sep, raw = pair.partition("=")
            key = key.strip()
            if not sep or not key.isidentifier() or not raw:
                raise ValueError(f"expected key=value (e.g. betas=0.9,0.99), got {pair!r}")
            if key in out:
                raise ValueError(f"{key} is given twice; keep one")
            values = [_literal(v) for v in raw.split(",")]
            out[key] = tuple(values) if "," in raw else values[0]
    return out


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def more_problems(cfg: Any) -> list[tuple[str, str]]:
    """Every problem found (the first is raised)."""
    out: list[tuple[str, str]] = []
    try:
        parse_prompt_lines(list(cfg.sample_prompts))
    except PromptLineError as exc:
        out.append(("sample_prompts", str(exc)))
    try:
        parse_optimizer_args(list(cfg.optimizer_args))
    except ValueError as exc:
        out.append(("optimizer_args", str(exc)))
    if not 0 <= cfg.validation_split < 1:
        out.append(
            ("validation_split", f"must be in [0, 1) (0.1 holds out a tenth), got {cfg.validation_split}")
        )
    if cfg.validation_split and cfg.validation_data_dir:
        out.append(
            (
                "validation_data_dir",
                "set validation_data_dir or validation_split, not both (the folder wins nothing)",
            )
        )
    if cfg.mask_from_saliency and not cfg.masked_loss:
        out.append(("mask_from_saliency", "needs masked_loss = true (it makes the masks masked_loss uses)"))
    ratio = cfg.lr_scheduler_min_lr_ratio
    if ratio is not None:
        if not (math.isfinite(ratio) and 0 <= ratio < 1):
            out.append(("lr_scheduler_min_lr_ratio", f"must be in [0, 1) (0.1 is common), got {ratio}"))
        elif cfg.lr_scheduler != "cosine_with_min_lr":
            out.append(
                (
                    "lr_scheduler_min_lr_ratio",
                    f"is used by lr_scheduler cosine_with_min_lr only (this run: {cfg.lr_scheduler}); "
                    "set lr_scheduler = 'cosine_with_min_lr' or leave the ratio unset",
                )
            )
    return out


def sample_prompts_value(value: Any) -> Any:
    """`sample_prompts` as sd-scripts has it, a prompt file's path, becomes the file's lines; a list of
    lines (or `a|b` from --set) is kept. Raises ValueError naming the file and line."""
    from pathlib import Path

    from config.sample_prompts import looks_like_prompt_file, read_prompt_file

    single = (
        value if isinstance(value, str) else value[0] if isinstance(value, list) and len(value) == 1 else None
    )
    if not isinstance(single, str) or not looks_like_prompt_file(single):
        return value
    path = Path(single.strip()).expanduser()
    if not path.is_file():
        raise ValueError(f"prompt file not found: {path} (one prompt per line, sd-scripts' format)")
    try:
        return read_prompt_file(path)
    except PromptLineError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
