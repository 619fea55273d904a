"""network_type: LoHa, LoKr and DoRA train through the engine and come out as LyCORIS files."""

from __future__ import annotations

import json

import pytest
from engine_helpers import fast_config
from safetensors import safe_open

from config.training import ConfigError
from trainer.engine.train import train


@pytest.mark.parametrize(
    ("network_type", "parts"),
    [
        ("loha", {"hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b", "alpha"}),
        ("lokr", {"lokr_w1", "lokr_w2", "alpha"}),
        ("dora", {"lora_down.weight", "lora_up.weight", "dora_scale", "alpha"}),
    ],
)
def test_each_network_type_trains_and_writes_its_lycoris_keys(
    tiny_model, dataset, tmp_path, network_type, parts
):
    cfg = fast_config(tiny_model("sd15"), dataset, tmp_path / "run", network_type=network_type)
    result = train(cfg, tmp_path / "run")
    assert result.status == "done"
    with safe_open(str(tmp_path / "run" / "output" / "my_lora.safetensors"), "pt") as fh:
        keys = set(fh.keys())
        meta = fh.metadata()
        first = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"
        moved = [fh.get_tensor(f"{first}.{p}").abs().sum().item() for p in parts if p != "alpha"]
    assert {k.partition(".")[2] for k in keys} <= parts | {"lokr_w2_a", "lokr_w2_b"}
    assert any(k.startswith(first + ".") for k in keys)
    assert all(value > 0 for value in moved)  # training moved every factor away from zero
    assert meta["ss_network_module"] == "lycoris.kohya"
    args = json.loads(meta["ss_network_args"])
    assert args["algo"] == {"loha": "loha", "lokr": "lokr", "dora": "locon"}[network_type]
    assert args.get("dora_wd") == ("True" if network_type == "dora" else None)


def test_loha_with_a_diffusers_copy_is_refused_naming_save_format(tiny_model, dataset, tmp_path):
    with pytest.raises(ConfigError) as err:
        fast_config(tiny_model("sd15"), dataset, tmp_path, network_type="loha", save_format="both")
    assert err.value.field == "save_format"
