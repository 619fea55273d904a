"""The ss_* entries of issue 19's options, as sd-scripts' train_network.py writes them."""

from __future__ import annotations

import json

from config.training import TrainConfig
from trainer.export.metadata import build_metadata

INFO = {"steps": 10, "epoch": 1, "started_at": 1.0, "finished_at": 2.0, "num_train_images": 4}


def meta(**changes) -> dict[str, str]:
    return build_metadata(TrainConfig(pretrained_model="m", **changes), "sdxl", INFO)


def test_defaults_are_what_sd_scripts_writes_when_nothing_is_set():
    m = meta()
    assert m["ss_network_module"] == "networks.lora"
    assert m["ss_max_token_length"] == "None"
    assert m["ss_multires_noise_iterations"] == "None" and m["ss_ip_noise_gamma"] == "None"
    assert (m["ss_loss_type"], m["ss_huber_c"], m["ss_huber_schedule"]) == ("l2", "0.1", "snr")
    assert m["ss_fp8_base"] == m["ss_flip_aug"] == m["ss_debiased_estimation"] == "False"
    assert m["ss_zero_terminal_snr"] == "False"


def test_set_options_are_recorded():
    m = meta(
        network_type="lokr",
        target_modules="locon",
        max_token_length=225,
        caption_tag_dropout_rate=0.1,
        flip_aug=True,
        loss_type="huber",
        huber_c=0.2,
        huber_schedule="exponential",
        debiased_estimation_loss=True,
        multires_noise_iterations=6,
        multires_noise_discount=0.8,
        ip_noise_gamma=0.1,
        fp8_base=True,
        mixed_precision="bf16",
        zero_terminal_snr=True,
    )
    assert m["ss_network_module"] == "lycoris.kohya"
    assert json.loads(m["ss_network_args"]) == {
        "algo": "lokr",
        "preset": "full",
        "factor": "-1",
        "conv_dim": "8",
        "conv_alpha": "4.0",
    }
    assert m["ss_max_token_length"] == "225" and m["ss_caption_tag_dropout_rate"] == "0.1"
    assert (m["ss_loss_type"], m["ss_huber_c"], m["ss_huber_schedule"]) == ("huber", "0.2", "exponential")
    assert m["ss_multires_noise_iterations"] == "6" and m["ss_multires_noise_discount"] == "0.8"
    assert m["ss_ip_noise_gamma"] == "0.1"
    assert m["ss_fp8_base"] == m["ss_flip_aug"] == m["ss_debiased_estimation"] == "True"
    assert m["ss_zero_terminal_snr"] == "True"
