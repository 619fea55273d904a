-- The job store's schema on PostgreSQL: the same tables and columns as migrations/0001 (SQLite), in
-- PostgreSQL's types. Migration numbers match the SQLite ones, so a store copied from SQLite
-- (`loracord queue migrate-store`) has the same schema version. Times are Unix timestamps (float8).

CREATE TABLE jobs (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner_id BIGINT NOT NULL,
    guild_id BIGINT,
    channel_id BIGINT,
    dataset_id TEXT,
    name TEXT NOT NULL,
    config_json TEXT NOT NULL,
    config_version INTEGER NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    job_dir TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    started_at DOUBLE PRECISION,
    finished_at DOUBLE PRECISION,
    updated_at DOUBLE PRECISION NOT NULL,
    worker_id TEXT,
    lease_until DOUBLE PRECISION,
    heartbeat_at DOUBLE PRECISION,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    gpu_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
    step INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    loss DOUBLE PRECISION,
    eta_s DOUBLE PRECISION,
    s_per_step DOUBLE PRECISION,
    progress_at DOUBLE PRECISION,
    output_path TEXT,
    files_json TEXT,
    error_kind TEXT,
    error_message TEXT,
    error_cause TEXT,
    error_fix TEXT,
    error_rules_json TEXT,
    log_tail TEXT,
    files_deleted_at DOUBLE PRECISION
);
CREATE INDEX jobs_status_seq ON jobs (status, priority, seq);
CREATE INDEX jobs_owner_status ON jobs (owner_id, status);
CREATE INDEX jobs_guild_status ON jobs (guild_id, status);

CREATE TABLE job_events (
    seq BIGSERIAL PRIMARY KEY,
    job_id TEXT NOT NULL,
    time DOUBLE PRECISION NOT NULL,
    type TEXT NOT NULL,
    data_json TEXT NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id, seq);

-- Round-robin state. Rows are created at submission, so a claim can lock its owner's row
-- (FOR UPDATE SKIP LOCKED) while it checks the owner's running limit and quota.
CREATE TABLE users (
    owner_id BIGINT PRIMARY KEY,
    last_served BIGINT NOT NULL
);
-- Claims stamp `last_served` from this sequence: concurrent claims never share a stamp.
CREATE SEQUENCE serve_counter;

CREATE TABLE gpu_usage (
    owner_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    gpu_seconds DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (owner_id, day)
);

CREATE TABLE queue_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE step_times (
    key TEXT PRIMARY KEY,
    s_per_step DOUBLE PRECISION NOT NULL,
    samples INTEGER NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    owner_id BIGINT NOT NULL,
    guild_id BIGINT,
    name TEXT NOT NULL,
    prepared_dir TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    deleted_at DOUBLE PRECISION
);
CREATE INDEX datasets_owner ON datasets (owner_id);

CREATE TABLE dataset_images (
    dataset_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size_bytes BIGINT NOT NULL,
    added_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (dataset_id, sha256)
);

CREATE TABLE caption_versions (
    dataset_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    method TEXT NOT NULL,
    trigger_word TEXT NOT NULL,
    captions_json TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (dataset_id, version)
);

-- Per-guild lock rows: a claim locks the guild of the job it takes (FOR UPDATE SKIP LOCKED) while
-- it checks the guild's running limit. Created at submission.
CREATE TABLE guilds (
    guild_id BIGINT PRIMARY KEY
);
