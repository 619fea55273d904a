"""A job that continues from a LoRA (network_weights): the file is checked before anything is queued
and copied into the job folder."""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import save_file

from config.training import TrainConfig, load_train_config
from trainer.job_paths import JobPaths
from trainer.queue.jobdir import JobDirError, submit_job

NAME = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"


def config(dataset_dir, weights) -> TrainConfig:
    return TrainConfig(
        pretrained_model="/models/tiny",
        model_arch="sd15",
        data_dir=str(dataset_dir),
        max_train_steps=5,
        network_weights=str(weights),
    )


async def test_a_good_file_travels_with_the_job(store, queue_options, dataset_dir, tmp_path):
    weights = tmp_path / "mine.safetensors"
    save_file(
        {f"{NAME}.lora_down.weight": torch.zeros(4, 32), f"{NAME}.lora_up.weight": torch.zeros(32, 4)},
        str(weights),
    )
    job = await submit_job(store, queue_options, config(dataset_dir, weights), owner_id=1)
    paths = JobPaths(job.job_dir)
    assert paths.network_weights.read_bytes() == weights.read_bytes()
    assert load_train_config(paths.config).network_weights == str(paths.network_weights)


async def test_a_pickled_or_wrong_family_file_is_refused_before_queueing(
    store, queue_options, dataset_dir, tmp_path
):
    pickled = tmp_path / "old.ckpt"
    torch.save({"x": torch.zeros(1)}, pickled)
    sdxl = tmp_path / "sdxl.safetensors"
    save_file({"lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight": torch.zeros(4, 8),
               "lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight": torch.zeros(8, 4)}, str(sdxl))  # fmt: skip
    for path, reason in ((pickled, "pickled"), (sdxl, "LoRA for sdxl")):
        with pytest.raises(JobDirError, match=reason):
            await submit_job(store, queue_options, config(dataset_dir, path), owner_id=1)
    jobs_dir = queue_options.jobs_dir
    assert not jobs_dir.exists() or list(jobs_dir.iterdir()) == []  # no folder left behind
