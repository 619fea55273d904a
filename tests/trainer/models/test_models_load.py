"""detect_arch and load_base on the six tiny models, and the errors a user gets for bad paths."""

from __future__ import annotations

import shutil

import pytest
import torch
from diffusers import DDPMScheduler, StableDiffusionPipeline, StableDiffusionXLPipeline

from trainer.models.load import ModelLoadError, detect_arch, load_base
from trainer.models.tiny import config_folder_for

EXPECTED = {
    "sd15": ("epsilon", StableDiffusionPipeline, 1, 0.18215),
    "sd2": ("v_prediction", StableDiffusionPipeline, 1, 0.18215),
    "sdxl": ("epsilon", StableDiffusionXLPipeline, 2, 0.13025),
}


@pytest.mark.parametrize("fmt", ["diffusers", "single-file"])
@pytest.mark.parametrize("arch", ["sd15", "sd2", "sdxl"])
def test_detect_arch(tiny_models, arch, fmt):
    assert detect_arch(tiny_models[arch, fmt]) == arch
    assert detect_arch(str(tiny_models[arch, fmt])) == arch


def test_detect_arch_of_a_single_file_without_configs_reads_its_keys(tiny_models, tmp_path):
    for arch in ("sd15", "sd2", "sdxl"):
        lone = tmp_path / f"{arch}.safetensors"
        shutil.copy(tiny_models[arch, "single-file"], lone)
        assert not config_folder_for(lone).exists()
        assert detect_arch(lone) == arch


@pytest.mark.parametrize("fmt", ["diffusers", "single-file"])
@pytest.mark.parametrize("arch", ["sd15", "sd2", "sdxl"])
def test_load_base(tiny_models, arch, fmt):
    prediction, pipeline_class, encoders, scaling = EXPECTED[arch]
    model = load_base(tiny_models[arch, fmt])
    assert model.arch == arch
    assert model.prediction_type == prediction
    assert model.pipeline_class is pipeline_class
    assert len(model.text_encoders) == len(model.tokenizers) == encoders
    assert model.vae_scale_factor == 8
    assert model.scaling_factor == pytest.approx(scaling)
    assert isinstance(model.noise_scheduler, DDPMScheduler)
    assert model.noise_scheduler.config.prediction_type == prediction
    assert model.noise_scheduler.config.beta_schedule == "scaled_linear"
    assert model.noise_scheduler.config.num_train_timesteps == 1000
    assert model.unet.dtype == torch.float32
    assert model.tokenizers[0]("a photo of a cat").input_ids == [49406, 320, 1125, 539, 320, 2368, 49407]


def test_make_pipeline_shares_the_loaded_modules(tiny_models):
    model = load_base(tiny_models["sdxl", "diffusers"])
    pipe = model.make_pipeline()
    assert pipe.unet is model.unet and pipe.text_encoder_2 is model.text_encoders[1]
    image = pipe(
        "a cat", num_inference_steps=2, generator=torch.Generator().manual_seed(0), output_type="np"
    ).images[0]
    assert image.shape == (64, 64, 3)


def test_prediction_type_override_and_dtype(tiny_models):
    model = load_base(tiny_models["sd15", "diffusers"], prediction_type="v_prediction", dtype=torch.bfloat16)
    assert model.prediction_type == "v_prediction"
    assert model.noise_scheduler.config.prediction_type == "v_prediction"
    assert model.unet.dtype == torch.bfloat16


def test_explicit_arch_must_match(tiny_models):
    assert load_base(tiny_models["sd2", "diffusers"], arch="sd2").arch == "sd2"
    with pytest.raises(ModelLoadError, match="is an sdxl model but arch 'sd15'"):
        load_base(tiny_models["sdxl", "diffusers"], arch="sd15")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arch": "sd3"}, "arch must be auto, sd15, sd2, sdxl"),
        ({"prediction_type": "x0"}, "prediction_type must"),
    ],
)
def test_bad_options(tiny_models, kwargs, message):
    with pytest.raises(ModelLoadError, match=message):
        load_base(tiny_models["sd15", "diffusers"], **kwargs)


def test_missing_path(tmp_path):
    missing = tmp_path / "nope" / "model"
    with pytest.raises(ModelLoadError, match="does not exist") as info:
        load_base(missing)
    assert info.value.path == str(missing)


def test_folder_that_is_not_a_model(tmp_path):
    (tmp_path / "cat.png").write_bytes(b"png")
    with pytest.raises(ModelLoadError, match=r"no model_index\.json"):
        load_base(tmp_path)


def test_other_files_are_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"neither a model folder nor a \.safetensors"):
        load_base(text)
    pickled = tmp_path / "model.ckpt"
    pickled.write_bytes(b"\x80\x04")
    with pytest.raises(ModelLoadError, match="pickled checkpoints are not loaded"):
        load_base(pickled)


def test_corrupt_single_file(tmp_path):
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    with pytest.raises(ModelLoadError, match=r"not a readable \.safetensors file"):
        load_base(broken)


def test_truncated_weights_in_a_diffusers_folder(tiny_models, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(tiny_models["sd15", "diffusers"], copy)
    weights = copy / "unet" / "diffusion_pytorch_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ModelLoadError, match="cannot load it as sd15") as info:
        load_base(copy)
    assert str(copy) in str(info.value)


def test_single_file_without_configs_says_where_to_put_them(tiny_models, tmp_path):
    lone = tmp_path / "lone.safetensors"
    shutil.copy(tiny_models["sd15", "single-file"], lone)
    with pytest.raises(ModelLoadError, match=r"lone\.config/"):
        load_base(lone)


def test_hub_id_is_not_fetched_when_local_files_only():
    # Nothing of that id is in the local cache, and local_files_only forbids asking the hub.
    with pytest.raises(ModelLoadError, match="no hub model of that id in the local Hugging Face cache"):
        load_base("someone/no-such-model")
