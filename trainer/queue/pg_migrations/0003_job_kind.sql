-- Job kinds (as migrations/0003_job_kind.sql): "train" or "sample".
ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'train';
ALTER TABLE jobs ADD COLUMN source_job_id TEXT;
ALTER TABLE jobs ADD COLUMN planned_steps INTEGER;
CREATE INDEX jobs_source ON jobs (source_job_id);
