"""Shared fixtures of the advisor's tests."""

from __future__ import annotations

import pytest

from advisor.answer import Advisor
from advisor.llm import AdvisorOptions


@pytest.fixture(scope="session")
def advisor():
    """One rule-only advisor (LLM off) for every test module that asks questions: building one costs seconds
    (index, intents), answering milliseconds, and asking never changes it."""
    return Advisor(AdvisorOptions(llm_enabled=False))
