"""Loading settings: the file, environment overrides of every type, and refusals that name the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import ModelEntry, Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    # A loracord.toml in the directory pytest runs from must not leak into these tests.
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str, name: str = "loracord.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_values_come_from_the_file_and_the_rest_keep_their_defaults(tmp_path):
    path = write(
        tmp_path,
        """
[discord]
sync_guild_ids = [111, 222]
admin_role = "LoRA admins"

[storage]
data_dir = "/srv/loracord"

[limits]
max_queued_jobs_per_user = 5
artifacts_budget_gb = 12.5

[i18n]
default_locale = "ko"
""",
    )
    s = load_settings(path, environ={})
    assert s.discord.sync_guild_ids == [111, 222]
    assert s.discord.admin_role == "LoRA admins"
    assert s.storage.data_dir == Path("/srv/loracord")
    assert s.storage.sqlite_path == Path("/srv/loracord/loracord.db")
    assert s.limits.max_queued_jobs_per_user == 5
    assert s.limits.artifacts_budget_gb == 12.5
    assert s.i18n.default_locale == "ko"
    assert s.channel_locale == "ko"
    assert s.limits.max_running_jobs_per_user == Settings().limits.max_running_jobs_per_user


def test_no_file_and_no_environment_gives_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings(environ={}) == Settings()


def test_loracord_toml_in_the_working_directory_is_read(tmp_path, monkeypatch):
    write(tmp_path, "[worker]\nembedded = false\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings(environ={}).worker.embedded is False


def test_loracord_config_variable_names_the_file(tmp_path):
    path = write(tmp_path, "[advisor]\nllm_threads = 3\n", "elsewhere.toml")
    assert load_settings(environ={"LORACORD_CONFIG": str(path)}).advisor.llm_threads == 3
    with pytest.raises(SettingsError, match="LORACORD_CONFIG") as err:
        load_settings(environ={"LORACORD_CONFIG": str(tmp_path / "missing.toml")})
    assert err.value.key == "config"


def test_an_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="settings file not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_broken_toml_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "[limits]\nmax_queued_jobs_per_user = \n")
    with pytest.raises(SettingsError, match=r"loracord.toml is not valid TOML.*line 2"):
        load_settings(path, environ={})


@pytest.mark.parametrize(
    ("var", "value", "section", "key", "expected"),
    [
        ("LORACORD__LIMITS__MAX_QUEUED_JOBS_PER_USER", "7", "limits", "max_queued_jobs_per_user", 7),
        ("LORACORD__WORKER__MIN_FREE_DISK_GB", "2.5", "worker", "min_free_disk_gb", 2.5),
        ("LORACORD__WORKER__EMBEDDED", "false", "worker", "embedded", False),
        ("LORACORD__WORKER__EMBEDDED", "0", "worker", "embedded", False),
        ("LORACORD__DISCORD__MESSAGE_CONTENT_INTENT", "Yes", "discord", "message_content_intent", True),
        ("LORACORD__DISCORD__MESSAGE_CONTENT_INTENT", "on", "discord", "message_content_intent", True),
        (
            "LORACORD__DISCORD__SYNC_GUILD_IDS",
            "123456789012345678, 42",
            "discord",
            "sync_guild_ids",
            [123456789012345678, 42],
        ),
        ("LORACORD__WORKER__GPUS", "0, 1,3", "worker", "gpus", ["0", "1", "3"]),
        ("LORACORD__WORKER__GPUS", "", "worker", "gpus", []),
        ("LORACORD__I18N__SUPPORTED", "en, ko, ja", "i18n", "supported", ["en", "ko", "ja"]),
        (
            "LORACORD__FILES__PUBLIC_BASE_URL",
            "https://lora.example.org",
            "files",
            "public_base_url",
            "https://lora.example.org",
        ),
        ("LORACORD__STORAGE__DATA_DIR", "/data", "storage", "data_dir", Path("/data")),
        ("loracord__advisor__llm_threads", "4", "advisor", "llm_threads", 4),
    ],
)
def test_environment_overrides_are_coerced_to_the_field_type(var, value, section, key, expected):
    s = load_settings(None, environ={var: value})
    got = getattr(getattr(s, section), key)
    assert got == expected
    assert type(got) is type(expected)


def test_environment_beats_the_file(tmp_path):
    path = write(tmp_path, "[limits]\nretention_days = 7\ncommands_per_minute_per_user = 3\n")
    s = load_settings(path, environ={"LORACORD__LIMITS__RETENTION_DAYS": "90"})
    assert s.limits.retention_days == 90
    assert s.limits.commands_per_minute_per_user == 3


@pytest.mark.parametrize(
    ("var", "value", "key", "accepted"),
    [
        ("LORACORD__WORKER__EMBEDDED", "maybe", "worker.embedded", "true or false"),
        ("LORACORD__LIMITS__RETENTION_DAYS", "a month", "limits.retention_days", "a whole number"),
        ("LORACORD__WORKER__MIN_FREE_DISK_GB", "nan", "worker.min_free_disk_gb", "a number"),
        ("LORACORD__DISCORD__SYNC_GUILD_IDS", "12,abc", "discord.sync_guild_ids", "a list of whole numbers"),
    ],
)
def test_an_environment_value_of_the_wrong_type_names_key_variable_and_accepted_values(
    var, value, key, accepted
):
    with pytest.raises(SettingsError) as err:
        load_settings(None, environ={var: value})
    assert err.value.key == key
    assert accepted in str(err.value)
    assert var in str(err.value)


# One bad value per section: the message names the full key and what it accepts.
BAD_VALUES = [
    ("[discord]\napplication_id = -5\n", "discord.application_id", "at least 0"),
    ("[discord]\nsync_guild_ids = ['123']\n", "discord.sync_guild_ids", "a list of whole numbers"),
    ("[discord]\ndefault_locale = 'fr'\n", "discord.default_locale", "one of i18n.supported (en, ko)"),
    ("[storage]\ndatabase_url = 'mysql://db/lora'\n", "storage.database_url", "sqlite:///PATH"),
    ("[storage]\nsqlite_wal = 'yes'\n", "storage.sqlite_wal", "must be true or false"),
    ("[worker]\nlease_seconds = 30\nheartbeat_seconds = 20\n", "worker.heartbeat_seconds", "less than half"),
    ("[worker]\ngpus = ['cuda:0']\n", "worker.gpus", "CUDA device index"),
    ("[worker]\ngpus = ['0', '1', '0']\n", "worker.gpus", "names GPU 0 more than once"),
    ("[worker]\nmax_attempts = 0\n", "worker.max_attempts", "at least 1"),
    ("[limits]\nmax_queued_jobs_per_user = 0\n", "limits.max_queued_jobs_per_user", "at least 1"),
    ("[limits]\nmax_upload_bytes = 1.5\n", "limits.max_upload_bytes", "a whole number"),
    ("[models]\ndefault = 'sd3'\n", "models.default", "one of sd15, sdxl"),
    (
        "[models.allowlist.mine]\npath = '/m'\narch = 'flux'\n",
        "models.allowlist.mine.arch",
        "sd15, sd2, sdxl",
    ),
    (
        "[models]\ndefault = 'mine'\n[models.allowlist.mine]\narch = 'sd15'\n",
        "models.allowlist.mine.path",
        "must be set",
    ),
    (
        "[models.allowlist.mine]\npath = '/m'\narch = 'sd15'\nresolution = 500\n",
        "models.allowlist.mine.resolution",
        "multiple of 64",
    ),
    (
        "[models]\ndefault = 'My Model'\n[models.allowlist.'My Model']\npath = '/m'\narch = 'sd15'\n",
        "models.allowlist.My Model",
        "lower-case letters",
    ),
    ("[advisor]\nmax_answer_tokens = 100000\n", "advisor.max_answer_tokens", "from 16 to 4096"),
    ("[advisor]\nllm_timeout_seconds = 0\n", "advisor.llm_timeout_seconds", "at least 1.0"),
    ("[advisor]\nllm_languages = ['en', 'fr']\n", "advisor.llm_languages", "one of en, ko"),
    ("[advisor]\nllm_languages = ['ko', 'ko']\n", "advisor.llm_languages", "more than once"),
    ("[advisor]\nllm_languages = 'ko'\n", "advisor.llm_languages", "a list of strings"),
    ("[files]\nbind_port = 70000\n", "files.bind_port", "from 1 to 65535"),
    ("[files]\npublic_base_url = 'lora.example.org'\n", "files.public_base_url", "http:// or https://"),
    ("[i18n]\ndefault_locale = 'de'\n", "i18n.default_locale", "one of i18n.supported"),
    ("[i18n]\nsupported = ['english']\n", "i18n.supported", "'en', 'ko' or 'pt-BR'"),
    ("[captioning]\nwd14_threshold = 1.5\n", "captioning.wd14_threshold", "from 0.0 to 1.0"),
    ("[captioning]\nwd14_model = '/m/model.onnx'\n", "captioning.wd14_tags", "together"),
]


@pytest.mark.parametrize(("text", "key", "accepted"), BAD_VALUES, ids=[b[1] for b in BAD_VALUES])
def test_a_bad_value_names_the_key_and_the_accepted_values(tmp_path, text, key, accepted):
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as err:
        load_settings(path, environ={})
    assert err.value.key == key
    assert str(err.value).startswith(f"{key}: ")
    assert accepted in str(err.value)


def test_every_section_has_a_bad_value_case():
    tested = {key.split(".")[0] for _, key, _ in BAD_VALUES}
    assert tested == {name for name in Settings.__dataclass_fields__}


@pytest.mark.parametrize(
    ("text", "key", "hint"),
    [
        ("[limits]\nmax_queued_per_user = 2\n", "limits.max_queued_per_user", "max_queued_jobs_per_user"),
        ("[limit]\nretention_days = 2\n", "limit", "limits"),
        ("[models.allowlist.a]\npath = 'x'\narh = 'sd15'\n", "models.allowlist.a.arh", "arch"),
        ("data_dir = 'x'\n", "data_dir", "known: advisor, captioning"),
    ],
)
def test_unknown_keys_in_the_file_are_refused_with_a_suggestion(tmp_path, text, key, hint):
    with pytest.raises(SettingsError, match="unknown") as err:
        load_settings(write(tmp_path, text), environ={})
    assert err.value.key == key
    assert hint in str(err.value)


@pytest.mark.parametrize(
    ("var", "key", "hint"),
    [
        ("LORACORD__STORAGE__DATADIR", "storage.datadir", "data_dir"),
        ("LORACORD__STORGE__DATA_DIR", "storge", "storage"),
        ("LORACORD__STORAGE", "storage", "LORACORD__SECTION__KEY"),
        ("LORACORD__MODELS__ALLOWLIST__X__PAHT", "models.allowlist.x.paht", "path"),
    ],
)
def test_unknown_environment_keys_are_refused_with_a_suggestion(var, key, hint):
    with pytest.raises(SettingsError) as err:
        load_settings(None, environ={var: "1"})
    assert err.value.key == key
    assert hint in str(err.value)
    assert var in str(err.value)


def test_a_file_allowlist_replaces_the_default_models(tmp_path):
    path = write(
        tmp_path,
        """
