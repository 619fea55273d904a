"""A Discord member cannot point a job at a server path: network_weights (continue from a LoRA) is a
path, so it is one of the fields only the bot chooses (else a member could train from another
member's LoRA file and download the result)."""

from __future__ import annotations

import pytest

from bot.errors import BadValue
from bot.exts.training._service import PROTECTED, parse_overrides


@pytest.mark.parametrize("field", sorted(PROTECTED))
def test_path_fields_cannot_be_overridden(field):
    with pytest.raises(BadValue) as err:
        parse_overrides(f"{field}=/srv/loracord/jobs/other/output/their.safetensors")
    assert err.value.field == field


def test_network_weights_is_protected():
    assert "network_weights" in PROTECTED


def test_a_form_of_several_lines_keeps_commas_inside_values():
    form = "max_train_steps=400\nsample_prompts=sks, a red star|a blue square\nnetwork_dim=8"
    assert parse_overrides(form) == {
        "max_train_steps": "400",
        "sample_prompts": "sks, a red star|a blue square",
        "network_dim": "8",
    }
    assert parse_overrides("network_dim=16, learning_rate=5e-5") == {
        "network_dim": "16",
        "learning_rate": "5e-5",
    }
