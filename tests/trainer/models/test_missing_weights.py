"""A weight really missing from a base model's files is an error, not a warning."""

import pytest
from safetensors.torch import load_file, save_file

from trainer.models.load import ModelLoadError, load_base
from trainer.tinybase import base


def test_a_text_encoder_with_missing_weights_is_refused(tmp_path):
    broken = base.materialize(tmp_path / "broken")
    weights = broken / "text_encoder" / "model.safetensors"
    state = load_file(str(weights))
    gone = sorted(k for k in state if k.startswith("encoder.layers.1."))[:2]
    for key in gone:
        del state[key]
    save_file(state, str(weights), metadata={"format": "pt"})
    with pytest.raises(
        ModelLoadError, match=r"weights missing from the files: CLIPTextModel: encoder\.layers\.1"
    ):
        load_base(broken)