[models]
default = "anime"

[models.allowlist.anime]
path = "/data/models/anime-v3.safetensors"
arch = "sd15"
description = "Anime 1.5 finetune"

[models.allowlist.xl]
path = "stabilityai/stable-diffusion-xl-base-1.0"
arch = "sdxl"
""",
    )
    s = load_settings(path, environ={})
    assert list(s.models.allowlist) == ["anime", "xl"]
    assert s.models.allowlist["anime"] == ModelEntry(
        "/data/models/anime-v3.safetensors", "sd15", 0, "Anime 1.5 finetune"
    )
    assert s.models.allowlist["anime"].effective_resolution == 512
    assert s.models.allowlist["xl"].effective_resolution == 1024


def test_environment_adds_and_edits_allowlisted_models():
    s = load_settings(
        None,
        environ={
            "LORACORD__MODELS__ALLOWLIST__LOCAL2__PATH": "/data/models/sd21",
            "LORACORD__MODELS__ALLOWLIST__LOCAL2__ARCH": "sd2",
            "LORACORD__MODELS__ALLOWLIST__SDXL__PATH": "/data/models/sdxl",
            "LORACORD__MODELS__DEFAULT": "local2",
        },
    )
    assert s.models.default == "local2"
    assert s.models.allowlist["local2"] == ModelEntry("/data/models/sd21", "sd2")
    assert s.models.allowlist["local2"].effective_resolution == 768
    assert s.models.allowlist["sdxl"].path == "/data/models/sdxl"
    assert s.models.allowlist["sdxl"].arch == "sdxl"
    assert "sd15" in s.models.allowlist


def test_a_model_added_from_the_environment_must_name_its_architecture():
    with pytest.raises(SettingsError) as err:
        load_settings(None, environ={"LORACORD__MODELS__ALLOWLIST__MINE__PATH": "/m"})
    assert err.value.key == "models.allowlist.mine.arch"
    assert "sd15, sd2, sdxl" in str(err.value)


def test_an_empty_allowlist_needs_an_empty_default(tmp_path):
    path = write(tmp_path, "[models]\ndefault = ''\nallowlist = {}\n")
    assert load_settings(path, environ={}).models.allowlist == {}
    with pytest.raises(SettingsError, match="the allowlist is empty"):
        load_settings(write(tmp_path, "[models]\nallowlist = {}\n"), environ={})


def test_settings_are_frozen():
    s = Settings()
    with pytest.raises(AttributeError):
        s.limits.retention_days = 1  # type: ignore[misc]


def test_invalid_settings_stop_the_program_with_the_key_in_one_line(tmp_path):
    path = write(tmp_path, "[limits]\nmax_running_jobs_per_user = 0\n")
    proc = subprocess.run(
        [sys.executable, "-m", "config.settings", "--config", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 1
    assert (
        proc.stderr.strip() == "invalid settings: limits.max_running_jobs_per_user: must be at least 1; got 0"
    )
