"""Training and sampling build the network with one function, so a sample job sees what was trained."""

from __future__ import annotations

from engine_helpers import fast_config

from trainer.engine.adapters import is_adapter_param
from trainer.engine.network import COMPONENTS, inject_adapters
from trainer.models.load import load_base


def _adapter_kinds(module) -> set[str]:
    return {
        type(m).__module__.split(".")[-2]
        for m in module.modules()
        if type(m).__module__.startswith("peft.tuners")
    }


def test_the_network_type_and_text_encoders_follow_the_config(tiny_model, dataset, tmp_path):
    model_dir = tiny_model("sdxl")
    cfg = fast_config(model_dir, dataset, tmp_path / "run", network_type="lokr", train_text_encoder=True)
    model = load_base(model_dir)
    parts = inject_adapters(model, cfg)
    assert [name for name, _ in parts] == list(COMPONENTS)  # SDXL: the U-Net and both text encoders
    for _, module in parts:
        assert _adapter_kinds(module) == {"lokr"}
        trainable = [n for n, p in module.named_parameters() if p.requires_grad]
        assert trainable and all(is_adapter_param(n) for n in trainable)


def test_frozen_text_encoders_get_no_adapter(tiny_model, dataset, tmp_path):
    model_dir = tiny_model("sd15")
    cfg = fast_config(model_dir, dataset, tmp_path / "run", train_text_encoder=False)
    model = load_base(model_dir)
    assert [name for name, _ in inject_adapters(model, cfg)] == ["unet"]
    assert not _adapter_kinds(model.text_encoders[0])
