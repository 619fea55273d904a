"""A normal run raises no deprecation warnings from our own calls into the libraries."""

import warnings

from engine_helpers import fast_config

from trainer.engine.train import train


def test_gradient_checkpointing_with_the_text_encoder_warns_nothing(tiny_model, dataset, tmp_path):
    cfg = fast_config(
        tiny_model("sd15"),
        dataset,
        tmp_path / "run",
        max_train_steps=1,
        gradient_checkpointing=True,
        train_text_encoder=True,
        sample_every_n_steps=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert train(cfg, tmp_path / "run").status == "done"
    ours = [str(w.message) for w in caught if issubclass(w.category, FutureWarning | DeprecationWarning)]
    assert not [m for m in ours if "checkpointing" in m], ours
