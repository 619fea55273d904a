"""Condition functions that rules name in rulebook.toml.

Each is small and pure: `fn(facts, **params) -> bool`, false when the facts it needs are missing.
The rulebook is checked at load time against these signatures, so a misspelt condition or parameter
fails with the rule's id instead of silently never firing.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

from advisor.facts import Facts, median
from advisor.patterns import FAILURES, matches_failure
from config.arch import ARCHS

Condition = Callable[..., bool]
CONDITIONS: dict[str, Condition] = {}

# The architecture table's VRAM model inputs (config.arch), by family name. VRAM_BATCH: the largest
# batch that fits in VRAM (GB, at least) at the native resolution, with the memory savers loracord turns
# on by default (cached latents, SDPA, mixed precision); rows ordered by VRAM, the guide's 1/2/4 steps.
# Sources: kohya sd-scripts and OneTrainer users' reports. MIN_VRAM: below it a family cannot be
# trained usefully even with every saver on.
VRAM_BATCH: dict[str, tuple[tuple[float, int], ...]] = {s.arch.value: s.vram_batch for s in ARCHS.values()}
MIN_VRAM = {s.arch.value: s.min_vram_gb for s in ARCHS.values()}
NATIVE_RESOLUTION = {s.arch.value: s.default_resolution for s in ARCHS.values()}


def max_batch_for(arch: str, vram_gb: float) -> int:
    """The guide's batch size for this much VRAM (1, 2 or 4)."""
    best = 1
    for threshold, batch in VRAM_BATCH.get(arch, VRAM_BATCH["sd15"]):
        if vram_gb >= threshold:
            best = batch
    return best


def vram_needed_gb(arch: str, batch: int) -> float | None:
    """The VRAM (GB) the table above says a batch needs: the smallest card it allows that batch on,
    never below MIN_VRAM; None past the table's last row (bench/bench_gpu.py compares it with the
    measured peak)."""
    table = VRAM_BATCH.get(arch, VRAM_BATCH["sd15"])
    fits = [threshold for threshold, allowed in table if allowed >= batch]
    return max(min(fits), MIN_VRAM.get(arch, 0.0)) if fits else None


def condition(name: str) -> Callable[[Condition], Condition]:
    def register(fn: Condition) -> Condition:
        if name in CONDITIONS:
            raise ValueError(f"condition {name!r} registered twice")
        CONDITIONS[name] = fn
        return fn

    return register


def check_params(name: str, params: Mapping[str, Any]) -> str | None:
    """None when `params` fit condition `name`; otherwise what is wrong, for the rulebook loader."""
    fn = CONDITIONS.get(name)
    if fn is None:
        return f"unknown condition {name!r}; known: {', '.join(sorted(CONDITIONS))}"
    try:
        inspect.signature(fn).bind(None, **params)
    except TypeError as exc:
        return f"condition {name!r}: {exc}"
    return None


def _config_value(facts: Facts, field: str) -> Any:
    cfg = facts.config
    if cfg is None:
        return None
    if field == "learning_rate":
        return cfg.effective_unet_lr
    if field == "text_encoder_lr":
        return cfg.effective_text_encoder_lr
    return getattr(cfg, field, None)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# --- dataset statistics --------------------------------------------------------------------------


@condition("stat_below")
def stat_below(facts: Facts, key: str, value: float) -> bool:
    got = facts.num_stat(key)
    return got is not None and got < value


@condition("stat_above")
def stat_above(facts: Facts, key: str, value: float) -> bool:
    got = facts.num_stat(key)
    return got is not None and got > value


@condition("stat_equals")
def stat_equals(facts: Facts, key: str, value: Any) -> bool:
    return facts.stat(key) == value


@condition("distinct_resolutions_above")
def distinct_resolutions_above(facts: Facts, count: int) -> bool:
    sizes = facts.stat("resolutions")
    if not isinstance(sizes, list):
        return False
    return len({tuple(s) for s in sizes if isinstance(s, list | tuple)}) > count


@condition("aspect_outside")
def aspect_outside(facts: Facts, low: float, high: float) -> bool:
    """Some image is wider or taller than the bucket range handles without cutting into it."""
    ratios = facts.stat("aspect_ratios")
    if isinstance(ratios, Mapping):  # a summary such as {"min": .., "max": ..}
        ratios = [ratios.get("min"), ratios.get("max")]
    if not isinstance(ratios, list):
        return False
    values = [r for r in (_number(x) for x in ratios) if r is not None and r > 0]
    return any(r < low or r > high for r in values)


