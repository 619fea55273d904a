"""A LoHa / LoKr / DoRA run's file reads back into its adapters (sample jobs use the file when no
checkpoint is left), and strength scales the update linearly for LoHa and LoKr."""

from __future__ import annotations

import pytest
import torch
from engine_helpers import fast_config

from trainer.engine import checkpoint as ckpt
from trainer.engine.network import inject_adapters, lora_state_dict
from trainer.engine.train import train
from trainer.models.load import load_base
from trainer.sample import _set_strength, _weights_from_file


@pytest.mark.parametrize("network_type", ["loha", "lokr", "dora"])
def test_the_file_reads_back_as_the_trained_weights(tiny_model, dataset, tmp_path, network_type):
    cfg = fast_config(
        tiny_model("sd15"), dataset, tmp_path, network_type=network_type, save_precision="fp32",
        target_modules="locon", train_text_encoder=True,
    )  # fmt: skip
    assert train(cfg, tmp_path).status == "done"
    trained = ckpt.load_lora_weights(ckpt.latest_checkpoint(tmp_path))
    model = load_base(cfg.pretrained_model)
    parts = inject_adapters(model, cfg)
    read = _weights_from_file(
        tmp_path / "output" / "my_lora.safetensors", cfg, "sd15", parts, dict(model.unet.config)
    )
    assert set(read) == set(trained)
    for component, state in trained.items():
        assert set(read[component]) == set(state)
        for key, value in state.items():
            torch.testing.assert_close(read[component][key], value, rtol=1e-6, atol=1e-7)
    if network_type != "dora":
        unet = parts[0][1]
        layer = next(m for m in unet.modules() if hasattr(m, "get_delta_weight") and "default" in m.r)
        _set_strength(parts, read, 1.0)
        full = layer.get_delta_weight("default").clone()
        _set_strength(parts, read, 0.5)
        torch.testing.assert_close(layer.get_delta_weight("default"), 0.5 * full)
        _set_strength(parts, read, 0.0)
        assert float(layer.get_delta_weight("default").detach().abs().max()) == 0.0
        assert lora_state_dict(unet)  # the adapters are still there
