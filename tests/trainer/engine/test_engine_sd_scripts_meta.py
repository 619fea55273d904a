"""A real run's LoRA carries sd-scripts' epoch count and the base model's hashes."""

from engine_helpers import fast_config
from safetensors import safe_open

from trainer.engine.train import train


def test_a_run_ending_inside_its_second_epoch_writes_epoch_2(tiny_model, dataset, tmp_path):
    # 4 images, batch 2 -> 2 batches per epoch; 3 steps end inside epoch 2, where sd-scripts writes
    # ss_epoch = num_train_epochs = 2 (loracord wrote the completed epochs, 1).
    cfg = fast_config(tiny_model("sd15"), dataset, tmp_path / "run", max_train_steps=3)
    result = train(cfg, tmp_path / "run")
    with safe_open(str(result.files[0]), "pt") as fh:
        meta = fh.metadata()
    assert (meta["ss_steps"], meta["ss_epoch"], meta["ss_num_epochs"]) == ("3", "2", "2")
    assert meta["ss_num_batches_per_epoch"] == "2"
    # a diffusers-folder base: what sd-scripts' hash helpers return for a folder (docs/lora-format.md)
    assert meta["ss_sd_model_hash"] == meta["ss_new_sd_model_hash"] == "IsADirectory"
    assert meta["ss_bucket_info"].startswith("{")