@condition("min_side_below_resolution")
def min_side_below_resolution(facts: Facts, factor: float) -> bool:
    side = facts.num_stat("min_side")
    cfg = facts.config
    return side is not None and cfg is not None and side < cfg.resolution * factor


@condition("blurry_fraction_above")
def blurry_fraction_above(facts: Facts, value: float, threshold: float = 100.0) -> bool:
    """Share of images whose variance of the Laplacian is under `threshold` (blurry)."""
    fraction = facts.num_stat("blur.blurry_fraction")
    listed, n = facts.stat("blur.blurry"), facts.num_images
    if fraction is None and isinstance(listed, list) and n:
        fraction = len(listed) / n
    if fraction is None:
        per_image = facts.stat("blur.per_image", facts.stat("blur.values"))
        if isinstance(per_image, Mapping):
            per_image = list(per_image.values())
        numbers = [n for n in (_number(v) for v in per_image or []) if n is not None]
        if not numbers:
            return False
        fraction = sum(n < threshold for n in numbers) / len(numbers)
    return fraction > value


@condition("duplicate_fraction_above")
def duplicate_fraction_above(facts: Facts, value: float) -> bool:
    """Share of images that repeat another one (every cluster member after the first)."""
    clusters = facts.stat("near_duplicate_clusters")
    n = facts.num_images
    if not isinstance(clusters, list) or not n:
        return False
    extra = sum(max(0, len(c) - 1) for c in clusters if isinstance(c, list | tuple))
    return extra / n > value


@condition("all_captions_missing")
def all_captions_missing(facts: Facts) -> bool:
    """No image has a caption file: the caption extension is almost certainly wrong."""
    counts = facts.missing_captions()
    return counts is not None and counts[1] > 0 and counts[0] >= counts[1]


@condition("captions_missing")
def captions_missing(facts: Facts) -> bool:
    """At least one image has no caption file (statistics, the engine's warning, or its log line)."""
    counts = facts.missing_captions()
    return counts is not None and counts[0] > 0


@condition("stat_missing")
def stat_missing(facts: Facts, key: str) -> bool:
    """Statistics are known but this one is empty (no trigger word found, say)."""
    return facts.stats is not None and facts.stat(key) in (None, "", [])


@condition("stat_list_fraction_above")
def stat_list_fraction_above(facts: Facts, key: str, value: float) -> bool:
    """A list statistic (files that are unreadable, poor, ...) holds more than `value` of the images."""
    items = facts.stat(key)
    if not isinstance(items, list) or not items:
        return False
    return len(items) / max(1, facts.num_images or 0) > value


@condition("caption_length_below")
def caption_length_below(facts: Facts, value: float) -> bool:
    # Sentences are measured in words, tag lists in tags.
    order = ("captions.mean_words", "captions.mean_tags")
    if facts.stat("caption_style") != "sentence":
        order = order[::-1]
    for key in ("captions.mean_length", *order):
        got = facts.num_stat(key)
        if got is not None:
            return 0 < got < value
    return False


@condition("kind_in")
def kind_in(facts: Facts, kinds: list[str]) -> bool:
    return facts.kind in kinds


# --- training configuration ---------------------------------------------------------------------


@condition("config_above")
def config_above(facts: Facts, field: str, value: float) -> bool:
    got = _number(_config_value(facts, field))
    return got is not None and got > value


@condition("config_below")
def config_below(facts: Facts, field: str, value: float) -> bool:
    got = _number(_config_value(facts, field))
    return got is not None and got < value


@condition("config_equals")
def config_equals(facts: Facts, field: str, value: Any) -> bool:
    return facts.config is not None and _config_value(facts, field) == value


@condition("config_outside")
def config_outside(facts: Facts, field: str, low: float, high: float) -> bool:
    got = _number(_config_value(facts, field))
    # Tolerance so that 1e-4 written as 0.0001 is inside a 1e-4 bound.
    return got is not None and got > 0 and not (low * (1 - 1e-9) <= got <= high * (1 + 1e-9))


@condition("lr_outside")
def lr_outside(facts: Facts, low: float, high: float) -> bool:
    """Learning rate outside the guide's range; Prodigy sets its own step size (lr 1.0 is right)."""
    if facts.config is None or facts.config.optimizer == "prodigy":
        return False
    return config_outside(facts, "learning_rate", low, high)


