-- The first schema of the job store. Times are Unix timestamps (REAL, UTC); Discord ids are INTEGER
-- (snowflakes fit in 64 bits). Only portable SQL here, so a PostgreSQL backend can share the shape.

CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,      -- submission order; never reused
    id TEXT NOT NULL UNIQUE,                     -- names the job folder: data/jobs/<id>/
    owner_id INTEGER NOT NULL,
    guild_id INTEGER,
    channel_id INTEGER,
    dataset_id TEXT,
    name TEXT NOT NULL,
    config_json TEXT NOT NULL,                   -- the frozen TrainConfig as JSON
    config_version INTEGER NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    job_dir TEXT NOT NULL,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    updated_at REAL NOT NULL,
    worker_id TEXT,
    lease_until REAL,
    heartbeat_at REAL,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    gpu_seconds REAL NOT NULL DEFAULT 0,
    step INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    loss REAL,
    eta_s REAL,
    s_per_step REAL,
    progress_at REAL,
    output_path TEXT,
    files_json TEXT,
    error_kind TEXT,
    error_message TEXT,
    error_cause TEXT,
    error_fix TEXT,
    error_rules_json TEXT,
    log_tail TEXT,
    files_deleted_at REAL
);
CREATE INDEX jobs_status_seq ON jobs (status, priority, seq);
CREATE INDEX jobs_owner_status ON jobs (owner_id, status);
CREATE INDEX jobs_guild_status ON jobs (guild_id, status);

-- Notable events of a job (not every step), in order, for the bot to post.
CREATE TABLE job_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    time REAL NOT NULL,
    type TEXT NOT NULL,
    data_json TEXT NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id, seq);

-- Round-robin state: a counter value per user, larger = served more recently.
CREATE TABLE users (
    owner_id INTEGER PRIMARY KEY,
    last_served INTEGER NOT NULL
);

-- GPU seconds used per user and UTC day (the daily quota).
CREATE TABLE gpu_usage (
    owner_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    gpu_seconds REAL NOT NULL,
    PRIMARY KEY (owner_id, day)
);

-- Switches such as `paused`.
CREATE TABLE queue_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Measured seconds per training step by architecture and resolution (for ETAs).
CREATE TABLE step_times (
    key TEXT PRIMARY KEY,
    s_per_step REAL NOT NULL,
    samples INTEGER NOT NULL,
    updated_at REAL NOT NULL
);

CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    owner_id INTEGER NOT NULL,
    guild_id INTEGER,
    name TEXT NOT NULL,
    prepared_dir TEXT NOT NULL,
    created_at REAL NOT NULL,
    deleted_at REAL
);
CREATE INDEX datasets_owner ON datasets (owner_id);

CREATE TABLE dataset_images (
    dataset_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size_bytes INTEGER NOT NULL,
    added_at REAL NOT NULL,
    PRIMARY KEY (dataset_id, sha256)
);

CREATE TABLE caption_versions (
    dataset_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    method TEXT NOT NULL,
    trigger_word TEXT NOT NULL,
    captions_json TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (dataset_id, version)
);
