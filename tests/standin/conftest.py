"""Fixtures for the stand-in's own tests."""

from __future__ import annotations

import pytest
from discord.ext import commands
from standin_bot import build_bot


@pytest.fixture
def bot() -> commands.Bot:
    return build_bot()
