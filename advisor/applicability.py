"""Does a rule apply to what the user told us? Three answers: yes, no, or cannot tell.

A question states only some facts ("SDXL, 24 GB"). A rule whose condition is false on a stated fact
("below 16 GB", "SD1.5 only") must never be shown; a rule whose conditions read facts nobody stated
(a training log, dataset statistics) may still be shown when the question is about its topic.
Conditions are evaluated with three-valued logic: each leaf is judged only when every fact it reads
was stated, `all` is false as soon as one part is false, `any` is false only when every part is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from advisor import registry
from advisor.engine import Rule
from advisor.facts import Facts

# The stated facts each condition reads; a condition missing here is never judged from a question.
_CONFIG_CONDITIONS = ("config_above", "config_below", "config_equals", "config_outside")


def _needs(name: str, params: Mapping[str, Any], stated: frozenset[str]) -> bool:
    """True when every fact condition `name` reads was stated."""
    if name in _CONFIG_CONDITIONS:
        return params.get("field") in stated
    table: dict[str, Callable[[], bool]] = {
        "stat_below": lambda: params.get("key") == "num_images" and "num_images" in stated,
        "stat_above": lambda: params.get("key") == "num_images" and "num_images" in stated,
        # Prodigy or Lion named: AdamW's 1e-5..1e-4 is not their range, so lr_outside is judged false.
        "lr_outside": lambda: bool({"learning_rate", "optimizer"} & stated),
        "adamw_rates": lambda: "optimizer" in stated,
        "arch_is": lambda: "arch" in stated,
        "vram_below": lambda: "vram" in stated,
        "no_gpu": lambda: bool({"vram", "gpu"} & stated),
        "has_gpu": lambda: bool({"vram", "gpu"} & stated),
        "gpu_lacks_bf16": lambda: "gpu" in stated,
        "gpu_vendor": lambda: "gpu" in stated,
        "vram_below_minimum": lambda: {"arch", "vram"} <= stated,
        "batch_exceeds_vram": lambda: {"arch", "vram", "train_batch_size"} <= stated,
        "views_per_image_above": lambda: _views_known(stated),
        "views_per_image_below": lambda: _views_known(stated),
    }
    judge = table.get(name)
    return bool(judge and judge())


def _views_known(stated: frozenset[str]) -> bool:
    if "num_images" not in stated:
        return False
    return {"max_train_steps", "train_batch_size"} <= stated or {"repeats", "max_train_epochs"} <= stated


def _value(cond: Mapping[str, Any], facts: Facts, stated: frozenset[str]) -> bool | None:
    if "any" in cond:
        parts = [_value(c, facts, stated) for c in cond["any"]]
        return True if any(p is True for p in parts) else (False if all(p is False for p in parts) else None)
    if "all" in cond:
        return _all(cond["all"], facts, stated)
    params = {k: v for k, v in cond.items() if k != "name"}
    if not _needs(cond["name"], params, stated):
        return None
    return bool(registry.CONDITIONS[cond["name"]](facts, **params))


def _all(conditions: Iterable[Mapping[str, Any]], facts: Facts, stated: frozenset[str]) -> bool | None:
    parts = [_value(c, facts, stated) for c in conditions]
    if any(p is False for p in parts):
        return False
    return True if all(p is True for p in parts) else None


def applies(rule: Rule, facts: Facts, stated: frozenset[str]) -> bool | None:
    """True: the rule's conditions hold on the stated facts; False: a stated fact contradicts them;
    None: the question does not say."""
    return _all(rule.conditions, facts, stated)


def contradicted(rule: Rule, facts: Facts, stated: frozenset[str]) -> bool:
    return applies(rule, facts, stated) is False
