-- Workers on any host (docs/queue.md, "Workers"): each registers its GPU and the architectures it
-- has models for, and renews `heartbeat_at` while it lives. A job records what it needs (`vram_gb`,
-- the advisor's estimate; `arch`), and a worker claims only jobs that fit its free VRAM and models.
CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    gpu TEXT,
    gpu_name TEXT,
    vram_total_gb REAL,
    vram_free_gb REAL,
    archs_json TEXT NOT NULL DEFAULT '[]',
    started_at REAL NOT NULL,
    heartbeat_at REAL NOT NULL,
    job_id TEXT,
    stopped_at REAL
);
ALTER TABLE jobs ADD COLUMN vram_gb REAL;
ALTER TABLE jobs ADD COLUMN arch TEXT;
