"""The architecture table: one complete row per family, read instead of comparing names."""

from __future__ import annotations

import dataclasses

import pytest

from config.arch import ARCH_NAMES, ARCHS, Arch, arch_by_cross_attention, arch_spec


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_every_family_has_a_complete_row(arch):
    spec = arch_spec(arch)
    assert spec.arch == arch and spec.label
    for f in dataclasses.fields(spec):
        assert getattr(spec, f.name) not in ("", None, ()), f"{arch}.{f.name} is empty"
    assert spec.lowest_resolution <= spec.default_resolution
    assert [b for _, b in spec.vram_batch] == sorted(b for _, b in spec.vram_batch)
    # kohya's prefixes: one text encoder is lora_te, several are numbered lora_te1, lora_te2 ...
    expected = (
        ("lora_te",)
        if len(spec.text_encoders) == 1
        else tuple(f"lora_te{i + 1}" for i in range(len(spec.text_encoders)))
    )
    assert spec.lora_te_prefixes == expected


def test_names_are_what_configs_and_events_use():
    assert ARCH_NAMES == ("sd15", "sd2", "sdxl")
    assert Arch("sdxl") is Arch.SDXL and f"{Arch.SD2}" == "sd2"
    assert arch_by_cross_attention(2048) is Arch.SDXL and arch_by_cross_attention(999) is None
    assert len({s.cross_attention_dim for s in ARCHS.values()}) == len(ARCHS)


def test_an_unknown_family_is_refused_with_the_accepted_names():
    with pytest.raises(ValueError, match="sd15, sd2, sdxl"):
        arch_spec("flux")
