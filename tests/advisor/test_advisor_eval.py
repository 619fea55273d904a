"""The advisor's evaluation set, with the LLM off and on; accuracy printed and asserted.

An item is right when the answer carries every expected rule id, is in the item's language, and
(diagnose items) names the expected failure kind. With the LLM on, a reply that survives the checker
replaces the main rule's text, so a right answer must also still state that rule's facts.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest

from advisor.answer import Advisor
from advisor.checker import language_ok
from advisor.diagnose import diagnose
from advisor.facts import parse_events
from advisor.i18n import hangul_count
from advisor.llm import AdvisorOptions, default_model_path, llama_cpp_installed
from config.training import from_dict

EVAL_SET = Path(__file__).with_name("eval_set.toml")
# Measured on this machine (see docs/advisor.md); the assertions hold the advisor to it.
MEASURED_ACCURACY_LLM_OFF = 1.0
MEASURED_ACCURACY_LLM_ON = 1.0
LLM_TOKENS = 48
# The LLM-on run words only English asks (llm_languages=("en",)); Korean asks and diagnoses get exactly the
# LLM-off answers that test_eval_llm_off checks. Each English ask costs a generation (~4 s on 2 cores), so the
# LLM-on run words a fixed subset of the 17: the four whose reply survived the checker when measured at d9501e6
# (the path where the LLM's text replaces the rule's and must still state its facts) and three whose reply the
# checker refused (the fallback path; ask-en-oom, the first item, also starts the child). Every item is still
# judged with the LLM off above; bench/bench_advisor.py words every question with it on.
LLM_ON_ASKS = (
    "ask-en-rank",
    "ask-en-captions-ignored",
    "ask-en-lora-effect",
    "ask-en-bucket",
    "ask-en-oom",
    "ask-en-nan",
    "ask-en-overfit",
)


def load_items() -> list[dict]:
    with EVAL_SET.open("rb") as fh:
        return tomllib.load(fh)["item"]


def judge(item: dict, advisor: Advisor, use_llm: bool) -> tuple[bool, str, str]:
    """(right, what was returned, source) for one item."""
    expect = set(item["expect"])
    if item["type"] == "diagnose":
        events, other = parse_events(item["text"])
        config = from_dict(item["config"]) if "config" in item else None
        result = diagnose("\n".join(other), events, config, lang=item["lang"])
        right = result.kind == item["kind"] and expect <= set(result.rule_ids)
        if item["lang"] == "ko":  # the cause may quote the English log, but must be explained in Korean
            right = right and hangul_count(result.cause) >= 5
        return right, f"{result.kind} {list(result.rule_ids)}", "diagnose"
    answer = advisor.ask(item["text"], use_llm=use_llm, max_tokens=LLM_TOKENS)
    right = expect <= set(answer.rule_ids) and answer.lang == item["lang"]
    if answer.source == "llm":
        right = right and language_ok(answer.text, item["lang"])
    return right, str(list(answer.rule_ids)), answer.source


def run_eval(
    advisor: Advisor, use_llm: bool, items: list[dict] | None = None
) -> tuple[float, list[str], dict[str, int]]:
    items = load_items() if items is None else items
    failures, sources = [], {}
    for item in items:
        right, got, source = judge(item, advisor, use_llm)
        sources[source] = sources.get(source, 0) + 1
        if not right:
            failures.append(f"{item['id']}: expected {item['expect']}, got {got}")
    return (len(items) - len(failures)) / len(items), failures, sources


def test_eval_set_shape():
    items = load_items()
    assert len(items) >= 40
    korean = sum(1 for i in items if i["lang"] == "ko")
    assert abs(korean - len(items) / 2) <= 1, "half of the items must be Korean"
    ids = Advisor(AdvisorOptions(llm_enabled=False)).rulebook.ids()
    for item in items:
        assert set(item["expect"]) <= set(ids), item["id"]


def test_eval_llm_off(capsys):
    accuracy, failures, _ = run_eval(Advisor(AdvisorOptions(llm_enabled=False)), use_llm=False)
    with capsys.disabled():
        print(f"\nadvisor eval, LLM off: accuracy {accuracy:.1%}; failures: {failures}")
    assert accuracy >= MEASURED_ACCURACY_LLM_OFF, failures


@pytest.mark.slow
@pytest.mark.skipif(not (llama_cpp_installed() and default_model_path()), reason="no local LLM installed")
def test_eval_llm_on(capsys):
    advisor = Advisor(AdvisorOptions(llm_languages=("en",), llm_threads=1, llm_timeout_seconds=30))
    started = time.perf_counter()
    items = [i for i in load_items() if i["id"] in LLM_ON_ASKS or not i["id"].startswith("ask-en-")]
    assert {i["id"] for i in items} >= set(LLM_ON_ASKS)
    accuracy, failures, sources = run_eval(advisor, use_llm=True, items=items)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\nadvisor eval, LLM on: accuracy {accuracy:.1%} in {elapsed:.0f} s; sources {sources}; "
            f"failures: {failures}"
        )
    assert accuracy >= MEASURED_ACCURACY_LLM_ON, failures