@condition("adamw_rates")
def adamw_rates(facts: Facts) -> bool:
    """The optimizer takes AdamW's learning rates (1e-5..1e-3): not Prodigy / DAdaptation, whose learning_rate is a
    multiplier of their own estimate (1.0), nor Lion, which wants a third to a tenth of them. A rule that gives AdamW
    numbers carries it, so a question or config naming those optimizers never gets the numbers."""
    return facts.config is None or facts.config.optimizer not in ("prodigy", "lion")


@condition("te_lr_not_below_unet")
def te_lr_not_below_unet(facts: Facts) -> bool:
    cfg = facts.config
    return (
        cfg is not None and cfg.train_text_encoder and cfg.effective_text_encoder_lr >= cfg.effective_unet_lr
    )


@condition("arch_is")
def arch_is(facts: Facts, arch: str) -> bool:
    return facts.effective_arch == arch


@condition("views_per_image_above")
def views_per_image_above(facts: Facts, value: float) -> bool:
    views = facts.views_per_image()
    return views is not None and views > value


@condition("views_per_image_below")
def views_per_image_below(facts: Facts, value: float) -> bool:
    views = facts.views_per_image()
    return views is not None and views < value


@condition("sample_interval_outside")
def sample_interval_outside(facts: Facts, low: float, high: float) -> bool:
    """Samples never taken during the run, or taken so often (as a share of all steps) they slow it."""
    steps, cfg = facts.total_steps(), facts.config
    if cfg is None or not steps:
        return False
    every = cfg.sample_every_n_steps
    if every == 0 or every >= steps:
        return True
    return not (low <= every / steps <= high)


# --- hardware ------------------------------------------------------------------------------------


@condition("vram_below")
def vram_below(facts: Facts, gb: float) -> bool:
    vram = facts.hardware.vram_gb
    return vram is not None and 0 < vram < gb


@condition("no_gpu")
def no_gpu(facts: Facts) -> bool:
    return facts.hardware.has_gpu is False


@condition("has_gpu")
def has_gpu(facts: Facts) -> bool:
    return facts.hardware.has_gpu is not False


@condition("vram_below_minimum")
def vram_below_minimum(facts: Facts) -> bool:
    arch, vram = facts.effective_arch, facts.hardware.vram_gb
    return arch is not None and vram is not None and 0 < vram < MIN_VRAM[arch]


@condition("batch_exceeds_vram")
def batch_exceeds_vram(facts: Facts) -> bool:
    arch, vram, cfg = facts.effective_arch, facts.hardware.vram_gb, facts.config
    if arch is None or not vram or cfg is None:
        return False
    return cfg.train_batch_size > max_batch_for(arch, vram)


# --- runs: events and logs ------------------------------------------------------------------------


@condition("failure")
def failure(facts: Facts, kind: str) -> bool:
    if kind not in FAILURES:
        return False
    if kind == "nan" and any(math.isnan(v) or math.isinf(v) for v in facts.losses()):
        return True
    return matches_failure(kind, facts.error_text, facts.error_kinds)


@condition("slow_steps")
def slow_steps(facts: Facts, slowdown: float, min_seconds: float, absolute_seconds: float) -> bool:
    """Steps got `slowdown` times slower than the run's first steps, or are slower than
    `absolute_seconds` throughout (VRAM spilling into shared memory looks like either), or the log
    says shared memory is used."""
    if matches_failure("vram_spill", facts.log_text, set()):
        return True
    times = facts.step_times()
    if len(times) < 3:
        return False
    head = median(times[: max(3, len(times) // 5)])
    tail = median(times[-max(3, len(times) // 5) :])
    if not (head and tail):
        return False
    return tail >= absolute_seconds or (tail >= min_seconds and tail > head * slowdown)


# --- questions -----------------------------------------------------------------------------------


@condition("question_only")
def question_only(facts: Facts) -> bool:
    """Never fires on a run or a dataset: the rule answers a question `ask` routes to it."""
    return False


@condition("gpu_vendor")
def gpu_vendor(facts: Facts, vendor: str) -> bool:
    """The named GPU is made by `vendor` ('amd', 'intel', 'apple', 'nvidia')."""
    return facts.hardware.vendor == vendor


@condition("gpu_lacks_bf16")
def gpu_lacks_bf16(facts: Facts) -> bool:
    """A named GPU older than Ampere (GTX 10xx, RTX 20xx, T4, V100...): bf16 does not run on it."""
    return bool(facts.hardware.gpu_name) and not facts.hardware.supports_bf16
